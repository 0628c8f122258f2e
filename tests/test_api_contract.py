"""The API keeps its own contract: what schemathesis found once, pinned down one by one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import CustomerFactory, UserFactory, make_complaint

pytestmark = pytest.mark.django_db

# Detail routes by whole-number id, each with a non-numeric id as schemathesis sent it.
ID_ROUTES = [
    ("get", "/api/promises/{}/"),
    ("post", "/api/promises/{}/keep/"),
    ("post", "/api/promises/{}/reschedule/"),
    ("post", "/api/promises/{}/cancel/"),
    ("get", "/api/follow-ups/{}/"),
    ("post", "/api/follow-ups/{}/complete/"),
    ("post", "/api/follow-ups/{}/waive/"),
    ("post", "/api/notifications/{}/read/"),
    ("get", "/api/customers/{}/"),
    ("get", "/api/coulance/{}/"),
    ("get", "/api/coulance-letters/{}/pdf/"),
    ("get", "/api/corrective-actions/{}/"),
    ("get", "/api/root-cause-reports/{}/"),
    ("get", "/api/agent-figures/{}/"),
    ("delete", "/api/auth/tokens/{}/"),
]


@pytest.fixture
def schema(api) -> dict[str, Any]:
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize(("method", "route"), ID_ROUTES)
@pytest.mark.parametrize("bad_id", ["null%2Cnull", "abc", "1.5", "-1", "99999999999999999999999"])
def test_a_wrong_id_in_the_path_is_a_json_404(api, quality, method, route, bad_id):
    api.force_authenticate(quality)  # who may read every kind of item
    response = getattr(api, method)(route.format(bad_id), {}, format="json")
    assert response.status_code == 404, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_an_unknown_api_address_is_a_json_404_for_anyone(api):
    response = api.post("/api/no-such-thing/1/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_without_credentials_the_api_asks_for_the_token(api):
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("UserSummary", "team"),
        ("Me", "team"),
        ("RootCause", "group"),
        ("TaxonomyNode", "group"),
        ("CoulanceRequest", "team"),
    ],
)
def test_a_team_or_group_that_may_be_missing_is_nullable(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True


def test_a_user_without_a_team_matches_the_schema(api, agent, schema):
    loner = UserFactory(team=None)
    api.force_authenticate(loner)
    assert api.get("/api/me/").json()["team"] is None
    assert schema["components"]["schemas"]["Me"]["properties"]["team"]["nullable"] is True


@pytest.mark.parametrize(
    "field", ["outcome", "emotion_at_resolution", "request_domain", "balance", "liability"]
)
def test_an_unrecorded_choice_may_be_blank_in_the_schema(schema, field):
    prop = schema["components"]["schemas"]["ComplaintDetail"]["properties"][field]
    refs = {option["$ref"].rsplit("/", 1)[-1] for option in prop["oneOf"]}
    assert "BlankEnum" in refs
    assert schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_a_complaint_without_root_cause_is_described_with_a_null_root_cause(schema):
    prop = schema["components"]["schemas"]["ComplaintList"]["properties"]["root_cause"]
    assert prop["nullable"] is True


def test_a_blank_email_is_allowed_by_the_schema(schema):
    recipient = schema["components"]["schemas"]["Letter"]["properties"]["recipient"]
    assert {"type": "string", "maxLength": 0} in recipient["oneOf"]


def test_every_refusal_is_documented_with_a_json_error_body(schema):
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = operation["responses"]
            if path != "/api/auth/token/" and "401" not in codes:
                missing.append((method, path, "401"))
            if "{" in path and "404" not in codes:
                missing.append((method, path, "404"))
            for code, response in codes.items():
                if int(code) >= 400:
                    body = response["content"]["application/json"]["schema"]["$ref"]
                    assert body.endswith("/ValidationError" if code == "400" else "/Error")
    assert missing == []
    assert {"Error", "ValidationError"} <= set(schema["components"]["schemas"])


def test_ids_in_paths_are_integers_and_references_have_their_pattern(schema):
    keep = schema["paths"]["/api/promises/{id}/keep/"]["post"]["parameters"]
    assert next(p for p in keep if p["in"] == "path")["schema"] == {"type": "integer"}
    detail = schema["paths"]["/api/complaints/{reference}/"]["get"]["parameters"]
    pattern = next(p for p in detail if p["in"] == "path")["schema"]["pattern"]
    assert pattern == r"^KL-\d{4}-\d{6,}$"


def test_the_agent_figures_list_is_one_object_in_the_schema(schema):
    body = schema["paths"]["/api/agent-figures/"]["get"]["responses"]["200"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/AgentFiguresList"}


def test_the_403_of_a_read_only_for_quality_is_documented(schema):
    for path in (
        "/api/taxonomy/",
        "/api/root-cause-reports/",
        "/api/customers/{id}/personal-data/",
    ):
        assert "403" in schema["paths"][path]["get"]["responses"], path


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/promises/?page_size=null", "page_size"),
        ("/api/promises/?page_size=2&page_size=3", "page_size"),
        ("/api/coulance/?waiting_for=0.5", "waiting_for"),
        ("/api/corrective-actions/?status=AAA", "status"),
        ("/api/corrective-actions/?overdue=maybe", "overdue"),
        ("/api/complaints/?q=a%00b", "q"),
    ],
)
def test_a_query_parameter_the_schema_refuses_is_a_400(api, quality, url, field):
    api.force_authenticate(quality)
    response = api.get(url)
    assert response.status_code == 400, response.content[:200]
    assert field in response.json()


@pytest.mark.parametrize("reference", ["0", "KL-2026-00000\x001", "null"])
def test_a_malformed_complaint_reference_in_a_body_is_a_400(api, agent, reference):
    api.force_authenticate(agent)
    response = api.post(
        "/api/promises/",
        {"complaint": reference, "due_at": "2099-01-01T10:00:00Z", "purpose": "Bellen"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["complaint"]


def test_a_whole_page_size_still_pages(api, agent):
    api.force_authenticate(agent)
    for _ in range(3):
        make_complaint(owner=agent)
    response = api.get("/api/complaints/", {"page_size": 2})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


# A parameter given without a value: the schema says a date, a choice or an id, and "" is none.
BLANK_QUERIES = [
    ("/api/complaints/?owner=", "owner"),
    ("/api/complaints/?received_before=", "received_before"),
    ("/api/complaints/?stage=received&stage=", "stage"),
    ("/api/promises/?owner=", "owner"),
    ("/api/follow-ups/?due_after=", "due_after"),
    ("/api/coulance/?status=", "status"),
    ("/api/coulance/?team=", "team"),
    ("/api/notifications/?kind=", "kind"),
    ("/api/corrective-actions/?status=", "status"),
    ("/api/corrective-actions/?overdue=", "overdue"),
    ("/api/agent-figures/?start=", "start"),
    ("/api/agent-figures/?end=", "end"),
]


@pytest.mark.parametrize(("url", "field"), BLANK_QUERIES)
def test_a_query_parameter_without_a_value_is_a_400_with_its_message(api, quality, url, field):
    api.force_authenticate(quality)
    response = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:200]
    messages = response.json()[field]
    assert messages
    assert all(isinstance(m, str) and m for m in messages)


@pytest.mark.parametrize("url", ["/api/complaints/?q=", "/api/coulance/?currency="])
def test_empty_free_text_is_still_no_filter(api, quality, url):
    api.force_authenticate(quality)
    assert api.get(url).status_code == 200


def test_a_blank_value_is_refused_with_the_blank_message(api, agent):
    api.force_authenticate(agent)
    response = api.get("/api/complaints/?owner=", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"owner": ["This field may not be blank."]}


@pytest.mark.parametrize(
    "url",
    ["/api/me/", "/api/complaints/", "/api/customers/999999/", "/api/coulance-letters/999999/"],
)
@pytest.mark.parametrize(
    ("accept", "query"),
    [("text/html", ""), ("text/html,application/xhtml+xml", ""), ("*/*", "?format=api")],
)
def test_the_api_answers_json_whatever_the_client_asks_for(api, agent, url, accept, query):
    api.force_authenticate(agent)
    response = api.get(url + query, HTTP_ACCEPT=accept)
    assert response.status_code in (200, 404), response.content[:200]
    assert response["Content-Type"] == "application/json"
    response.json()


def test_the_schema_still_comes_as_json_or_yaml_as_asked(api):
    assert api.get("/api/schema/", {"format": "json"})["Content-Type"].startswith(
        "application/vnd.oai.openapi+json"
    )
    assert api.get("/api/schema/").content.startswith(b"openapi: 3")  # YAML by default


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Ria", "phone": 612345678}, "phone"),
        ({"name": "Ria", "phone": "0612345678", "customer_number": 0}, "customer_number"),
        ({"name": True, "phone": "0612345678"}, "name"),
    ],
)
def test_a_number_where_the_schema_says_text_is_a_400(api, agent, body, field):
    from complaints.models import Customer

    api.force_authenticate(agent)
    before = Customer.objects.count()
    response = api.post("/api/customers/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:200]
    assert response.json()[field] == ["Not a valid string."]
    assert Customer.objects.count() == before


def test_a_customer_correction_with_a_number_for_text_changes_nothing(api, agent):
    customer = CustomerFactory(phone="0612345678")
    make_complaint(owner=agent, customer=customer)  # so that the agent may correct them
    api.force_authenticate(agent)
    response = api.patch(f"/api/customers/{customer.pk}/", {"phone": 0}, format="json")
    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.phone == "0612345678"


@pytest.mark.parametrize("form", ["multipart", None])
def test_the_api_reads_json_bodies_only(api, agent, form):
    from complaints.models import Customer

    api.force_authenticate(agent)
    body = {"name": "Ria", "phone": "0612345678"}
    if form:
        response = api.post("/api/customers/", body, format=form)
    else:
        response = api.post(
            "/api/customers/", "name=Ria", content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 415
    assert not Customer.objects.filter(name="Ria").exists()
    assert api.post("/api/customers/", body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"notify_customer": "yes"}, "notify_customer"),
        ({"notify_customer": 1}, "notify_customer"),
        ({"purpose": 12}, "purpose"),
    ],
)
def test_a_json_body_gives_each_field_its_own_type(api, agent, extra, field):
    from complaints.models import CallbackPromise
    from tests.factories import make_complaint

    complaint = make_complaint(owner=agent)
    api.force_authenticate(agent)
    body = {"complaint": complaint.reference, "due_at": "2099-01-01T10:00:00Z", "purpose": "Bel"}
    response = api.post("/api/promises/", {**body, **extra}, format="json")
    assert response.status_code == 400, response.content[:200]
    assert list(response.json()) == [field]
    assert not CallbackPromise.objects.filter(complaint=complaint).exists()
    assert api.post("/api/promises/", body, format="json").status_code == 201


@pytest.mark.parametrize(
    "path",
    [
        "/api/corrective-actions/%F1%8D%A5%A3%21P%0A%C3%B8/start/",
        "/api/coulance-letters/1%0A/",
        "/api/%0A",
    ],
)
def test_a_path_with_a_newline_is_a_json_404_too(api, agent, path):
    api.force_authenticate(agent)
    response = api.post(path, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "moment", ["0103-04-09T07:43:36Z", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00"]
)
def test_a_moment_outside_1970_to_9000_is_a_400(api, agent, moment):
    from complaints.models import Interaction
    from tests.factories import make_complaint

    complaint = make_complaint(owner=agent)
    api.force_authenticate(agent)
    url = f"/api/complaints/{complaint.reference}/interactions/"
    before = Interaction.objects.count()
    body = {"kind": "call", "summary": "Gebeld", "occurred_at": moment}
    response = api.post(url, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:200]
    message = "Datetime value out of range." if moment.startswith("9999") else "Give a moment"
    assert response.json()["occurred_at"][0].startswith(message)
    assert Interaction.objects.count() == before
    body["occurred_at"] = "1970-01-01T00:00:00Z"
    answer = api.post(url, body)
    assert answer.status_code == 201, answer.content[:200]
    assert answer.json()["occurred_at"].startswith("1970-01-01T01:00:00+01:00")


def test_a_nul_in_the_customer_search_is_a_400_that_names_it(api, agent):
    api.force_authenticate(agent)
    response = api.get("/api/customers/?search=a%00b", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"search": ["Null characters are not allowed."]}


def test_a_bare_list_of_messages_becomes_non_field_errors():
    from rest_framework.exceptions import ValidationError

    from config.exceptions import exception_handler

    response = exception_handler(ValidationError(["Nope."]), {})
    assert response is not None
    assert response.data == {"non_field_errors": ["Nope."]}


def test_the_refusals_found_as_admin_are_documented(schema):
    paths = schema["paths"]
    assert "400" in paths["/api/root-cause-reports/"]["get"]["responses"]  # page_size
    assert "409" in paths["/api/customers/{id}/"]["patch"]["responses"]  # erased customer
    for path, item in paths.items():
        if path == "/api/auth/token/":
            continue  # the login, which also reads a login form as DRF's did (documented so)
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {})
            if path == "/api/complaints/{reference}/attachments/":  # files: multipart only
                assert set(body) <= {"multipart/form-data"}, (method, path)
                continue
            assert set(body) <= {"application/json"}, (method, path)


def test_a_blank_group_is_refused_not_read_as_a_new_group(api, quality):
    from complaints.models import RootCause

    api.force_authenticate(quality)
    before = RootCause.objects.count()
    body = {"group": "", "code": "x-new", "name_nl": "Nieuw", "name_en": "New"}
    response = api.post("/api/taxonomy/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:200]
    assert response.json() == {"group": ["This field may not be blank."]}
    assert RootCause.objects.count() == before


@pytest.mark.parametrize("owner", ["", "5", True])
def test_a_user_id_is_a_json_number(api, agent, owner):
    from tests.factories import make_complaint

    complaint = make_complaint(owner=agent)
    api.force_authenticate(agent)
    body = {"to_user": owner, "reason": "Vakantie"}
    response = api.post(f"/api/complaints/{complaint.reference}/transfer/", body)
    assert response.status_code == 400, response.content[:200]
    assert list(response.json()) == ["to_user"]
    complaint.refresh_from_db()
    assert complaint.owner == agent
