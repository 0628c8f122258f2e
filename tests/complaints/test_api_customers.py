"""Customers over the API: register (reachable, unique number), find, correct; quality reads."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from complaints.models import Customer
from tests.factories import CustomerFactory, make_complaint


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    return response.json()


def test_register_a_customer_with_an_email_address(api_as, agent):
    response = api_as(agent).post(
        "/api/customers/",
        {"name": "Joke de Vries", "email": "joke@example.nl", "customer_number": "C-1001"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Joke de Vries"
    assert body["language"] == "nl"
    customer = Customer.objects.get(pk=body["id"])
    assert (customer.email, customer.customer_number) == ("joke@example.nl", "C-1001")


def test_register_a_customer_with_only_a_phone_number(api_as, agent):
    response = api_as(agent).post(
        "/api/customers/",
        {"name": "Kees Bakker", "phone": "+31 20 123 4567", "language": "en"},
        format="json",
    )
    assert response.status_code == 201
    assert Customer.objects.get().phone == "+31 20 123 4567"


def test_a_customer_we_cannot_reach_is_refused(api_as, agent):
    response = api_as(agent).post("/api/customers/", {"name": "Anoniem"}, format="json")

    assert set(_errors(response)) == {"email"}
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "joke@example.nl"}, "name"),
        ({"name": "Joke", "email": "geen-adres"}, "email"),
        ({"name": "Joke", "email": "joke@example.nl", "language": "fr"}, "language"),
    ],
)
def test_invalid_customer_data_is_400_on_the_field(api_as, agent, body, field):
    response = api_as(agent).post("/api/customers/", body, format="json")
    assert field in _errors(response)
    assert not Customer.objects.exists()


def test_a_duplicate_customer_number_is_refused(api_as, agent):
    CustomerFactory(customer_number="C-1001")

    response = api_as(agent).post(
        "/api/customers/",
        {"name": "Tweede", "email": "tweede@example.nl", "customer_number": "C-1001"},
        format="json",
    )

    assert response.status_code == 400
    assert Customer.objects.filter(customer_number="C-1001").count() == 1


def test_a_duplicate_customer_number_is_reported_on_that_field(api_as, agent):
    CustomerFactory(customer_number="C-1001")
    response = api_as(agent).post(
        "/api/customers/",
        {"name": "Tweede", "email": "tweede@example.nl", "customer_number": "C-1001"},
        format="json",
    )
    assert set(_errors(response)) == {"customer_number"}


def test_customers_without_a_number_may_be_many(api_as, agent):
    client = api_as(agent)
    for name in ("Een", "Twee"):
        body = {"name": name, "email": f"{name.lower()}@example.nl", "customer_number": ""}
        assert client.post("/api/customers/", body, format="json").status_code == 201
    assert Customer.objects.filter(customer_number="").count() == 2


@pytest.fixture
def customers(agent: User) -> dict[str, Any]:
    """Three customers; Pieter Jansen has a complaint of ``agent``'s (so the agent may read and
    correct his details), the other two none."""
    found = {
        "jansen": CustomerFactory(
            name="Pieter Jansen", email="p.jansen@example.nl", customer_number="C-2001"
        ),
        "janssen": CustomerFactory(
            name="Marloes Janssen", email="marloes@example.nl", customer_number="C-2002"
        ),
        "bakker": CustomerFactory(
            name="Kees Bakker", email="kees@bakkerij.nl", customer_number="C-20010"
        ),
    }
    make_complaint(owner=agent, customer=found["jansen"])
    return found


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("jans", {"jansen", "janssen"}),
        ("Janssen", {"janssen"}),
        ("bakkerij", {"bakker"}),
        ("C-2001", {"jansen"}),  # customer numbers match exactly, not C-20010 too
        ("onbekend", set()),
    ],
)
def test_search_finds_customers_by_name_email_or_number(api_as, agent, customers, search, expected):
    response = api_as(agent).get("/api/customers/", {"search": search})

    assert response.status_code == 200
    assert {c["id"] for c in response.json()["results"]} == {
        customers[name].pk for name in expected
    }


def test_correct_a_customers_details(api_as, agent, customers):
    customer = customers["jansen"]

    response = api_as(agent).patch(
        f"/api/customers/{customer.pk}/",
        {"email": "pieter@jansen.nl", "language": "en", "reason": "Nieuw adres, zegt de klant"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["email"] == "pieter@jansen.nl"
    customer.refresh_from_db()
    assert (customer.email, customer.language, customer.name) == (
        "pieter@jansen.nl",
        "en",
        "Pieter Jansen",
    )


def test_a_correction_with_a_bad_email_changes_nothing(api_as, agent, customers):
    customer = customers["jansen"]
    response = api_as(agent).patch(
        f"/api/customers/{customer.pk}/", {"email": "geen-adres"}, format="json"
    )
    assert "email" in _errors(response)
    customer.refresh_from_db()
    assert customer.email == "p.jansen@example.nl"


def test_a_correction_cannot_leave_the_customer_unreachable(api_as, agent, customers):
    customer = customers["jansen"]
    response = api_as(agent).patch(
        f"/api/customers/{customer.pk}/", {"email": "", "phone": ""}, format="json"
    )
    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.email == "p.jansen@example.nl"


def test_customers_are_not_replaced_whole(api_as, agent, customers):
    customer = customers["jansen"]
    response = api_as(agent).put(
        f"/api/customers/{customer.pk}/", {"name": "Ander", "email": "a@b.nl"}, format="json"
    )
    assert response.status_code == 405
    customer.refresh_from_db()
    assert customer.name == "Pieter Jansen"


def test_quality_may_view_customers(api_as, quality, customers):
    client = api_as(quality)
    listed = client.get("/api/customers/", {"search": "example.nl"})
    assert listed.status_code == 200
    assert {c["name"] for c in listed.json()["results"]} == {"Pieter Jansen", "Marloes Janssen"}
    # Quality sees every complaint, so every customer's details, even without a complaint.
    one = client.get(f"/api/customers/{customers['bakker'].pk}/")
    assert one.status_code == 200
    assert one.json()["customer_number"] == "C-20010"


def test_quality_may_not_register_customers(api_as, quality):
    response = api_as(quality).post(
        "/api/customers/", {"name": "Joke de Vries", "email": "joke@example.nl"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Customer.objects.exists()


def test_quality_may_not_correct_customers(api_as, quality, customers):
    customer = customers["jansen"]
    response = api_as(quality).patch(
        f"/api/customers/{customer.pk}/", {"name": "Gewijzigd"}, format="json"
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Pieter Jansen"


def test_correcting_a_customer_of_another_teams_complaint_is_404(api_as, outsider, customers):
    customer = customers["jansen"]
    response = api_as(outsider).patch(
        f"/api/customers/{customer.pk}/", {"name": "Gewijzigd"}, format="json"
    )
    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.name == "Pieter Jansen"
