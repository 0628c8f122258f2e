"""The root-cause taxonomy managed by Quality: add, edit, retire (kept for history, no longer
offered), reactivate, and delete only what nothing uses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints import selectors
from complaints.models import RootCause
from complaints.states import Stage
from reports import taxonomy
from tests.factories import advance, make_complaint, root_cause
from tests.reports.conftest import snapshot as db_snapshot


def test_quality_adds_a_cause_to_a_group_with_a_code_from_its_name(quality):
    cause = taxonomy.root_cause_create(
        actor=quality,
        parent=root_cause("billing"),
        name_nl="Btw onjuist",
        name_en="VAT wrong",
        description="Verkeerd btw-tarief op de factuur.",
    )
    assert cause.code == "billing-vat-wrong"
    assert cause.parent == root_cause("billing")
    assert cause in selectors.root_cause_choices()


def test_causes_cannot_hold_causes_and_codes_are_unique(quality):
    with pytest.raises(InvalidData) as refused:
        taxonomy.root_cause_create(
            actor=quality, parent=root_cause("billing-incorrect-amount"), name_nl="x", name_en="y"
        )
    assert "parent" in refused.value.errors
    with pytest.raises(InvalidData) as refused:
        taxonomy.root_cause_create(actor=quality, name_nl="Proces", name_en="Process")
    assert "code" in refused.value.errors


def test_agents_and_managers_may_not_manage_the_taxonomy(agent, manager):
    before = db_snapshot()
    for user in (agent, manager):
        with pytest.raises(ActionForbidden):
            taxonomy.root_cause_create(actor=user, name_nl="", name_en="")
    assert db_snapshot() == before


def test_a_retired_cause_stays_on_complaints_but_is_not_offered(quality, agent):
    cause = root_cause("billing-incorrect-amount")
    complaint = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    taxonomy.root_cause_set_active(root_cause=cause, actor=quality, active=False)
    complaint.refresh_from_db()
    assert complaint.root_cause == cause
    assert cause not in selectors.root_cause_choices()
    with pytest.raises(TransitionNotAllowed):
        taxonomy.root_cause_set_active(root_cause=cause, actor=quality, active=False)
    taxonomy.root_cause_set_active(root_cause=cause, actor=quality, active=True)
    assert cause in selectors.root_cause_choices()


def test_a_cause_in_use_is_never_deleted(quality, agent):
    advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    before = db_snapshot()
    with pytest.raises(TransitionNotAllowed):
        taxonomy.root_cause_delete(root_cause=root_cause("billing-incorrect-amount"), actor=quality)
    with pytest.raises(TransitionNotAllowed):  # a group with causes
        taxonomy.root_cause_delete(root_cause=root_cause("billing"), actor=quality)
    assert db_snapshot() == before
    unused = root_cause("billing-refund-delay")
    taxonomy.root_cause_delete(root_cause=unused, actor=quality)
    assert not RootCause.objects.filter(code="billing-refund-delay").exists()


def test_the_code_cannot_be_edited(quality):
    with pytest.raises(InvalidData) as refused:
        taxonomy.root_cause_update(root_cause=root_cause("billing"), actor=quality, code="x")
    assert "code" in refused.value.errors


def test_taxonomy_pages_for_quality(client, quality):
    client.force_login(quality)
    page = client.get(reverse("taxonomy"))
    assert page.status_code == 200
    assert "billing-incorrect-amount" in page.content.decode()
    added = client.post(
        reverse("taxonomy"),
        {"parent": root_cause("billing").pk, "name_nl": "Btw onjuist", "name_en": "VAT wrong"},
    )
    assert added.status_code == 302
    cause = RootCause.objects.get(code="billing-vat-wrong")
    edited = client.post(
        reverse("taxonomy-edit", args=[cause.pk]),
        {"name_nl": "Btw-tarief onjuist", "name_en": "Wrong VAT rate", "description": "Tarief."},
    )
    assert edited.status_code == 302
    client.post(reverse("taxonomy-change", args=[cause.pk, "retire"]))
    cause.refresh_from_db()
    assert (cause.name_en, cause.active) == ("Wrong VAT rate", False)


def test_a_refused_delete_is_said_in_words(client, quality, agent):
    advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    client.force_login(quality)
    cause = root_cause("billing-incorrect-amount")
    page = client.post(reverse("taxonomy-change", args=[cause.pk, "delete"]), follow=True)
    assert "retire it instead" in page.content.decode()


def test_agents_do_not_get_the_taxonomy_page(client, agent):
    client.force_login(agent)
    assert client.get(reverse("taxonomy")).status_code == 403


def test_api_manages_the_taxonomy(api_as, quality, agent):
    assert api_as(agent).get("/api/taxonomy/").status_code == 403
    api = api_as(quality)
    listed = api.get("/api/taxonomy/").json()
    assert any(n["code"] == "billing-incorrect-amount" for n in listed)
    made = api.post(
        "/api/taxonomy/",
        {"group": "billing", "name_nl": "Btw onjuist", "name_en": "VAT wrong"},
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["code"] == "billing-vat-wrong"
    pk = made.json()["id"]
    assert (
        api.patch(f"/api/taxonomy/{pk}/", {"description": "Tarief."}, format="json").json()[
            "description"
        ]
        == "Tarief."
    )
    assert api.post(f"/api/taxonomy/{pk}/retire/").json()["active"] is False
    assert api.post(f"/api/taxonomy/{pk}/retire/").status_code == 409
    in_use = root_cause("billing")
    assert api.delete(f"/api/taxonomy/{in_use.pk}/").status_code == 409
    assert api.delete(f"/api/taxonomy/{pk}/").status_code == 204


def test_the_dutch_taxonomy_page_names_causes_in_dutch_only(client, quality):
    from django.db.models import F

    quality.language = "nl"
    quality.save(update_fields=["language"])
    client.force_login(quality)
    page = client.get(reverse("taxonomy")).content.decode()
    group = RootCause.objects.filter(parent__isnull=True).exclude(name_nl=F("name_en")).first()
    assert group is not None
    assert f"> {group.name_nl}</span>" in page  # the hidden label of its Edit button
    assert f"> {group.name_en}</span>" not in page
