"""Seed the default two-level root-cause taxonomy (groups and causes, Dutch and English)."""

from django.db import migrations

TREE = [
    ("process", "Proces", "Process", [
        ("process-procedure", "Procedure onduidelijk of onjuist", "Procedure unclear or wrong"),
        ("process-handover", "Overdracht tussen afdelingen mislukt", "Hand-over between departments failed"),
        ("process-waiting-time", "Wachttijd te lang", "Waiting time too long"),
    ]),
    ("product", "Product", "Product", [
        ("product-defect", "Defect of kapot", "Defective or broken"),
        ("product-expectation", "Voldoet niet aan verwachting", "Does not meet expectations"),
        ("product-availability", "Niet (meer) leverbaar", "Not (or no longer) available"),
    ]),
    ("billing", "Facturering", "Billing", [
        ("billing-incorrect-amount", "Onjuist bedrag", "Incorrect amount"),
        ("billing-unexpected-charge", "Onverwachte kosten", "Unexpected charges"),
        ("billing-refund-delay", "Terugbetaling vertraagd", "Refund delayed"),
    ]),
    ("delivery", "Levering", "Delivery", [
        ("delivery-late", "Te laat geleverd", "Delivered late"),
        ("delivery-damaged", "Beschadigd geleverd", "Delivered damaged"),
        ("delivery-missing", "Niet geleverd", "Not delivered"),
        ("delivery-wrong-item", "Verkeerd artikel geleverd", "Wrong item delivered"),
    ]),
    ("website-it", "Website / IT", "Website / IT", [
        ("website-it-outage", "Storing", "Outage"),
        ("website-it-self-service", "Fout in selfservice of bestelproces", "Error in self-service or ordering"),
        ("website-it-data", "Gegevens onjuist in systeem", "Incorrect data in a system"),
    ]),
    ("communication", "Communicatie", "Communication", [
        ("communication-unclear", "Onduidelijke informatie", "Unclear information"),
        ("communication-promise-broken", "Toezegging niet nagekomen", "Promise not kept"),
        ("communication-no-response", "Geen reactie of niet teruggebeld", "No response or no callback"),
    ]),
    ("staff-behaviour", "Gedrag medewerker", "Staff behaviour", [
        ("staff-behaviour-attitude", "Onvriendelijk of ongeïnteresseerd", "Unfriendly or uninterested"),
        ("staff-behaviour-advice", "Verkeerd advies", "Wrong advice"),
    ]),
    ("policy", "Beleid", "Policy", [
        ("policy-contract-terms", "Contractvoorwaarden", "Contract terms"),
        ("policy-cancellation", "Opzegging of looptijd", "Cancellation or term"),
        ("policy-warranty", "Garantie en retour", "Warranty and returns"),
    ]),
    ("third-party", "Derde partij", "Third party", [
        ("third-party-supplier", "Leverancier", "Supplier"),
        ("third-party-carrier", "Vervoerder", "Carrier"),
    ]),
    ("customer-error", "Fout van de klant", "Customer error", [
        ("customer-error-wrong-order", "Verkeerd besteld", "Ordered the wrong thing"),
        ("customer-error-misunderstanding", "Misverstand bij de klant", "Customer misunderstanding"),
    ]),
]


def seed(apps, schema_editor):
    RootCause = apps.get_model("complaints", "RootCause")
    for code, name_nl, name_en, causes in TREE:
        group, _ = RootCause.objects.get_or_create(
            code=code, defaults={"name_nl": name_nl, "name_en": name_en}
        )
        for cause_code, cause_nl, cause_en in causes:
            RootCause.objects.get_or_create(
                code=cause_code,
                defaults={"parent": group, "name_nl": cause_nl, "name_en": cause_en},
            )


def unseed(apps, schema_editor):
    RootCause = apps.get_model("complaints", "RootCause")
    codes = [code for code, *_rest in TREE]
    cause_codes = [c[0] for *_head, causes in TREE for c in causes]
    RootCause.objects.filter(code__in=cause_codes, complaints__isnull=True).delete()
    RootCause.objects.filter(code__in=codes, children__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
