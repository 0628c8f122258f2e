"""A customer's personal data: every view is traceable, a copy can be exported, and it can be
erased on request while the reports' figures stay exactly as they were."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints import privacy, workflow
from complaints.coulance import services as coulance
from complaints.models import (
    AccessKind,
    CallbackPromise,
    Complaint,
    CoulanceLetter,
    Customer,
    DataAccess,
    EmailState,
    EventType,
    FollowUp,
    FollowUpState,
    JobState,
    OutgoingEmail,
    PromiseState,
    ScheduledJob,
)
from complaints.scheduling import outbox
from reports import figures
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.coulance.conftest import request_data
from tests.factories import make_complaint, step_data
from tests.privacy.conftest import EMAIL, MARKERS, NAME


def texts_holding_markers() -> list[tuple[str, str]]:
    """Every (model, field) of any app's rows whose text still holds the customer's details."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in {"complaints", "reports", "accounts"}:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            for value in model._default_manager.values_list(field.attname, flat=True):
                text = str(value)
                if any(marker in text for marker in MARKERS):
                    found.append((model._meta.label, field.name))
                    break
    return found


# --- Traceable views ---------------------------------------------------------------------------


def test_each_view_of_a_complaint_or_customer_is_recorded(client, api_as, agent, history):
    client.force_login(agent)
    api = api_as(agent)

    client.get(reverse("complaint-page", args=[history.reference]))
    api.get(f"/api/complaints/{history.reference}/")
    api.get(f"/api/complaints/{history.reference}/timeline/")
    api.get(f"/api/customers/{history.customer_id}/")
    api.get("/api/complaints/")  # a list shows summaries: not recorded per row

    rows = list(DataAccess.objects.order_by("id").values_list("kind", "via", "complaint_id"))
    assert rows == [
        (AccessKind.COMPLAINT_VIEWED, "web", history.pk),
        (AccessKind.COMPLAINT_VIEWED, "api", history.pk),
        (AccessKind.COMPLAINT_VIEWED, "api", history.pk),
        (AccessKind.CUSTOMER_VIEWED, "api", None),
    ]
    assert set(DataAccess.objects.values_list("user_id", "customer_id")) == {
        (agent.pk, history.customer_id)
    }


def test_a_refused_view_is_not_recorded(api_as, outsider, history):
    assert api_as(outsider).get(f"/api/complaints/{history.reference}/").status_code == 404
    assert not DataAccess.objects.exists()


# --- Export ------------------------------------------------------------------------------------


def test_quality_exports_everything_held_about_the_customer(api_as, quality, history):
    answer = api_as(quality).get(f"/api/customers/{history.customer_id}/personal-data/")

    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"]
    data = answer.json()
    assert data["customer"]["name"] == NAME
    assert data["customer"]["email"] == EMAIL
    [complaint] = data["complaints"]
    assert complaint["reference"] == history.reference
    assert NAME in complaint["facts"]
    assert "Markerdaal" in complaint["understanding"]["acknowledgement"]
    assert complaint["contacts"][0]["summary"] == "Mevrouw Markerdaal gebeld."
    assert any("Markerdaal" in p["purpose"] for p in complaint["promises"])
    [gesture] = complaint["goodwill_gestures"]
    assert gesture["amount"] == "25.00"
    assert "Markerdaal" in gesture["customer_contribution"]
    assert [f["state"] for f in complaint["follow_ups"]] == [FollowUpState.SCHEDULED]
    [access] = DataAccess.objects.filter(kind=AccessKind.EXPORTED)
    assert (access.user, access.via) == (quality, "api")


def test_an_agent_may_not_export(api_as, agent, history):
    answer = api_as(agent).get(f"/api/customers/{history.customer_id}/personal-data/")

    assert answer.status_code == 403
    assert not DataAccess.objects.filter(kind=AccessKind.EXPORTED).exists()


# --- Erasure -----------------------------------------------------------------------------------


def test_erasure_leaves_no_trace_of_the_customer_in_any_text(quality, history):
    assert len(texts_holding_markers()) >= 10  # the details really are everywhere first

    privacy.customer_erase(
        customer=history.customer, actor=quality, reason="Verzoek per e-mail", via="api"
    )

    assert texts_holding_markers() == []
    customer = Customer.objects.get(pk=history.customer_id)
    assert (customer.name, customer.email, customer.phone, customer.customer_number) == (
        "—",
        "",
        "",
        "",
    )
    assert customer.erased_at is not None
    assert not CoulanceLetter.objects.filter(pdf__isnull=False).exists()


def test_erasure_also_clears_the_searches_and_the_changes_of_the_details(
    api_as, quality, agent, history
):
    api = api_as(agent)
    assert api.get("/api/customers/", {"search": "Markerdaal"}).json()["results"]
    changed = api.patch(
        f"/api/customers/{history.customer_id}/",
        {"email": "e.markerdaal@elders.example", "reason": "Mevrouw Markerdaal belde"},
        format="json",
    )
    assert changed.status_code == 200
    assert OutgoingEmail.objects.filter(template__startswith="customer_email_changed").count() == 2

    privacy.customer_erase(customer=history.customer, actor=quality, reason="Verzoek", via="api")

    assert texts_holding_markers() == []
    search = DataAccess.objects.get(kind=AccessKind.CUSTOMER_SEARCHED)
    assert search.detail == "—"
    change = DataAccess.objects.get(kind=AccessKind.CUSTOMER_CHANGED)
    assert change.detail == "email"  # which field changed is no personal data


def test_erasure_cancels_the_confirmations_of_a_customer_without_complaints(
    api_as, admin_user, quality, customer
):
    answer = api_as(admin_user).patch(
        f"/api/customers/{customer.pk}/",
        {"email": "evelien@markerdaal.example", "reason": "Op verzoek"},
        format="json",
    )
    assert answer.status_code == 200
    confirmations = OutgoingEmail.objects.filter(template__startswith="customer_email_changed")
    assert set(confirmations.values_list("complaint_id", flat=True)) == {None}

    privacy.customer_erase(customer=customer, actor=quality, reason="Verzoek", via="api")

    assert texts_holding_markers() == []
    assert set(confirmations.values_list("state", flat=True)) == {EmailState.CANCELLED}


def test_erasure_ends_whatever_would_still_contact_the_customer(quality, history):
    assert OutgoingEmail.objects.filter(state=EmailState.PENDING).exists()

    privacy.customer_erase(customer=history.customer, actor=quality, reason="Verzoek", via="api")

    assert not CallbackPromise.objects.filter(state=PromiseState.SCHEDULED).exists()
    assert not FollowUp.objects.filter(state=FollowUpState.SCHEDULED).exists()
    assert not ScheduledJob.objects.filter(state=JobState.PENDING).exists()
    assert not OutgoingEmail.objects.filter(state=EmailState.PENDING).exists()
    assert outbox.send_pending() == 0


def test_erasure_keeps_every_figure_of_the_report(quality, history):
    today = timezone.localdate()
    period = {"start": today.replace(day=1), "end": today}
    before = figures.compute(**period)

    privacy.customer_erase(customer=history.customer, actor=quality, reason="Verzoek", via="api")

    after = figures.compute(**period)
    assert before["volumes"]["resolved"]["total"] == 1
    assert {k: v for k, v in after.items() if k != "computed_at"} == {
        k: v for k, v in before.items() if k != "computed_at"
    }


def test_erasure_is_in_the_audit_trail_and_the_access_record(quality, history):
    privacy.customer_erase(customer=history.customer, actor=quality, reason="Verzoek", via="api")

    [event] = history.events.filter(type=EventType.PERSONAL_DATA_ERASED)
    assert (event.actor, event.payload) == (quality, {"reason": "Verzoek"})
    [access] = DataAccess.objects.filter(kind=AccessKind.ERASED)
    assert access.user == quality
    assert access.customer_id == history.customer_id


@pytest.mark.parametrize(
    ("situation", "refusal"),
    [
        ("agent", ActionForbidden),
        ("open complaint", TransitionNotAllowed),
        ("pending gesture", TransitionNotAllowed),
        ("no reason", InvalidData),
        ("erased before", TransitionNotAllowed),
    ],
)
def test_a_refused_erasure_changes_nothing(situation, refusal, quality, agent, history):
    actor, reason = quality, "Verzoek"
    if situation == "agent":
        actor = agent
    elif situation == "open complaint":
        make_complaint(owner=agent, customer=history.customer)
    elif situation == "pending gesture":
        workflow.reopen(history, actor=agent, **step_data("reopen"))
        coulance.coulance_request_create(
            complaint=Complaint.objects.get(pk=history.pk), actor=agent, **request_data(amount="10")
        )
        workflow.resolve(Complaint.objects.get(pk=history.pk), actor=agent, **step_data("resolve"))
    elif situation == "no reason":
        reason = " "
    elif situation == "erased before":
        privacy.customer_erase(customer=history.customer, actor=quality, reason="Eerder", via="api")
    before = db_snapshot()

    with pytest.raises(refusal):
        privacy.customer_erase(
            customer=Customer.objects.get(pk=history.customer_id),
            actor=actor,
            reason=reason,
            via="api",
        )

    assert db_changes(before, db_snapshot()) == {}


def test_the_api_erases_for_quality_and_refuses_an_agent(api_as, quality, agent, history):
    url = f"/api/customers/{history.customer_id}/erase/"

    refused = api_as(agent).post(url, {"reason": "Verzoek"}, format="json")
    missing = api_as(quality).post(url, {}, format="json")
    erased = api_as(quality).post(url, {"reason": "Verzoek per e-mail"}, format="json")
    again = api_as(quality).post(url, {"reason": "Nog eens"}, format="json")

    assert refused.status_code == 403
    assert missing.status_code == 400
    assert "reason" in missing.json()
    assert erased.status_code == 200
    assert erased.json()["name"] == "—"
    assert erased.json()["erased_at"]
    assert again.status_code == 409


def test_the_admin_role_reads_who_looked(client, admin_user, agent, api_as, history):
    api_as(agent).get(f"/api/complaints/{history.reference}/")
    client.force_login(admin_user)

    page = client.get("/admin/complaints/dataaccess/")

    assert page.status_code == 200
    assert history.reference in page.content.decode()


# --- After erasure -----------------------------------------------------------------------------


def test_an_erased_customer_is_not_found_changed_or_given_a_new_complaint(
    api_as, quality, agent, history
):
    privacy.customer_erase(customer=history.customer, actor=quality, reason="Verzoek", via="api")
    api = api_as(agent)
    before = db_snapshot()

    found = api.get("/api/customers/", {"search": NAME})
    changed = api.patch(f"/api/customers/{history.customer_id}/", {"name": NAME}, format="json")
    logged = api.post(
        "/api/complaints/",
        {"customer": history.customer_id, "channel": "phone", "subject": "Nog iets", "facts": "…"},
        format="json",
    )

    assert found.status_code == 200
    assert found.json()["results"] == []
    assert changed.status_code == 409
    assert logged.status_code == 400
    assert list(logged.json()) == ["customer"]
    assert db_changes(before, db_snapshot()) == {}
