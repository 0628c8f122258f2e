"""The demo complaints, drawn from the stories in the source texts, as plain data.

Each story is one customer with one complaint and the steps taken on it. Moments are given
as working days before the day of seeding plus a local time, so the demo always shows the
last ten weeks (a closed complaint waited a month for its follow-up), and every step lies in
the past. ``complaints.demo.seed`` plays the steps
through the real services and workflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from complaints.choices import (
    Balance,
    Channel,
    Direction,
    Emotion,
    InteractionKind,
    Liability,
    Outcome,
    Priority,
    RequestDomain,
)


@dataclass(frozen=True)
class At:
    """``days_ago`` working days before today (at least 1), at ``time`` ("HH:MM") local time."""

    days_ago: int
    time: str


@dataclass(frozen=True)
class Understand:
    at: At
    emotion: str
    intensity: int
    acknowledgement: str
    by: str = ""  # empty: the complaint's owner at that moment
    for_customer: str = ""  # what a letter says (empty: the letter's own sentence)


@dataclass(frozen=True)
class Apologise:
    at: At
    apology: str
    by: str = ""
    for_customer: str = ""


@dataclass(frozen=True)
class Solve:
    at: At
    facts_summary: str
    next_steps: str
    promise_days: int  # working days after this step (0: the same day)
    promise_time: str
    by: str = ""
    wishes: tuple[str, ...] = ()  # the real human wishes the solution serves
    for_customer: str = ""  # what we did, as a letter tells it


@dataclass(frozen=True)
class Resolve:
    at: At
    outcome: str
    summary: str
    root_cause: str  # a RootCause code
    emotion: str
    liability: str
    contribution: str = ""
    domain: str = ""
    balance: str = ""
    alternatives: str = ""
    by: str = ""


@dataclass(frozen=True)
class Kept:
    """The complaint's pending callback promise kept: the customer was called as promised."""

    at: At
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class Unreachable:
    """The customer did not answer at the promised moment: a new moment, not a broken promise."""

    at: At
    days: int  # working days after this step
    time: str
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class Promise:
    """A further callback promise made during solving ("I'll call you on Friday with the answer")."""

    at: At
    days: int  # working days after this step
    time: str
    purpose: str
    by: str = ""


@dataclass(frozen=True)
class Cancel:
    """The complaint's pending callback promise withdrawn, with the reason why."""

    at: At
    reason: str
    by: str = ""


@dataclass(frozen=True)
class FollowUpAnswer:
    """The follow-up (nazorg): how the customer feels now, with the NPS answer."""

    at: At
    nps: int | None
    emotion: str
    satisfied: bool = True
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class Close:
    at: At
    note: str
    by: str = ""
    waive_reason: str = ""  # closing before the follow-up: a manager waives it with a reason


@dataclass(frozen=True)
class Reopen:
    at: At
    reason: str
    by: str = ""


@dataclass(frozen=True)
class Contact:
    """An interaction: a call, email or internal note."""

    at: At
    kind: str
    summary: str
    direction: str = Direction.INTERNAL
    by: str = ""


@dataclass(frozen=True)
class Transfer:
    at: At
    to: str
    reason: str
    by: str = ""


@dataclass(frozen=True)
class Coulance:
    """A goodwill gesture asked for by the owner (the company is not liable)."""

    at: At
    kind: str
    amount: str
    description: str
    reason: str
    domain: str
    assessment: str
    balance: str
    by: str = ""


@dataclass(frozen=True)
class Decide:
    """A manager's decision on the complaint's pending goodwill gesture."""

    at: At
    approve: bool
    comment: str
    by: str


Step = (
    Understand
    | Apologise
    | Solve
    | Resolve
    | Kept
    | Unreachable
    | Promise
    | Cancel
    | FollowUpAnswer
    | Close
    | Reopen
    | Contact
    | Transfer
    | Coulance
    | Decide
)


@dataclass(frozen=True)
class Story:
    number: str  # the customer number; its presence marks the story as seeded
    customer: str
    email: str
    phone: str
    owner: str
    channel: str
    priority: str
    category: str
    subject: str
    facts: str
    received: At
    steps: tuple[Step, ...] = ()
    language: str = "nl"
    logged: At | None = None  # when it was logged, if not a few minutes after receipt


_CALL, _EMAIL, _NOTE = InteractionKind.CALL, InteractionKind.EMAIL, InteractionKind.NOTE
_OUT = Direction.OUTBOUND

STORIES: tuple[Story, ...] = (
    # Nee zeggen: 3 tips voor een betere timing – the gym membership that "could not" be ended.
    Story(
        number="DEMO-0001",
        customer="Jeroen Hermans",
        email="jeroen.hermans@example.com",
        phone="+31 6 1100 0001",
        owner="bram",
        channel=Channel.PHONE,
        priority=Priority.NORMAL,
        category="Vitaal Health Club Dordrecht – lidmaatschap",
        subject="Lidmaatschap sportclub kan niet worden opgezegd",
        facts=(
            "Meneer Hermans is lid van Vitaal Health Club in Dordrecht en betaalt ruim € 100 "
            "per maand. Hij werkt al bijna een jaar in Limburg en is sindsdien niet meer in de "
            "club geweest. Nu hij definitief in Limburg blijft wonen, wil hij opzeggen. Aan de "
            "telefoon kreeg hij te horen: 'Dat had u een maand geleden moeten doen, toen "
            "verstreek uw jaartermijn; nu zit u er nog een jaar aan vast.' De klant: 'Jullie "
            "kunnen in het systeem zien dat ik al bijna een jaar voor niets betaal. Dan kunnen "
            "jullie toch ook wel redelijk zijn?'"
        ),
        received=At(41, "10:05"),
        steps=(
            Understand(
                At(41, "10:09"),
                Emotion.FRUSTRATED,
                4,
                "Ik begrijp goed dat het zuur voelt: een jaar lang betalen voor een club waar u "
                "niet meer komt, en dan nog een jaar vastzitten. Dat zou mij ook frustreren.",
            ),
            Apologise(
                At(41, "10:11"),
                "Het spijt me dat u alleen een nee te horen kreeg, zonder dat er naar uw "
                "situatie werd gekeken.",
            ),
            Solve(
                At(41, "10:16"),
                "Jaarcontract, vorige maand stilzwijgend verlengd. Laatste bezoek volgens de "
                "toegangspoortjes elf maanden geleden. Klant verhuist definitief naar Limburg. "
                "De opzegtermijn is formeel verstreken.",
                "Ik leg uw verzoek vandaag voor aan mijn teamleider en bel u morgen om 15:00 "
                "terug met een antwoord. Schikt dat tijdstip?",
                1,
                "15:00",
                wishes=("convenience",),
            ),
            Contact(
                At(41, "14:30"),
                _NOTE,
                "Overleg met Marieke (teamleider): het verzoek gaat over de toekomst, dus wat is "
                "het risico? De klant komt al elf maanden niet; een extra jaar innen levert "
                "alleen een detractor op. Akkoord om per direct te beëindigen, als coulance.",
            ),
            Contact(
                At(40, "15:00"),
                _CALL,
                "Klant om 15:00 teruggebeld zoals afgesproken. Lidmaatschap met onmiddellijke "
                "ingang beëindigd; de incasso van deze maand gaat niet meer door. Klant is "
                "opgelucht en bedankt ons.",
                _OUT,
            ),
            Kept(At(40, "15:05"), "Op tijd teruggebeld."),
            Resolve(
                At(40, "15:10"),
                Outcome.UPHELD,
                "Lidmaatschap met onmiddellijke ingang beëindigd, ondanks de verstreken "
                "opzegtermijn. Bevestiging per e-mail verstuurd.",
                "policy-cancellation",
                Emotion.SATISFIED,
                Liability.NOT_LIABLE,
                contribution="De klant heeft de opzegtermijn zelf laten verstrijken.",
                domain=RequestDomain.FUTURE,
                balance=Balance.WIN_WIN,
            ),
            FollowUpAnswer(
                At(9, "11:15"),
                9,
                Emotion.SATISFIED,
                note="Gebeld na een maand: tevreden, raadt de club aan bij vrienden.",
            ),
            Close(
                At(9, "11:20"),
                "Nazorg na een maand: klant gebeld. Hij is tevreden over de afhandeling en "
                "raadt de club aan bij vrienden in Dordrecht.",
            ),
        ),
    ),
    # Operatie geslaagd, patiënt overleden – three years of paying for unused mobile internet.
    # Resolved with a cold no, reopened after the team talked it over: now solving again.
    Story(
        number="DEMO-0002",
        customer="Ronald Kuipers",
        email="ronald.kuipers@example.com",
        phone="+31 6 1100 0002",
        owner="anna",
        channel=Channel.PHONE,
        priority=Priority.HIGH,
        category="Mobiel abonnement – internetbundel",
        subject="Drie jaar betaald voor mobiel internet dat nooit is gebruikt",
        facts=(
            "Meneer Kuipers ontdekte bij het nalopen van zijn rekeningen dat hij al drie jaar "
            "ongeveer € 10 per maand betaalt voor internet op zijn telefoon. Hij heeft het "
            "nooit gebruikt en zegt er niets van te weten. Hij wil het geld terug."
        ),
        received=At(6, "09:40"),
        steps=(
            Understand(
                At(6, "09:44"),
                Emotion.ANGRY,
                5,
                "Ik kan me voorstellen dat u boos bent: drie jaar lang betalen voor iets wat u "
                "nooit gebruikt hebt, en daar nu pas achter komen.",
                for_customer=(
                    "Wij begrijpen goed dat u boos was, want u heeft drie jaar lang betaald voor "
                    "een bundel die u nooit heeft gebruikt."
                ),
            ),
            Apologise(
                At(6, "09:46"),
                "Het spijt me echt dat u hier nu pas achter komt en dat het u zoveel geld heeft "
                "gekost.",
                for_customer=(
                    "Het spijt ons dat u hier pas na drie jaar achter kwam en dat het u zoveel "
                    "geld heeft gekost."
                ),
            ),
            Solve(
                At(6, "09:55"),
                "Internetbundel van € 9,95 per maand drie jaar geleden aan het abonnement "
                "toegevoegd; in die drie jaar geen enkel dataverbruik. De klant herinnert zich "
                "niet dat hij de bundel heeft aangevraagd.",
                "Ik zoek uit hoe de bundel destijds is aangevraagd en bel u morgen vóór 12:00 "
                "terug.",
                1,
                "12:00",
                for_customer=(
                    "Wij hebben uitgezocht hoe de bundel destijds is aangevraagd, en wij hebben "
                    "hem per direct stopgezet."
                ),
            ),
            Contact(
                At(5, "11:30"),
                _CALL,
                "Klant teruggebeld: de bundel is drie jaar geleden telefonisch door de klant "
                "zelf aangevraagd. Bundel per direct stopgezet, terugbetaling geweigerd. Klant "
                "aan het eind: 'Gelukkig ben ik binnenkort contractvrij, dan ga ik naar een "
                "andere provider.'",
                _OUT,
            ),
            Resolve(
                At(5, "11:40"),
                Outcome.NOT_UPHELD,
                "Bundel per direct stopgezet. Geen terugbetaling, omdat de klant de bundel zelf "
                "heeft aangevraagd.",
                "customer-error-misunderstanding",
                Emotion.ANGRY,
                Liability.NOT_LIABLE,
                contribution=(
                    "U heeft de bundel drie jaar geleden zelf telefonisch aangevraagd, en de "
                    "kosten stonden sindsdien op uw maandfactuur."
                ),
                domain=RequestDomain.PAST,
                balance=Balance.CUSTOMER_LOSES,
                alternatives=(
                    "Bundel per direct opgezegd; goedkoper abonnement zonder data aangeboden."
                ),
            ),
            Contact(
                At(5, "16:10"),
                _NOTE,
                "Gesprek meegeluisterd door Quinten (kwaliteit): een duidelijke detractor. "
                "Jarenlang een goed betalende klant die we nu kwijtraken. Besproken met Marieke.",
            ),
            Reopen(
                At(4, "09:15"),
                "Overleg tussen adviseur, teamleider en kwaliteit: het verzoek gaat over het "
                "verleden, er is geen risico voor de toekomst. Redelijk en billijk is dat we de "
                "klant tegemoetkomen; met dit nee verstoren we de balans. Anna belt de klant "
                "terug met een voorstel.",
                by="marieke",
            ),
            Contact(
                At(4, "10:30"),
                _CALL,
                "Klant teruggebeld: 'Ik heb er nog eens over nagedacht. Omdat u al zo lang klant "
                "bent en we u niet graag kwijt willen, mag ik u van mijn teamleider tegemoetkomen "
                "in de gemaakte kosten.' Klant is verrast en overweegt zijn contract met twee "
                "jaar te verlengen.",
                _OUT,
            ),
            Contact(
                At(3, "14:00"),
                _NOTE,
                "Voorgestelde coulance: € 358,20 (36 × € 9,95). Dat is meer dan de limiet van de "
                "teamleider (€ 250); ter goedkeuring voorgelegd aan de directeur.",
            ),
            Coulance(
                At(3, "14:05"),
                "refund",
                "358.20",
                "Terugbetaling van drie jaar internetbundel (36 × € 9,95)",
                "Trouwe klant sinds jaren; de bundel is nooit gebruikt. Met een nee verliezen we "
                "de klant, met dit gebaar houden we hem.",
                RequestDomain.PAST,
                "Het verzoek gaat over het verleden: redelijk en billijk, want de klant heeft "
                "drie jaar betaald zonder enig gebruik. Geen risico voor de toekomst: de bundel "
                "is stopgezet.",
                Balance.WIN_WIN,
            ),
        ),
    ),
    # De kunst van het "nee"-zeggen – 5000 pieces within two weeks: no, with an alternative.
    Story(
        number="DEMO-0003",
        customer="Van Dijk Verpakkingen B.V.",
        email="inkoop.vandijk@example.com",
        phone="+31 10 110 0003",
        owner="anna",
        channel=Channel.PHONE,
        priority=Priority.URGENT,
        category="Zakelijke levering – RVS-afsluitdoppen K-40",
        subject="5000 stuks nodig binnen twee weken",
        facts=(
            "Inkoper Erik van Dijk belt met een dringende vraag: hij heeft binnen twee weken "
            "5000 stuks van de RVS-afsluitdop K-40 nodig voor een order van zijn eigen klant. "
            "Onze normale levertijd voor voorbereiding en productie is zes weken."
        ),
        received=At(9, "08:50"),
        steps=(
            Transfer(
                At(9, "09:05"),
                "carla",
                "Zakelijke klant met een vraag over voorraad en productieplanning; team "
                "Zakelijk heeft daar zicht op. De klant weet dat Carla hem binnen het uur belt.",
            ),
            Understand(
                At(9, "09:35"),
                Emotion.ANXIOUS,
                4,
                "Ik hoor dat u hiermee klem zit richting uw eigen klant. Ik ga eerst goed kijken "
                "wat ik voor u kan doen, want deze aantallen hebben we meestal niet op voorraad.",
            ),
            Apologise(
                At(9, "09:37"),
                "Het spijt me dat ik u niet meteen een toezegging kan doen; ik snap dat u die "
                "zekerheid nodig hebt.",
            ),
            Solve(
                At(9, "11:20"),
                "Gevraagd: 5000 × K-40 binnen twee weken. Op voorraad: 250 stuks. De productie "
                "is de komende vijf weken vol gepland. Vestiging Tilburg gebeld: ook zij kunnen "
                "niet tijdig leveren. Alternatief K-45 (zelfde maat, andere afdichting) is ruim "
                "op voorraad.",
                "Ik stuur u vandaag de specificaties van de K-45 en bel u morgen om 10:00 om te "
                "horen of u daarmee geholpen bent.",
                1,
                "10:00",
                wishes=("convenience",),
            ),
            Contact(
                At(8, "10:00"),
                _CALL,
                "Klant gebeld: de K-45 is met zijn technisch inkoper besproken en past. Klant "
                "neemt 250 × K-40 uit voorraad en 4750 × K-45, levering binnen vijf werkdagen.",
                _OUT,
            ),
            Resolve(
                At(8, "10:20"),
                Outcome.NOT_UPHELD,
                "5000 × K-40 binnen twee weken leveren is niet mogelijk. De klant neemt 250 × "
                "K-40 uit voorraad en 4750 × K-45 als alternatief, geleverd binnen vijf "
                "werkdagen.",
                "product-availability",
                Emotion.NEUTRAL,
                Liability.NOT_LIABLE,
                domain=RequestDomain.FUTURE,
                balance=Balance.WIN_WIN,
                alternatives=(
                    "250 stuks K-40 direct uit voorraad; vestiging Tilburg nagevraagd; "
                    "alternatief product K-45, ruim op voorraad en binnen vijf werkdagen "
                    "leverbaar."
                ),
            ),
        ),
    ),
    # Wat je nooit tegen een klant kunt zeggen – the take-away pizza that must leave unbaked.
    Story(
        number="DEMO-0004",
        customer="Sandra Willems",
        email="sandra.willems@example.com",
        phone="+31 6 1100 0004",
        owner="bram",
        channel=Channel.IN_PERSON,
        priority=Priority.LOW,
        category="Pizzeria Bella Napoli – afhalen",
        subject="Wil een ongebakken pizza meenemen om thuis af te bakken",
        facts=(
            "Mevrouw Willems wilde aan de balie een pizza ongebakken meenemen om die thuis in "
            "haar eigen oven af te bakken; ze had geen tijd om op de pizzaoven te wachten. Wij "
            "verkopen geen ongebakken of diepvriespizza's, en een steenovenpizza wordt in een "
            "gewone oven niet goed. Vooraf bestellen en later ophalen vond ze niet goed genoeg: "
            "'De klant is koning.'"
        ),
        received=At(34, "17:45"),
        steps=(
            Understand(
                At(34, "17:49"),
                Emotion.FRUSTRATED,
                3,
                "Ik begrijp dat u haast hebt en dat wachten nu gewoon niet uitkomt.",
            ),
            Apologise(
                At(34, "17:50"),
                "Sorry dat we u vandaag niet kunnen helpen zoals u had gehoopt.",
            ),
            Solve(
                At(34, "17:52"),
                "Klant wil een ongebakken pizza meenemen. Dat bieden we niet aan: de pizza wordt "
                "alleen in de steenoven goed. Klant heeft haast.",
                "Ik mail u vanavond de link om vooraf te bestellen met een ophaaltijd naar keuze, "
                "met een kortingscode voor de eerste keer.",
                0,
                "20:00",
                wishes=("comfort", "convenience"),
            ),
            Contact(
                At(34, "19:30"),
                _EMAIL,
                "Link voor vooruitbestellen en een kortingscode van 10% voor de eerste "
                "vooruitbestelling gemaild.",
                _OUT,
            ),
            Kept(At(34, "19:31"), "Gemaild vóór het beloofde tijdstip."),
            Resolve(
                At(33, "09:30"),
                Outcome.NOT_UPHELD,
                "Een ongebakken pizza meegeven is niet mogelijk. De klant kan vooraf bestellen "
                "met een ophaaltijd naar keuze en krijgt korting op de eerste keer.",
                "product-expectation",
                Emotion.DISAPPOINTED,
                Liability.NOT_LIABLE,
                domain=RequestDomain.PRESENT,
                balance=Balance.WIN_WIN,
                alternatives=(
                    "Vooraf bestellen (telefonisch of online) en op een zelfgekozen tijd ophalen; "
                    "thuisbezorgen; 10% korting op de eerste vooruitbestelling."
                ),
            ),
            FollowUpAnswer(
                At(3, "09:55"),
                8,
                Emotion.SATISFIED,
                note="Twee keer vooraf besteld; tevreden over de ophaaltijd.",
            ),
            Close(
                At(3, "10:00"),
                "Nazorg na een maand: de klant heeft twee keer vooraf besteld en was tevreden "
                "over de ophaaltijd.",
            ),
        ),
    ),
    # Het is niet altijd de schuld van het bedrijf – the customer ordered the wrong product.
    Story(
        number="DEMO-0005",
        customer="Ingrid Smits",
        email="ingrid.smits@example.com",
        phone="",
        owner="anna",
        channel=Channel.WEB_FORM,
        priority=Priority.NORMAL,
        category="Webshop – printercartridges",
        subject="Verkeerde cartridges besteld en ontvangen",
        facts=(
            "Mevrouw Smits bestelde via de webshop cartridges die niet in haar printer passen. "
            "Volgens haar was het bestelformulier onduidelijk; ze drukte te snel op 'akkoord' "
            "en kon de bestelling daarna niet meer aanpassen. Ze wil de juiste cartridges "
            "zonder extra kosten."
        ),
        received=At(11, "21:14"),
        logged=At(10, "09:10"),
        steps=(
            Understand(
                At(10, "09:25"),
                Emotion.AGGRIEVED,
                3,
                "Vervelend dat u nu met cartridges zit die niet passen, terwijl u gewoon wilde "
                "printen.",
                for_customer=(
                    "Wij begrijpen hoe vervelend het is dat u cartridges ontving die niet in uw "
                    "printer passen, terwijl u gewoon wilde printen."
                ),
            ),
            Apologise(
                At(10, "09:26"),
                "Het spijt me dat het bestellen niet zo duidelijk ging als het had moeten gaan.",
                for_customer=(
                    "Het spijt ons dat ons bestelformulier u niet liet zien dat het gekozen model "
                    "niet bij uw printer past."
                ),
            ),
            Solve(
                At(10, "09:40"),
                "Besteld: HP 301 zwart; de printer van de klant gebruikt HP 305. Het "
                "bestelproces controleert het printermodel niet. De bestelling was al verzonden "
                "toen de klant de fout zag.",
                "Ik stuur u vandaag een gratis retourlabel en zet de juiste cartridges klaar. U "
                "hoort morgen vóór 17:00 van mij.",
                1,
                "17:00",
                wishes=("convenience",),
                for_customer=(
                    "Wij hebben u de juiste cartridges (HP 305) gestuurd zodra uw retourzending "
                    "binnen was. Uw suggestie nemen wij over: het winkelmandje toont voortaan "
                    "het printermodel voordat u de bestelling bevestigt."
                ),
            ),
            Contact(
                At(10, "09:45"),
                _NOTE,
                "Suggestie van de klant: toon het printermodel in het winkelmandje vóór "
                "'akkoord'. Doorgegeven aan het webteam.",
            ),
            Resolve(
                At(9, "14:10"),
                Outcome.PARTLY_UPHELD,
                "Juiste cartridges (HP 305) verzonden zodra de retour binnen was; de "
                "retourzending is gratis, als coulance. Geen vergoeding voor de dagen zonder "
                "printer.",
                "customer-error-wrong-order",
                Emotion.SATISFIED,
                Liability.NOT_LIABLE,
                contribution=(
                    "U heeft het model zelf gekozen en de bestelling bevestigd; de dagen zonder "
                    "printer vergoeden wij daarom niet."
                ),
                domain=RequestDomain.PAST,
                balance=Balance.WIN_WIN,
                alternatives=(
                    "Gratis retourlabel en omruilen voor het juiste model; de printerzoeker op "
                    "de website uitgelegd."
                ),
            ),
            Coulance(
                At(9, "14:20"),
                "free_service",
                "6.95",
                "Gratis retourzending van de verkeerde cartridges",
                "De klant koos zelf het verkeerde model; het bestelproces hielp haar niet.",
                RequestDomain.PAST,
                "Redelijk en billijk: een kleine tegemoetkoming, en het bestelproces wordt "
                "verbeterd.",
                Balance.WIN_WIN,
            ),
            Decide(At(9, "16:00"), True, "Akkoord: klein gebaar, goed uitgelegd.", by="marieke"),
        ),
    ),
    # We willen je alleen maar helpen – no confirmation email, "to hide the right of withdrawal".
    # Resolved, reopened when the resent mail turned out incomplete, resolved again and closed.
    Story(
        number="DEMO-0006",
        customer="Mark de Graaf",
        email="mark.degraaf@example.com",
        phone="",
        owner="bram",
        channel=Channel.EMAIL,
        priority=Priority.NORMAL,
        category="Webshop – orderbevestiging",
        subject="Geen orderbevestiging: 'jullie verzwijgen mijn herroepingsrecht'",
        facts=(
            "Meneer de Graaf kreeg na zijn bestelling geen automatische bevestigingsmail. Hij "
            "schrijft dat dit vast met opzet gebeurt, zodat klanten niet weten dat ze de "
            "bestelling binnen veertien dagen mogen herroepen."
        ),
        received=At(22, "07:52"),
        logged=At(22, "08:40"),
        steps=(
            Understand(
                At(22, "09:05"),
                Emotion.AGGRIEVED,
                3,
                "Ik snap dat u zich niet serieus genomen voelt als er na een bestelling niets "
                "bevestigd wordt, en dat u zich afvraagt wat daarachter zit.",
            ),
            Apologise(
                At(22, "09:06"),
                "Excuses dat de bevestiging niet is aangekomen; zo hoort het niet te gaan.",
            ),
            Solve(
                At(22, "09:30"),
                "Bestelling correct geregistreerd. De mailserver heeft op de besteldag twee uur "
                "lang geen bevestigingen verstuurd. Het herroepingsrecht van veertien dagen "
                "geldt gewoon.",
                "Ik stuur u vandaag de bevestiging met het herroepingsformulier en bel u morgen "
                "om 11:00 om na te gaan of alles is aangekomen.",
                1,
                "11:00",
            ),
            Contact(
                At(21, "11:00"),
                _CALL,
                "Klant gebeld; hij had de mail nog niet gezien. Gevraagd in de spammap te kijken.",
                _OUT,
            ),
            Resolve(
                At(21, "11:10"),
                Outcome.UPHELD,
                "Bevestiging met herroepingsinformatie handmatig nagestuurd; de storing in de "
                "mailserver is verholpen.",
                "website-it-outage",
                Emotion.NEUTRAL,
                Liability.LIABLE,
            ),
            Reopen(
                At(19, "10:20"),
                "Klant meldt dat de nagestuurde bevestiging in zijn spammap stond en geen "
                "herroepingsformulier bevatte.",
            ),
            Contact(
                At(19, "10:45"),
                _EMAIL,
                "Bevestiging opnieuw verstuurd vanaf het gewone klantenserviceadres, nu met het "
                "herroepingsformulier als bijlage.",
                _OUT,
            ),
            Resolve(
                At(18, "15:30"),
                Outcome.UPHELD,
                "Bevestiging met herroepingsformulier opnieuw verstuurd en door de klant "
                "ontvangen. Het sjabloon voor handmatige bevestigingen is aangevuld met het "
                "formulier.",
                "process-procedure",
                Emotion.SATISFIED,
                Liability.LIABLE,
            ),
            FollowUpAnswer(
                At(2, "13:55"),
                8,
                Emotion.SATISFIED,
                note="De klant belde zelf: bestelling gehouden, een 8.",
            ),
            Close(
                At(2, "14:00"),
                "Nazorg: de klant heeft de bestelling gehouden en geeft ons een 8.",
            ),
        ),
    ),
    # We willen je alleen maar helpen – the website went down during the sale (English).
    Story(
        number="DEMO-0007",
        customer="Emily Carter",
        email="emily.carter@example.com",
        phone="",
        language="en",
        owner="bram",
        channel=Channel.SOCIAL,
        priority=Priority.NORMAL,
        category="Webshop – spring sale",
        subject="Website down during the sale, 'on purpose'",
        facts=(
            "Ms Carter posted on social media that our website went down during the spring "
            "sale just as she tried to order the discounted espresso machine. When the site was "
            "back the offer had ended. She believes the site was taken offline on purpose so "
            "that fewer people could buy at the discount."
        ),
        received=At(2, "20:15"),
        logged=At(1, "08:35"),
        steps=(
            Understand(
                At(1, "08:50"),
                Emotion.ANGRY,
                4,
                "I completely understand how annoying it is to miss an offer you had been "
                "waiting for because our website let you down.",
            ),
            Apologise(
                At(1, "08:52"),
                "I am sorry our website failed you during the sale. It was not on purpose, but "
                "that does not make it any less frustrating.",
            ),
        ),
    ),
    # Recept voor overtuigingskracht – the invoice date: no, but what we *can* do.
    Story(
        number="DEMO-0008",
        customer="Fatima El Amrani",
        email="fatima.elamrani@example.com",
        phone="+31 6 1100 0008",
        owner="anna",
        channel=Channel.LETTER,
        priority=Priority.LOW,
        category="Abonnement – facturering",
        subject="Factuurdatum verplaatsen van de 25e naar de 10e",
        facts=(
            "Mevrouw El Amrani schrijft dat haar salaris rond de 8e binnenkomt en dat de "
            "maandelijkse incasso op de 25e haar steeds krap zit. Ze vraagt of de factuur "
            "voortaan op de 10e van de maand kan komen."
        ),
        received=At(42, "08:30"),
        logged=At(42, "10:15"),
        steps=(
            Understand(
                At(42, "11:00"),
                Emotion.NEUTRAL,
                2,
                "Ik begrijp dat het lastig is als de afschrijving niet aansluit op het moment "
                "waarop uw salaris binnenkomt.",
            ),
            Apologise(
                At(42, "11:01"),
                "Het spijt me dat onze vaste factuurdatum u in de knel brengt.",
            ),
            Solve(
                At(42, "11:20"),
                "De factuurdatum is voor alle abonnementen de 25e; het factureringssysteem kan "
                "die niet per klant aanpassen. Handmatig betalen met een betaallink kan wel.",
                "Ik bel u morgen om 14:00 om uit te leggen wat wél kan.",
                1,
                "14:00",
                wishes=("convenience", "identity"),
            ),
            Contact(
                At(41, "14:00"),
                _CALL,
                "Klant gebeld: we krijgen deze vraag vaker, maar de factuurdatum verschuiven kan "
                "helaas niet. Wat wél kan: handmatig betalen, zodat zij zelf bepaalt wanneer ze "
                "betaalt. Dat doen de meeste klanten in deze situatie. Klant akkoord.",
                _OUT,
            ),
            Kept(At(41, "14:05")),
            Resolve(
                At(41, "14:15"),
                Outcome.NOT_UPHELD,
                "De factuurdatum verplaatsen kan niet. De klant betaalt voortaan handmatig "
                "binnen de betaaltermijn, op een moment dat haar uitkomt.",
                "policy-contract-terms",
                Emotion.SATISFIED,
                Liability.NOT_LIABLE,
                domain=RequestDomain.FUTURE,
                balance=Balance.WIN_WIN,
                alternatives=(
                    "Overgezet op handmatig betalen met een betaallink, zodat de klant zelf "
                    "bepaalt wanneer ze betaalt."
                ),
            ),
            FollowUpAnswer(
                At(9, "09:25"),
                9,
                Emotion.SATISFIED,
                note="Betaalt handmatig op de 10e en is tevreden.",
            ),
            Close(
                At(9, "09:30"),
                "Nazorg na een maand: de klant betaalt handmatig op de 10e, is tevreden en "
                "geeft een 9.",
            ),
        ),
    ),
    # NPS-killer: de kip zonder kop – a correct but hurried sale without any contact.
    Story(
        number="DEMO-0009",
        customer="Kees Verhoeven",
        email="kees.verhoeven@example.com",
        phone="+31 6 1100 0009",
        owner="anna",
        channel=Channel.WEB_FORM,
        priority=Priority.NORMAL,
        category="Winkel Maastricht – verkoop smartphone",
        subject="Gehaast geholpen bij het ophalen van mijn nieuwe telefoon",
        facts=(
            "Meneer Verhoeven had maanden gewacht op zijn nieuwe smartphone en haalde hem "
            "vorige week op in onze winkel. De verkoopster deed alles foutloos, maar was zo "
            "gehaast dat er geen enkel contact was: 'Ik liep de winkel uit als dezelfde persoon "
            "die binnenkwam. Hooguit een 7 voor de moeite.' Hij had uitleg verwacht over het "
            "overzetten van zijn gegevens."
        ),
        received=At(4, "12:30"),
        logged=At(4, "13:05"),
        steps=(
            Understand(
                At(3, "09:10"),
                Emotion.DISAPPOINTED,
                3,
                "Jammer dat het ophalen van een telefoon waar u zo lang naar had uitgekeken zo'n "
                "zakelijke transactie werd. Dat had een leuk moment moeten zijn.",
            ),
            Apologise(
                At(3, "09:12"),
                "Het spijt me dat u zich niet echt geholpen voelde.",
            ),
            Solve(
                At(3, "09:30"),
                "Aankoop op een drukke zaterdag in de winkel in Maastricht, met twee collega's "
                "minder dan gepland. Het overzetten van gegevens is niet uitgelegd.",
                "De winkelmanager belt u om een afspraak te maken om samen uw gegevens over te "
                "zetten. Daarna bel ik u zelf om 16:00 om te horen of alles gelukt is.",
                4,
                "16:00",
                wishes=("convenience", "recognition"),
            ),
            Contact(
                At(2, "15:00"),
                _NOTE,
                "Winkelmanager Maastricht ingelicht; hij belt de klant morgen voor een afspraak.",
            ),
        ),
    ),
    # Échte Mensen Wensen – "not the only one": a general outage at a business customer.
    Story(
        number="DEMO-0010",
        customer="Bakkerij Hoekstra",
        email="lotte.hoekstra@example.com",
        phone="+31 58 110 0010",
        owner="carla",
        channel=Channel.PHONE,
        priority=Priority.URGENT,
        category="Zakelijk internet – pinautomaat",
        subject="Internet en pinautomaat liggen eruit",
        facts=(
            "Mevrouw Hoekstra belt vanuit haar bakkerij: sinds 07:00 werkt het internet niet, "
            "en daarmee ook de pinautomaat niet. Klanten kunnen alleen contant betalen. Ze "
            "denkt dat het aan haar eigen apparatuur ligt en voelt zich de enige met dit "
            "probleem."
        ),
        received=At(1, "08:10"),
        steps=(
            Understand(
                At(1, "08:14"),
                Emotion.ANXIOUS,
                4,
                "Wat vervelend, juist op een drukke ochtend. U bent gelukkig niet de enige: er "
                "is een algemene storing in uw regio, het ligt niet aan uw apparatuur.",
            ),
        ),
    ),
    # Meer is niet altijd beter – the chocolate on the pillow (English).
    Story(
        number="DEMO-0011",
        customer="James Whitfield",
        email="james.whitfield@example.com",
        phone="",
        language="en",
        owner="bram",
        channel=Channel.EMAIL,
        priority=Priority.LOW,
        category="Hotel Rotterdam Centrum – rooms",
        subject="No chocolate on the pillow this time",
        facts=(
            "Mr Whitfield, a frequent business guest, writes that on his last three stays "
            "there was a chocolate on each pillow, but this time there was none. He asks "
            "whether our standards have dropped and expects something to make up for it."
        ),
        received=At(1, "07:30"),
        logged=At(1, "09:45"),
    ),
    # Het triade model – "Meneer Evers, dit is inderdaad vervelend voor u"; the customer was
    # not there at the agreed callback, so the promise was rescheduled, not broken.
    Story(
        number="DEMO-0012",
        customer="Willem Evers",
        email="willem.evers@example.com",
        phone="+31 6 1100 0012",
        owner="bram",
        channel=Channel.PHONE,
        priority=Priority.NORMAL,
        category="Energie – jaarafrekening",
        subject="Jaarafrekening twee keer afgeschreven",
        facts=(
            "Meneer Evers ziet dat het bedrag van zijn jaarafrekening (€ 212,40) twee keer van "
            "zijn rekening is afgeschreven. Hij is boos: 'Nu sta ik rood.'"
        ),
        received=At(4, "14:20"),
        steps=(
            Understand(
                At(4, "14:24"),
                Emotion.ANGRY,
                4,
                "Meneer Evers, dit is inderdaad vervelend voor u. Ik zou zelf ook kwaad "
                "geworden zijn.",
            ),
            Apologise(At(4, "14:25"), "Excuses voor het ongemak: dit had niet mogen gebeuren."),
            Solve(
                At(4, "14:35"),
                "Jaarafrekening van € 212,40 op dezelfde dag twee keer geïncasseerd. De oorzaak "
                "is nog onbekend; mogelijk een dubbele incassobatch.",
                "Ik zoek het morgen uit en bel u om 15:00 terug. Schikt dat tijdstip?",
                1,
                "15:00",
            ),
            Contact(
                At(3, "15:00"),
                _CALL,
                "Klant niet bereikbaar om 15:00, het afgesproken moment. Voicemail ingesproken "
                "en per sms een nieuwe afspraak voorgesteld: morgen om 10:00.",
                _OUT,
            ),
            Contact(
                At(2, "10:00"),
                _CALL,
                "Klant om 10:00 gesproken: dubbele incasso bevestigd (dubbele batch). "
                "Terugboeking van € 212,40 vandaag in gang gezet, binnen drie werkdagen op zijn "
                "rekening. Eventuele rente voor de roodstand vergoeden we.",
                _OUT,
            ),
        ),
    ),
    # Waarom klanten zich niet kunnen focussen – the IVR, the queue, and the question forgotten.
    Story(
        number="DEMO-0013",
        customer="Anouk Jacobs",
        email="anouk.jacobs@example.com",
        phone="+31 6 1100 0013",
        owner="anna",
        channel=Channel.EMAIL,
        priority=Priority.HIGH,
        category="Klantenservice – bereikbaarheid",
        subject="25 minuten in de wachtrij en daarna vastgelopen",
        facts=(
            "Mevrouw Jacobs mailt dat ze eerst door een keuzemenu met vijf stappen moest en "
            "daarna 25 minuten in de wachtrij stond. Toen ze eindelijk iemand sprak, was ze zo "
            "van slag dat ze haar vraag over het verhuizen van haar abonnement niet meer helder "
            "kreeg, en het gesprek liep vast. Haar verhuizing is over twee weken."
        ),
        received=At(3, "19:40"),
        logged=At(2, "08:45"),
        steps=(
            Understand(
                At(2, "09:00"),
                Emotion.FRUSTRATED,
                3,
                "Ik begrijp dat u na zo'n wachttijd geen geduld meer had; dat zou mij ook zo "
                "vergaan.",
            ),
        ),
    ),
    # Ook jouw tijd is waardevol – the last-minute shopper at the service desk.
    Story(
        number="DEMO-0014",
        customer="Tom Bos",
        email="",
        phone="+31 6 1100 0014",
        owner="bram",
        channel=Channel.IN_PERSON,
        priority=Priority.LOW,
        category="Winkel Dordrecht – servicebalie",
        subject="Twee minuten voor sluitingstijd niet meer geholpen",
        facts=(
            "Meneer Bos kwam om 17:58 de winkel binnen om zijn telefoon te laten repareren. De "
            "servicebalie was al afgesloten en hij is niet meer geholpen. Hij vindt dat hij als "
            "betalende klant tot de laatste minuut geholpen moet worden."
        ),
        received=At(2, "17:58"),
        steps=(
            Understand(
                At(2, "18:05"),
                Emotion.AGGRIEVED,
                2,
                "Ik begrijp dat het zuur is als u er speciaal voor komt en dan voor een dichte "
                "balie staat.",
            ),
            Apologise(At(2, "18:06"), "Sorry dat u voor niets bent gekomen."),
        ),
    ),
    # Klanten die denken dat je hun gedachten kunt lezen – the chat that broke off.
    Story(
        number="DEMO-0015",
        customer="Bouwbedrijf Jansen & Zn.",
        email="petra.jansen@example.com",
        phone="+31 30 110 0015",
        owner="carla",
        channel=Channel.CHAT,
        priority=Priority.NORMAL,
        category="Zakelijk – bestelling bouwmaterialen",
        subject="Bestelling klopt niet; geïrriteerd over de vragen in de chat",
        facts=(
            "Mevrouw Jansen meldt in de chat dat haar bestelling niet klopt, maar zegt niet "
            "welke. Bij elke vraag naar het ordernummer of het artikel wordt ze bozer: 'Jullie "
            "weten toch wie ik ben? Ik heb geen tijd voor al die vragen.' De chat is "
            "afgebroken; ze wil teruggebeld worden."
        ),
        received=At(1, "16:20"),
    ),
)
