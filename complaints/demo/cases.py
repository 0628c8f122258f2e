"""The generated history's material: kinds of complaint with their words, names and moods.

Plain data, as ``complaints.demo.stories`` is; ``complaints.demo.history`` draws from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from complaints.choices import Emotion, RequestDomain

# The corrective action done seven weeks ago lowers this cause (see ``history``).
ACTION_DONE_CAUSE = "billing-unexpected-charge"


# --- What customers complain about -------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One kind of complaint: its cause, its words, and how it tends to end."""

    cause: str  # a RootCause code
    business: bool  # the business team (Carla) handles it
    weight: float
    category: str
    subject: str
    facts: str
    emotions: tuple[str, ...]  # what the customer tends to feel at intake
    summary: str  # the facts summary of the solve step
    next_steps: str
    upheld: str  # the resolution when the complaint is upheld
    outcomes: tuple[int, int, int]  # weights of upheld, partly upheld, not upheld
    domain: str = RequestDomain.PAST
    no: str = ""  # the resolution when the answer is (partly) no
    alternatives: str = ""
    gesture: tuple[str, str] | None = None  # (kind, description) of a fitting goodwill gesture
    wishes: tuple[str, ...] = ()
    contribution: str = ""
    # What we did, as a letter tells the customer (the cases that can end with a gesture).
    done: str = ""


_E = Emotion
CASES: tuple[Case, ...] = (
    Case(
        "delivery-late",
        False,
        10,
        "Webshop – bezorging",
        "Bestelling {order} nog steeds niet bezorgd",
        "Klant bestelde met levering binnen twee werkdagen; na een week is het pakket er nog "
        "niet. De track-and-trace staat al dagen op 'in sorteercentrum'.",
        (_E.FRUSTRATED, _E.ANGRY, _E.DISAPPOINTED),
        "Pakket ligt vast in het sorteercentrum; de beloofde levertijd is ruim overschreden.",
        "Bij het sorteercentrum navragen waar het pakket is en de klant terugbellen met een "
        "bezorgmoment.",
        "Pakket met voorrang opnieuw aangeboden en de verzendkosten teruggestort.",
        (8, 2, 0),
        RequestDomain.PRESENT,
        no="Het pakket komt morgen; de verzendkosten storten we terug, een schadevergoeding niet.",
        alternatives="Levering met voorrang op een zelfgekozen dagdeel.",
        wishes=("convenience",),
    ),
    Case(
        "delivery-late",
        True,
        5,
        "Zakelijke levering – bouwmaterialen",
        "Levering {order} kwam een dag te laat op de bouwplaats",
        "De levering was voor 7:00 uur op de bouwplaats afgesproken; de vrachtwagen kwam pas de "
        "volgende ochtend. Een ploeg van vier man stond een dag stil.",
        (_E.ANGRY, _E.FRUSTRATED),
        "De rit is door de planning een dag verschoven zonder de klant te informeren.",
        "Met de planning uitzoeken waarom de rit verschoof en de klant terugbellen met een "
        "voorstel.",
        "Vrachtkosten gecrediteerd en een vaste ochtendlevering voor deze klant vastgelegd.",
        (5, 4, 1),
        no="De stilstand van de ploeg vergoeden we niet; de vrachtkosten wel, en de ritten "
        "krijgen voortaan een vast tijdvak.",
        alternatives="Vaste ochtendrit met bevestiging de dag ervoor; vrachtkosten gecrediteerd.",
    ),
    Case(
        "delivery-damaged",
        False,
        6,
        "Webshop – witgoed",
        "Vaatwasser beschadigd geleverd",
        "Bij het uitpakken bleek de zijkant van de vaatwasser ingedeukt; de bezorger was al weg.",
        (_E.DISAPPOINTED, _E.FRUSTRATED),
        "Transportschade, binnen 24 uur gemeld met foto's.",
        "Een nieuw toestel of een prijsverlaging aanbieden en de keuze van de klant bevestigen.",
        "Nieuw toestel geleverd en het beschadigde meegenomen, zonder kosten.",
        (9, 1, 0),
        RequestDomain.PRESENT,
        no="Het toestel werkt; we geven een prijsverlaging in plaats van een nieuw toestel.",
        alternatives="Prijsverlaging van 15 % of een nieuw toestel over drie weken.",
        wishes=("comfort",),
    ),
    Case(
        ACTION_DONE_CAUSE,
        False,
        11,
        "Abonnement – facturering",
        "Onverwachte administratiekosten op de factuur",
        "Klant ziet € 4,95 administratiekosten op de eerste factuur die bij de bestelling "
        "nergens werden genoemd.",
        (_E.ANGRY, _E.AGGRIEVED, _E.FRUSTRATED),
        "De administratiekosten staan in de voorwaarden, maar niet op de orderbevestiging.",
        "Nagaan wat de klant bij het afsluiten te zien kreeg en terugbellen met het besluit.",
        "Administratiekosten gecrediteerd; de klant krijgt een gecorrigeerde factuur.",
        (5, 3, 2),
        no="De kosten staan in de voorwaarden die de klant accepteerde; ze blijven staan.",
        alternatives="Uitleg waar de kosten staan, en betalen per automatische incasso, "
        "waarbij ze vervallen.",
        gesture=("credit", "Tegoed op de volgende factuur"),
        done=(
            "Wij hebben uw factuur nagekeken en u uitgelegd waar de administratiekosten "
            "vandaan komen."
        ),
    ),
    Case(
        ACTION_DONE_CAUSE,
        True,
        5,
        "Zakelijk – facturering",
        "Toeslag kleine order op factuur {order}",
        "Klant kreeg een toeslag kleine order van € 12,50 op een bestelling die volgens hem "
        "boven de grens lag.",
        (_E.AGGRIEVED, _E.NEUTRAL, _E.FRUSTRATED),
        "De grens geldt per afleveradres; de bestelling was over twee adressen verdeeld.",
        "Met de administratie nagaan hoe de toeslag is berekend en de klant terugbellen.",
        "Toeslag gecrediteerd: de bestelling had als één levering geboekt moeten worden.",
        (4, 3, 3),
        no="De toeslag is volgens de afspraak per afleveradres berekend en blijft staan.",
        alternatives="Bestellingen voortaan per adres bundelen; een overzicht van de grenzen "
        "gemaild.",
        gesture=("credit", "Eenmalig tegoed op de volgende factuur"),
        done=(
            "Wij hebben uw factuur en de leveringen naast elkaar gelegd en u uitgelegd hoe "
            "de toeslag is berekend."
        ),
    ),
    Case(
        "billing-incorrect-amount",
        False,
        5,
        "Energie – jaarafrekening",
        "Jaarafrekening veel te hoog",
        "Klant moet € 640 bijbetalen terwijl het verbruik gelijk bleef. De meterstand op de "
        "afrekening klopt niet met de foto van de meter.",
        (_E.ANXIOUS, _E.ANGRY, _E.FRUSTRATED),
        "Er is een geschatte meterstand gebruikt in plaats van de doorgegeven stand.",
        "De afrekening laten herberekenen met de juiste stand en de klant de uitkomst doorbellen.",
        "Afrekening herberekend: de klant krijgt € 85 terug in plaats van € 640 bij te betalen.",
        (9, 1, 0),
        no="De herberekening klopt met de meterfoto; het termijnbedrag gaat wel omlaag.",
        alternatives="Lager termijnbedrag en een betalingsregeling in zes termijnen.",
        wishes=("comfort",),
    ),
    Case(
        "billing-incorrect-amount",
        True,
        3,
        "Zakelijk internet – facturering",
        "Dubbel gefactureerd voor de vaste IP-adressen",
        "De vaste IP-adressen staan sinds drie maanden twee keer op de factuur.",
        (_E.NEUTRAL, _E.FRUSTRATED),
        "Bij de migratie naar het nieuwe pakket is de oude regel niet beëindigd.",
        "De dubbele regel laten stopzetten en de klant terugbellen met het creditbedrag.",
        "Dubbele regel over drie maanden gecrediteerd en stopgezet.",
        (10, 0, 0),
    ),
    Case(
        "website-it-self-service",
        False,
        7,
        "Webshop – bestelproces",
        "Kortingscode werkt niet bij afrekenen",
        "De kortingscode uit de nieuwsbrief gaf bij het afrekenen steeds een foutmelding; de "
        "klant heeft toen tegen de volle prijs besteld.",
        (_E.FRUSTRATED, _E.DISAPPOINTED),
        "De code was geldig; de kassa weigert codes zodra er een uitverkoopartikel in de mand "
        "ligt.",
        "De korting na controle handmatig verwerken en de klant terugbellen.",
        "De korting van 15 % alsnog teruggestort.",
        (6, 2, 2),
        no="De code geldt niet voor artikelen in de uitverkoop; dat staat bij de actie.",
        alternatives="Een nieuwe code van 10 % voor een volgende bestelling.",
        gesture=("voucher", "Kortingscode voor een volgende bestelling"),
        done="Wij hebben uitgezocht waarom de kortingscode bij het afrekenen niet werkte.",
    ),
    Case(
        "website-it-self-service",
        False,
        3,
        "Mijn account – adreswijziging",
        "Adreswijziging in Mijn account niet opgeslagen",
        "Klant zette zijn nieuwe adres in Mijn account, maar de bestelling ging toch naar het "
        "oude adres.",
        (_E.FRUSTRATED, _E.ANXIOUS),
        "Het formulier meldt 'opgeslagen', maar een postcode met spatie wordt niet doorgezet.",
        "Het adres handmatig corrigeren, het pakket laten omleiden en de klant terugbellen.",
        "Adres gecorrigeerd en het pakket omgeleid; de fout is aan IT gemeld.",
        (9, 1, 0),
        RequestDomain.PRESENT,
        no="Het pakket was al bezorgd; we halen het op en bezorgen het opnieuw.",
        alternatives="Ophalen bij het oude adres en gratis opnieuw bezorgen.",
        wishes=("convenience",),
    ),
    Case(
        "communication-no-response",
        False,
        5,
        "Klantenservice – bereikbaarheid",
        "Drie keer gemaild, nooit antwoord gekregen",
        "Klant mailde in twee weken drie keer over een retour en kreeg alleen een automatisch "
        "antwoord.",
        (_E.ANGRY, _E.AGGRIEVED, _E.FRUSTRATED),
        "De mails kwamen in een gedeelde mailbox die in de vakantie niemand bijhield.",
        "De retour afhandelen en de klant terugbellen met de stand van zaken.",
        "Retour verwerkt en het bedrag teruggestort; excuses voor het uitblijven van antwoord.",
        (9, 1, 0),
        no="De retour is verwerkt; de verzendkosten van de retour blijven voor de klant.",
        alternatives="Retourlabel voor een volgende keer kosteloos.",
        wishes=("recognition",),
    ),
    Case(
        "communication-no-response",
        True,
        3,
        "Zakelijk – accountbeheer",
        "Accountmanager belt niet terug",
        "Klant wacht al tien dagen op een offerte voor uitbreiding en krijgt zijn "
        "accountmanager niet te pakken.",
        (_E.FRUSTRATED, _E.AGGRIEVED),
        "De accountmanager is uit dienst; de klant is niet aan een opvolger gekoppeld.",
        "Een nieuwe accountmanager koppelen en de klant terugbellen met de offerte.",
        "Vaste contactpersoon toegewezen en de offerte dezelfde week verstuurd.",
        (9, 1, 0),
        RequestDomain.PRESENT,
        no="De offerte volgt; de korting van de oude offerte geldt niet meer.",
        alternatives="Offerte met de actuele staffelkorting.",
        wishes=("recognition",),
    ),
    Case(
        "communication-unclear",
        False,
        4,
        "Abonnement – tv en internet",
        "Overstapservice anders uitgelegd dan uitgevoerd",
        "Klant hoorde dat de overstapservice zijn oude abonnement zou opzeggen; nu betaalt hij "
        "twee maanden dubbel.",
        (_E.AGGRIEVED, _E.FRUSTRATED),
        "In de winkel is niet gezegd dat de overstapservice alleen internet opzegt, niet tv.",
        "Nagaan wat er in de winkel is afgesproken en de klant terugbellen.",
        "De dubbele maanden voor tv gecrediteerd.",
        (5, 4, 1),
        no="De dubbele maanden vergoeden we niet volledig: de opzegging van tv lag bij de klant.",
        alternatives="Hulp bij het opzeggen van het oude tv-abonnement.",
        gesture=("credit", "Eén maand abonnement gecrediteerd"),
        done=(
            "Wij hebben uw overstap stap voor stap nagelopen en de dubbele maanden in kaart "
            "gebracht."
        ),
    ),
    Case(
        "product-defect",
        False,
        6,
        "Winkel – elektronica",
        "Nieuwe koptelefoon valt na een week uit",
        "De draadloze koptelefoon laadt na acht dagen gebruik niet meer op.",
        (_E.DISAPPOINTED, _E.FRUSTRATED),
        "Bekend probleem met de laadpoort in deze serie.",
        "Ruilen in de winkel of opsturen regelen en de klant terugbellen met de keuze.",
        "Koptelefoon direct omgeruild voor een nieuw exemplaar.",
        (9, 1, 0),
        RequestDomain.PRESENT,
        no="Omruilen kan pas na de reparatietest; een leentoestel krijgt de klant wel.",
        alternatives="Leentoestel tijdens de reparatie.",
        wishes=("comfort",),
    ),
    Case(
        "product-expectation",
        False,
        3,
        "Webshop – meubels",
        "Bank is veel harder dan in de showroom",
        "De nieuwe bank zit veel harder dan het exemplaar waarop de klant in de showroom zat.",
        (_E.DISAPPOINTED, _E.AGGRIEVED),
        "Het showroommodel is ingezeten; de nieuwe bank valt binnen de specificaties.",
        "De mogelijkheden bespreken met inkoop en de klant terugbellen.",
        "Bank teruggenomen en het bedrag teruggestort.",
        (1, 4, 5),
        RequestDomain.PRESENT,
        no="De bank is niet gebrekkig en de bedenktijd is verstreken; terugnemen kan niet.",
        alternatives="Zachtere zitkussens voor de helft van de prijs, of ruilen tegen een ander "
        "model met bijbetaling.",
        gesture=("small_gift", "Set meubelverzorging"),
        done=("Wij hebben de bank bij u thuis laten bekijken en de mogelijkheden met u besproken."),
        contribution="U koos de bank na een korte proefzit in de showroom.",
    ),
    Case(
        "process-waiting-time",
        False,
        5,
        "Klantenservice – telefoon",
        "45 minuten in de wacht en toen verbroken",
        "Klant belde over zijn verhuizing, stond 45 minuten in de wacht en werd toen verbroken.",
        (_E.FRUSTRATED, _E.ANGRY),
        "Piek door een storing; de wachtrij verbrak gesprekken na 45 minuten.",
        "De vraag over de verhuizing alsnog afhandelen en de klant terugbellen.",
        "De verhuizing is geregeld en de klant persoonlijk teruggebeld.",
        (8, 2, 0),
        no="De verhuizing is geregeld; de belkosten vergoeden we niet.",
        alternatives="Een vast terugbelmoment in plaats van de wachtrij.",
        wishes=("recognition",),
    ),
    Case(
        "staff-behaviour-attitude",
        False,
        3,
        "Winkel Utrecht – servicebalie",
        "Medewerker aan de balie was onbeleefd",
        "Klant kwam een reparatie ophalen en werd volgens haar afgesnauwd toen ze naar de "
        "kosten vroeg.",
        (_E.AGGRIEVED, _E.ANGRY),
        "De medewerker bevestigt een kort lontje na een drukke dag.",
        "Een gesprek met de medewerker voeren en de klant terugbellen met de uitkomst.",
        "Excuses namens de winkel en de medewerker; de kosten nog eens rustig uitgelegd.",
        (7, 3, 0),
        no="Excuses gemaakt; de reparatiekosten blijven staan.",
        alternatives="De kosten per post gespecificeerd toegestuurd.",
        wishes=("identity",),
    ),
    Case(
        "policy-cancellation",
        False,
        4,
        "Mobiel abonnement – opzegging",
        "Abonnement kan niet eerder worden opgezegd",
        "Klant gaat naar het buitenland en wil zijn abonnement met nog zeven maanden looptijd "
        "direct beëindigen.",
        (_E.FRUSTRATED, _E.AGGRIEVED, _E.ANXIOUS),
        "Het contract loopt tot juli; eerder stoppen kost de resterende termijnen.",
        "De mogelijkheden bij contracten nagaan en de klant terugbellen.",
        "Abonnement kosteloos beëindigd wegens emigratie.",
        (1, 4, 5),
        RequestDomain.FUTURE,
        no="Direct opzeggen zonder de resterende termijnen kan niet: dat risico nemen we bij "
        "geen enkel contract.",
        alternatives="Omzetten naar het goedkoopste pakket van € 5 per maand, of overdragen aan "
        "een familielid.",
    ),
    Case(
        "policy-warranty",
        False,
        3,
        "Winkel – witgoed",
        "Garantie afgewezen op wasmachine van 25 maanden oud",
        "De wasmachine lekt na 25 maanden; de garantie werd aan de balie afgewezen.",
        (_E.AGGRIEVED, _E.DISAPPOINTED),
        "De fabrieksgarantie is verlopen; een wasmachine mag langer meegaan.",
        "Met de leverancier overleggen over een reparatie en de klant terugbellen.",
        "Reparatie kosteloos uitgevoerd.",
        (1, 6, 3),
        no="Een nieuw toestel krijgt de klant niet; een reparatie is redelijk.",
        alternatives="Reparatie tegen alleen de onderdeelkosten.",
        gesture=("free_service", "Gratis voorrijden van de monteur"),
        done=("Wij hebben uw garantieaanvraag opnieuw bekeken en de reparatie met u afgesproken."),
    ),
    Case(
        "third-party-carrier",
        False,
        3,
        "Webshop – bezorging",
        "Pakket bij de buren afgeleverd zonder bericht",
        "Het pakket is volgens de track-and-trace bezorgd, maar de klant heeft niets ontvangen.",
        (_E.FRUSTRATED, _E.ANXIOUS),
        "De bezorger van de vervoerder leverde af bij een ander huisnummer, zonder kaartje.",
        "Een klacht bij de vervoerder indienen en de klant terugbellen.",
        "Pakket door de vervoerder opgehaald en alsnog bezorgd.",
        (6, 3, 1),
        RequestDomain.PRESENT,
        no="Het pakket ligt bij nummer 14; de vervoerder haalt het niet op, de klant kan het "
        "daar afhalen.",
        alternatives="Voortaan bezorgen bij een afhaalpunt naar keuze.",
        gesture=("voucher", "Tegoedbon voor het ongemak"),
        done="Wij hebben bij de vervoerder nagevraagd waar uw pakket is afgeleverd.",
    ),
    Case(
        "third-party-supplier",
        True,
        3,
        "Zakelijk – onderdelen",
        "Verkeerde versie van het onderdeel geleverd ({order})",
        "Klant bestelde pompen van versie 3; de leverancier leverde versie 2, die niet past.",
        (_E.FRUSTRATED, _E.NEUTRAL),
        "De leverancier heeft een oud artikelnummer gebruikt.",
        "Bij de leverancier de juiste versie met spoed bestellen en de klant terugbellen.",
        "Juiste versie met spoed geleverd; de verkeerde opgehaald.",
        (7, 2, 1),
        RequestDomain.PRESENT,
        no="De spoedlevering kost extra; die kosten delen we met de klant.",
        alternatives="Spoedlevering tegen de helft van de kosten.",
    ),
    Case(
        "customer-error-wrong-order",
        False,
        3,
        "Webshop – kleding",
        "Verkeerde maat besteld, retourkosten te hoog",
        "Klant bestelde maat 44 in plaats van 42 en vindt de retourkosten van € 6,95 onredelijk.",
        (_E.FRUSTRATED, _E.NEUTRAL),
        "De maat is door de klant gekozen; de retourkosten staan bij het afrekenen.",
        "De mogelijkheden bekijken en de klant terugbellen.",
        "Retour kosteloos gemaakt.",
        (0, 3, 7),
        no="De retourkosten blijven voor de klant: de bestelling was juist geleverd.",
        alternatives="Gratis ruilen voor de juiste maat in een van onze winkels.",
        gesture=("voucher", "Tegoedbon ter waarde van de retourkosten"),
        done="Wij hebben uw bestelling en de retourvoorwaarden met u nagelopen.",
        contribution="U koos zelf maat 44.",
    ),
    Case(
        "customer-error-misunderstanding",
        True,
        2,
        "Zakelijk – leaseovereenkomst",
        "Servicebeurt niet inbegrepen in het leasecontract",
        "Klant dacht dat de jaarlijkse servicebeurt van de koffieautomaten in het contract zat.",
        (_E.AGGRIEVED, _E.NEUTRAL),
        "Het contract dekt storingen, niet het jaarlijkse onderhoud.",
        "Het contract met de klant doorlopen en terugbellen met een voorstel.",
        "Servicebeurt kosteloos uitgevoerd.",
        (0, 4, 6),
        RequestDomain.FUTURE,
        no="Het onderhoud valt buiten het contract; we rekenen het tarief van de beurt.",
        alternatives="Een onderhoudscontract met korting voor het resterende jaar.",
        contribution="U had de dekking van het contract anders begrepen dan er stond.",
    ),
    Case(
        "website-it-outage",
        False,
        2,
        "Webshop – betalen",
        "Betaling afgeschreven maar bestelling niet ontvangen",
        "Klant betaalde met iDEAL, het geld is afgeschreven, maar er kwam geen bevestiging.",
        (_E.ANXIOUS, _E.FRUSTRATED),
        "Tijdens een storing bij de betaalprovider werd afgeschreven zonder dat de order ontstond.",
        "De betaling opzoeken, de order alsnog aanmaken en de klant terugbellen.",
        "Order alsnog aangemaakt tegen de oorspronkelijke prijs; levering de volgende dag.",
        (10, 0, 0),
    ),
    Case(
        "policy-contract-terms",
        True,
        2,
        "Zakelijk – energiecontract",
        "Prijsverhoging halverwege het contract",
        "Klant ziet het tarief per 1 oktober stijgen en dacht een vaste prijs te hebben.",
        (_E.ANGRY, _E.AGGRIEVED),
        "Het contract heeft een variabel tarief; de verhoging is tijdig aangekondigd.",
        "Het contract nalopen en de klant terugbellen met de mogelijkheden.",
        "Oude tarief tot het einde van het jaar gehandhaafd.",
        (0, 3, 7),
        RequestDomain.FUTURE,
        no="Het tarief is variabel en de verhoging is aangekondigd; die blijft staan.",
        alternatives="Overstap naar een vast tarief voor drie jaar zonder opzegkosten.",
    ),
)

# --- People, words and moods -------------------------------------------------------------------

FIRST_NAMES = (
    "Sanne", "Mohamed", "Lisa", "Kees", "Fatima", "Pieter", "Emma", "Ruben", "Noor", "Willem",
    "Ingrid", "Youssef", "Anouk", "Gerrit", "Sofie", "Thijs", "Marloes", "Ahmet", "Lotte", "Joost",
)  # fmt: skip
LAST_NAMES = (
    "de Jong", "Jansen", "van den Berg", "Bakker", "El Amrani", "Smit", "Meijer", "de Groot",
    "Mulder", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Yilmaz", "Dekker", "Brouwer",
    "de Wit", "Kok", "Verhoeven",
)  # fmt: skip
FIRMS = (
    "Bouwbedrijf Kramer", "Installatietechniek Oost", "Koffie & Co", "Drukkerij De Letter",
    "Tandartspraktijk Zuid", "Van Rijn Logistiek", "Hoveniersbedrijf Groen", "Bakkerij Vermeer",
    "Autoservice Dijkstra", "Architectenbureau Lijn", "Sportschool Fit", "Kantoorpunt West",
)  # fmt: skip

ACKNOWLEDGE = {
    Emotion.ANGRY: (
        "Ik hoor dat u boos bent, en terecht: zo hoort het niet te gaan.",
        "Ik begrijp dat u hier echt kwaad over bent; dat zou ik ook zijn.",
    ),
    Emotion.FRUSTRATED: (
        "Ik begrijp hoe frustrerend dit is, zeker nu u er al zoveel tijd in heeft gestoken.",
        "Wat vervelend dat u hier opnieuw achteraan moet; dat frustreert, dat snap ik.",
    ),
    Emotion.ANXIOUS: (
        "Ik begrijp dat dit u zorgen baart; ik ga het samen met u uitzoeken.",
        "Ik hoor dat u ongerust bent over wat dit betekent; dat is begrijpelijk.",
    ),
    Emotion.AGGRIEVED: (
        "Ik begrijp dat u zich niet serieus genomen voelt; dat had niet mogen gebeuren.",
        "Ik hoor dat u zich gekrenkt voelt door hoe het ging, en dat begrijp ik.",
    ),
    Emotion.DISAPPOINTED: (
        "Wat een teleurstelling, als u zich zo op iets verheugd had.",
        "Ik begrijp dat u teleurgesteld bent; u had iets anders verwacht, en terecht.",
    ),
    Emotion.NEUTRAL: (
        "Helder, dank u voor de duidelijke uitleg; ik begrijp wat u nodig heeft.",
        "Dank voor het zakelijke overzicht; ik begrijp dat dit snel opgelost moet worden.",
    ),
}
APOLOGIES = (
    "Het spijt me dat u hierdoor last heeft gehad.",
    "Excuses voor het ongemak dat dit u heeft bezorgd.",
    "Het spijt me echt dat het zo gelopen is.",
    "Sorry dat u hiervoor contact met ons moest opnemen.",
)
INTENSITY = {
    Emotion.ANGRY: (3, 5),
    Emotion.FRUSTRATED: (2, 4),
    Emotion.ANXIOUS: (2, 4),
    Emotion.AGGRIEVED: (2, 5),
    Emotion.DISAPPOINTED: (2, 4),
    Emotion.NEUTRAL: (1, 2),
}
ASSESSMENT = {
    RequestDomain.PAST: "Het verzoek gaat over het verleden: een klein gebaar is redelijk en "
    "billijk gezien wat de klant heeft meegemaakt.",
    RequestDomain.PRESENT: "Het verzoek gaat over nu: het gebaar neemt het ongemak weg zonder "
    "een precedent te scheppen.",
    RequestDomain.FUTURE: "Het verzoek gaat over de toekomst: een eenmalig gebaar houdt het "
    "risico voor het bedrijf klein.",
}
AMOUNTS = ("15.00", "20.00", "25.00", "35.00", "50.00", "75.00")
