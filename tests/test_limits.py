"""Every text a request can write has a longest length, and every API body a largest size.

Each serializer that takes text refuses a field one character over its limit (``common.limits``)
with DRF's message, in the user's language, and writes nothing; the web forms say the same in
words next to the field; an API body over ``API_MAX_BODY_BYTES`` is a 413 in the API's JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from common import limits
from complaints.models import Complaint, Customer
from complaints.states import Stage
from tests.factories import CustomerFactory, advance, make_complaint, root_cause, step_data

TOO_LONG = "Ensure this field has no more than {limit} characters."
TOO_LONG_NL = "Zorg ervoor dat dit veld niet meer dan {limit} karakters bevat."


def over(limit: int) -> str:
    return "x" * (limit + 1)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the complaints and reports apps (a refusal must leave them as they were)."""
    rows = {}
    for label in ("complaints", "reports"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return rows


@dataclass
class World:
    agent: User
    other_agent: User
    quality: User
    customer: Customer
    complaints: dict[Stage, Complaint] = field(default_factory=dict)

    def at(self, stage: Stage) -> Complaint:
        """The agent's complaint (of ``customer``) in ``stage``, made once."""
        if stage not in self.complaints:
            complaint = make_complaint(owner=self.agent, customer=self.customer)
            self.complaints[stage] = advance(complaint, to=stage)
        return self.complaints[stage]

    def ref(self, stage: Stage) -> str:
        return self.at(stage).reference


@dataclass
class Case:
    method: str
    url: Callable[[World], str]
    body: Callable[[World], dict[str, Any]]
    field: str
    limit: int
    who: str = "agent"


def _json(data: dict[str, Any]) -> dict[str, Any]:
    """Moments and objects as the API reads them."""
    return json.loads(json.dumps(data, default=lambda v: getattr(v, "pk", None) or str(v)))


CASES = {
    "customer name": Case(
        "post",
        lambda w: "/api/customers/",
        lambda w: {"name": over(limits.NAME)},
        "name",
        limits.NAME,
    ),
    "customer phone": Case(
        "patch",
        lambda w: f"/api/customers/{w.customer.pk}/",
        lambda w: {"phone": "1" * (limits.PHONE + 1)},
        "phone",
        limits.PHONE,
    ),
    "complaint facts": Case(
        "post",
        lambda w: "/api/complaints/",
        lambda w: {
            "customer": w.customer.pk,
            "channel": "phone",
            "subject": "Te veel betaald",
            "facts": over(limits.TEXT),
        },
        "facts",
        limits.TEXT,
    ),
    "complaint subject": Case(
        "post",
        lambda w: "/api/complaints/",
        lambda w: {
            "customer": w.customer.pk,
            "channel": "phone",
            "subject": over(limits.SUBJECT),
            "facts": "Klant betaalt voor niets.",
        },
        "subject",
        limits.SUBJECT,
    ),
    "correcting the facts": Case(
        "patch",
        lambda w: f"/api/complaints/{w.ref(Stage.RECEIVED)}/",
        lambda w: {"facts": over(limits.TEXT)},
        "facts",
        limits.TEXT,
    ),
    "understanding": Case(
        "post",
        lambda w: f"/api/complaints/{w.ref(Stage.RECEIVED)}/understand/",
        lambda w: step_data("understand") | {"acknowledgement": over(limits.TEXT)},
        "acknowledgement",
        limits.TEXT,
    ),
    "apology": Case(
        "post",
        lambda w: f"/api/complaints/{w.ref(Stage.UNDERSTOOD)}/apologise/",
        lambda w: {"apology": over(limits.TEXT)},
        "apology",
        limits.TEXT,
    ),
    "solution": Case(
        "post",
        lambda w: f"/api/complaints/{w.ref(Stage.APOLOGISED)}/solve/",
        lambda w: step_data("solve") | {"next_steps": over(limits.TEXT)},
        "next_steps",
        limits.TEXT,
    ),
    "resolution": Case(
        "post",
        lambda w: f"/api/complaints/{w.ref(Stage.SOLVING)}/resolve/",
        lambda w: step_data("resolve") | {"alternatives_offered": over(limits.TEXT)},
        "alternatives_offered",
        limits.TEXT,
    ),
    "reopening": Case(
        "post",
        lambda w: f"/api/complaints/{w.ref(Stage.RESOLVED)}/reopen/",
        lambda w: {"reason": over(limits.NOTE)},
        "reason",
        limits.NOTE,
    ),
    "transfer": Case(
        "post",
        lambda w: f"/api/complaints/{w.ref(Stage.RECEIVED)}/transfer/",
        lambda w: {"to_user": w.other_agent.pk, "reason": over(limits.NOTE)},
        "reason",
        limits.NOTE,
    ),
    "interaction": Case(
        "post",
        lambda w: f"/api/complaints/{w.ref(Stage.RECEIVED)}/interactions/",
        lambda w: {"kind": "note", "summary": over(limits.TEXT)},
        "summary",
        limits.TEXT,
    ),
    "promise": Case(
        "post",
        lambda w: "/api/promises/",
        lambda w: {
            "complaint": w.ref(Stage.SOLVING),
            "due_at": timezone.now() + timedelta(days=2),
            "purpose": over(limits.PURPOSE),
        },
        "purpose",
        limits.PURPOSE,
    ),
    "goodwill gesture": Case(
        "post",
        lambda w: "/api/coulance/",
        lambda w: {
            "complaint": w.ref(Stage.RESOLVED),
            "kind": "voucher",
            "amount": "25.00",
            "reason": over(limits.NOTE),
            "liability": "not_liable",
            "request_domain": "past",
            "assessment": "Redelijk en billijk.",
            "balance": "win_win",
        },
        "reason",
        limits.NOTE,
    ),
    "corrective action": Case(
        "post",
        lambda w: "/api/corrective-actions/",
        lambda w: {
            "root_cause": root_cause().code,
            "title": "Factuurcontrole",
            "description": over(limits.TEXT),
            "owner": w.quality.pk,
            "due_on": str(timezone.localdate() + timedelta(days=30)),
        },
        "description",
        limits.TEXT,
        who="quality",
    ),
    "root cause": Case(
        "post",
        lambda w: "/api/taxonomy/",
        lambda w: {"name_nl": "Nieuw", "name_en": over(limits.ROOT_CAUSE_NAME)},
        "name_en",
        limits.ROOT_CAUSE_NAME,
        who="quality",
    ),
    "erasure": Case(
        "post",
        # A customer without complaints: one being handled could not be erased (409 first).
        lambda w: f"/api/customers/{CustomerFactory().pk}/erase/",
        lambda w: {"reason": over(limits.NOTE)},
        "reason",
        limits.NOTE,
        who="quality",
    ),
}


@pytest.fixture
def world(agent, other_agent, quality) -> World:
    customer = CustomerFactory(name="Jan Evers")
    make_complaint(owner=agent, customer=customer)  # so the agent may correct their details
    return World(agent, other_agent, quality, customer)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_text_one_over_its_limit_is_refused_and_nothing_is_written(world, case):
    client = APIClient()
    client.force_authenticate(getattr(world, case.who))
    url, body = case.url(world), _json(case.body(world))
    before = snapshot()

    response = getattr(client, case.method)(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400, response.content
    assert TOO_LONG.format(limit=case.limit) in response.json()[case.field]
    assert snapshot() == before


@pytest.mark.parametrize("case", [CASES["complaint facts"], CASES["understanding"]])
def test_at_its_limit_the_text_is_taken(world, case):
    client = APIClient()
    client.force_authenticate(getattr(world, case.who))
    body = _json(case.body(world)) | {case.field: "x" * case.limit}

    response = getattr(client, case.method)(case.url(world), body, format="json")

    assert response.status_code in (200, 201), response.content


def test_the_limit_is_said_in_dutch(world):
    case = CASES["complaint facts"]
    client = APIClient()
    client.force_authenticate(world.agent)
    world.agent.language = "nl"  # the user's own setting counts over the browser's
    world.agent.save(update_fields=["language"])
    response = client.post(
        case.url(world), _json(case.body(world)), format="json", HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.json()["facts"] == [TOO_LONG_NL.format(limit=limits.TEXT)]


def test_a_list_of_references_has_a_longest_length(world, api_as):
    from reports import actions

    action = actions.action_create(
        root_cause=root_cause(),
        title="Factuurcontrole",
        owner=world.quality,
        due_on=timezone.localdate() + timedelta(days=30),
        actor=world.quality,
    )
    references = ["KL-2026-000001"] * (limits.LINKED_COMPLAINTS + 1)
    response = api_as(world.quality).post(
        f"/api/corrective-actions/{action.pk}/link/",
        {"complaints": references},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["complaints"] == [
        f"Ensure this field has no more than {limits.LINKED_COMPLAINTS} elements."
    ]


# --- The web forms ---------------------------------------------------------------------------


def _form_classes() -> list[type[forms.Form]]:
    """Every form of the pages (complaints, goodwill, callbacks, privacy, survey, reports)."""
    import complaints.web.callbacks
    import complaints.web.coulance_forms
    import complaints.web.forms
    import complaints.web.privacy
    import complaints.web.survey
    import reports.agents_web
    import reports.forms

    modules = [
        complaints.web.forms,
        complaints.web.coulance_forms,
        complaints.web.callbacks,
        complaints.web.privacy,
        complaints.web.survey,
        reports.forms,
        reports.agents_web,
    ]
    found = {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, forms.BaseForm)
        and value.__module__ == module.__name__
    }
    return sorted(found, key=lambda cls: cls.__qualname__)


# Search boxes filter a list and write nothing.
SEARCHES = {("WorkFilterForm", "q")}


def test_every_text_field_of_every_page_form_has_a_longest_length():
    classes = _form_classes()
    assert len(classes) > 15  # the walk found the forms
    unlimited = [
        f"{cls.__name__}.{name}"
        for cls in classes
        for name, form_field in cls.base_fields.items()
        if isinstance(form_field, forms.CharField)
        and form_field.max_length is None
        and (cls.__name__, name) not in SEARCHES
    ]
    assert unlimited == []


def test_the_new_complaint_page_says_the_facts_are_too_long_and_saves_nothing(client, agent):
    client.force_login(agent)
    customer: Customer = CustomerFactory(name="Jan Evers")
    before = Complaint.objects.count()

    response = client.post(
        "/complaints/new/",
        {
            "customer": customer.pk,
            "customer_language": "nl",
            "channel": "phone",
            "subject": "Te veel betaald",
            "facts": over(limits.TEXT),
            "priority": "normal",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters (it has 10001)." in (
        response.content.decode()
    )
    assert Complaint.objects.count() == before


def test_the_textarea_tells_the_browser_its_longest_length(client, agent):
    client.force_login(agent)
    page = client.get("/complaints/new/").content.decode()
    assert f'maxlength="{limits.TEXT}"' in page


# --- Request bodies --------------------------------------------------------------------------


def _complaint_body(customer: Customer, facts: str) -> dict[str, Any]:
    return {"customer": customer.pk, "channel": "phone", "subject": "Groot", "facts": facts}


@override_settings(API_MAX_BODY_BYTES=4_000)
def test_an_api_body_over_the_limit_is_a_413_in_json_and_writes_nothing(world):
    client = APIClient()
    client.force_authenticate(world.agent)
    before = snapshot()

    body = _complaint_body(world.customer, "x" * 5_000)  # within the field's limit
    response = client.post("/api/complaints/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The request body is too large: at most 4,000 bytes are read.",
        "code": "body_too_large",
    }
    assert snapshot() == before


@override_settings(API_MAX_BODY_BYTES=4_000)
def test_an_api_body_within_the_limit_is_read(world):
    client = APIClient()
    client.force_authenticate(world.agent)
    body = _complaint_body(world.customer, "x" * 3_000)
    assert client.post("/api/complaints/", body, format="json").status_code == 201


@override_settings(API_MAX_BODY_BYTES=4_000)
def test_the_body_limit_comes_before_authentication(db):
    response = Client().post(
        "/api/complaints/", json.dumps({"facts": "x" * 5_000}), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


@override_settings(API_MAX_BODY_BYTES=1_000_000, DATA_UPLOAD_MAX_MEMORY_SIZE=4_000)
def test_djangos_upload_limit_holds_for_drfs_json_parser_too_and_is_a_413(world):
    """DRF's JSON parser reads ``request.body``, where Django refuses a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig); the API answers that as its own 413."""
    client = APIClient()
    client.force_authenticate(world.agent)
    before = snapshot()

    body = _complaint_body(world.customer, "x" * 5_000)
    response = client.post("/api/complaints/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is too large: at most 4,000 bytes are read.",
        "code": "body_too_large",
    }
    assert snapshot() == before


@override_settings(API_MAX_BODY_BYTES=4_000)
def test_a_web_form_keeps_djangos_own_limit(client, agent):
    """The API's limit is the API's: a page's form of more than API_MAX_BODY_BYTES is read."""
    client.force_login(agent)
    customer: Customer = CustomerFactory(name="Jan Evers")
    response = client.post(
        "/complaints/new/",
        {
            "customer": customer.pk,
            "customer_language": "nl",
            "channel": "phone",
            "subject": "Groot",
            "facts": "x" * 5_000,
            "priority": "normal",
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.filter(customer=customer, facts="x" * 5_000).exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4_000)
def test_a_web_form_over_djangos_limit_gets_the_400_page(client, agent):
    client.force_login(agent)
    customer: Customer = CustomerFactory(name="Jan Evers")
    response = client.post(
        "/complaints/new/",
        {"customer": customer.pk, "channel": "phone", "subject": "G", "facts": "x" * 5_000},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "The request could not be understood" in response.content.decode()
    assert not Complaint.objects.filter(customer=customer).exists()
