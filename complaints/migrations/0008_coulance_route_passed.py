"""A coulance request keeps the managers its route went past instead of a reason written in one
language: the reason is then said in the reader's language. Each pending request's route is
taken from its latest escalation or re-routing event (a request without one went past nobody)."""

from django.db import migrations, models


def fill_passed(apps, schema_editor):
    CoulanceRequest = apps.get_model("complaints", "CoulanceRequest")
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    # Only a pending request says why it waits; a decided one needs no route.
    pending = CoulanceRequest.objects.filter(status="pending").only("pk", "complaint_id")
    for request in pending:
        event = (
            ComplaintEvent.objects.filter(
                complaint_id=request.complaint_id,
                type__in=["coulance_escalated", "coulance_rerouted"],
                payload__coulance_request_id=request.pk,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if event is not None and event.payload.get("passed"):
            CoulanceRequest.objects.filter(pk=request.pk).update(passed=event.payload["passed"])


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_coulance_rerouted_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="coulancerequest",
            name="passed",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text=(
                    "The managers up the chain the request went past, each with why (the route "
                    "as it was last worked out)."
                ),
                verbose_name="managers passed",
            ),
        ),
        migrations.RunPython(fill_passed, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="coulancerequest",
            name="pending_reason",
        ),
    ]
