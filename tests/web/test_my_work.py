"""My work: the agent's own open complaints by stage, most urgent first, with search and filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.states import Stage
from tests.factories import CustomerFactory, advance, make_complaint, root_cause
from tests.web.conftest import HTMX, badges


def row_of(page: str, reference: str) -> str:
    """The table row that shows ``reference``."""
    return next(row for row in page.split("<tr")[1:] if reference in row).split("</tr>")[0]


def test_login_is_required(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_shows_my_open_complaints_grouped_by_stage_with_counts(client_as, agent):
    received = make_complaint(owner=agent, subject="Pakket nooit aangekomen")
    understood = advance(
        make_complaint(owner=agent, subject="Factuur te hoog"), to=Stage.UNDERSTOOD
    )
    closed = advance(make_complaint(owner=agent, subject="Al klaar"), to=Stage.CLOSED)

    page = client_as(agent).get(reverse("home")).content.decode()

    section_received = page.split('id="stage-received"')[1].split("</section>")[0]
    section_understood = page.split('id="stage-understood"')[1].split("</section>")[0]
    assert received.reference in section_received
    assert understood.reference in section_understood
    assert understood.reference not in section_received
    assert closed.reference not in page  # only open complaints by default
    assert 'data-stage="received">1<' in page
    assert 'data-stage="understood">1<' in page
    assert 'data-stage="solving">0<' in page


def test_overdue_and_due_today_come_first(client_as, agent):
    now = timezone.now()
    later = make_complaint(owner=agent, subject="Later", received_at=now - timedelta(hours=1))
    overdue = make_complaint(
        owner=agent, subject="Te laat", priority="urgent", received_at=now - timedelta(days=2)
    )
    page = client_as(agent).get(reverse("home")).content.decode()
    assert page.index(overdue.reference) < page.index(later.reference)
    # Urgent: acknowledged within 2 h, resolved within 24 h; normal: 24 h and 14 days.
    assert badges(row_of(page, overdue.reference)) == [
        "acknowledge: 46 h over",
        "resolve: 24 h over",
    ]
    assert badges(row_of(page, later.reference)) == ["acknowledge: in 22 h", "resolve: in 14 days"]


def test_shows_only_my_complaints_unless_asked_for_everything_i_may_see(
    client_as, agent, other_agent, outsider
):
    mine = make_complaint(owner=agent)
    colleague = make_complaint(owner=other_agent)
    stranger = make_complaint(owner=outsider)
    client = client_as(agent)

    own = client.get(reverse("home")).content.decode()
    assert mine.reference in own
    assert colleague.reference not in own

    everything = client.get(reverse("home"), {"scope": "all"}).content.decode()
    assert mine.reference in everything
    assert colleague.reference in everything  # the team's complaints are visible
    assert stranger.reference not in everything  # another team's are not


def test_search_finds_by_reference_customer_name_and_subject(client_as, agent):
    jansen = make_complaint(owner=agent, customer=CustomerFactory(name="Wim Jansen"))
    router = make_complaint(owner=agent, subject="Router valt steeds uit")
    client = client_as(agent)

    def found(q: str) -> str:
        return client.get(reverse("home"), {"q": q}).content.decode()

    assert jansen.reference in found("jansen")
    assert router.reference not in found("jansen")
    assert router.reference in found("router")
    assert jansen.reference not in found("router")
    assert jansen.reference in found(jansen.reference)
    assert router.reference not in found(jansen.reference)


def test_filters_match_the_api(client_as, agent):
    now = timezone.now()
    email = make_complaint(owner=agent, channel="email", priority="high")
    phone = make_complaint(owner=agent, channel="phone", received_at=now - timedelta(days=10))
    solving = advance(make_complaint(owner=agent, channel="chat"), to=Stage.SOLVING)
    resolved = advance(make_complaint(owner=agent, channel="chat"), to=Stage.RESOLVED)
    client = client_as(agent)

    def refs(**params: object) -> set[str]:
        page = client.get(reverse("home"), params).content.decode()
        candidates = [email, phone, solving, resolved]
        return {c.reference for c in candidates if c.reference in page}

    assert refs(channel="email") == {email.reference}
    assert refs(priority="high") == {email.reference}
    assert refs(stage="solving") == {solving.reference}
    assert refs(stage=["resolved", "solving"]) == {solving.reference, resolved.reference}
    assert refs(root_cause=root_cause().pk, stage="resolved") == {resolved.reference}
    # Received ten days ago and never acknowledged: past the acknowledge deadline.
    assert refs(overdue="true") == {phone.reference}
    today = timezone.localdate()
    assert refs(received_after=today.isoformat()) == {email.reference, solving.reference}
    old = (today - timedelta(days=5)).isoformat()
    assert refs(received_before=old) == {phone.reference}


def test_an_invalid_filter_is_explained_and_left_out(client_as, agent):
    mine = make_complaint(owner=agent)
    page = client_as(agent).get(reverse("home"), {"received_after": "gisteren"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Enter a valid date." in content
    assert mine.reference in content


def test_htmx_search_returns_only_the_results(client_as, agent):
    mine = make_complaint(owner=agent)
    response = client_as(agent).get(reverse("home"), {"q": mine.reference}, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="work-results"')
    assert "<html" not in content
    assert mine.reference in content


def test_htmx_history_restore_gets_the_whole_page(client_as, agent):
    response = client_as(agent).get(reverse("home"), **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_speaks_dutch_for_a_dutch_user(client_as, agent):
    make_complaint(owner=agent)
    page = client_as(agent, language="nl").get(reverse("home")).content.decode()
    assert "Mijn werk" in page
    assert "Nieuwe klacht" in page
    assert "Ontvangen" in page


def test_query_count_does_not_grow_with_the_number_of_complaints(
    client_as, agent, other_agent, django_assert_max_num_queries
):
    client = client_as(agent)
    advance(make_complaint(owner=agent), to=Stage.APOLOGISED)
    make_complaint(owner=other_agent)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("home"), {"scope": "all"})
    first = len(few)  # count now: the next request outside the block resets the query log
    for n in range(12):
        complaint = make_complaint(owner=agent if n % 2 else other_agent)
        if n % 3 == 0:
            advance(complaint, to=Stage.SOLVING)
    with django_assert_max_num_queries(first):
        page = client.get(reverse("home"), {"scope": "all"})
    assert page.content.decode().count('<a href="/complaints/KL-') == 14


@pytest.mark.parametrize(("language", "text"), [("en", "My work"), ("nl", "Mijn werk")])
def test_login_lands_on_my_work(client, agent, language, text):
    agent.language = language
    agent.save()
    response = client.post(
        reverse("login"), {"username": "anna", "password": "secret-pass-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert f"<h1>{text}</h1>" in response.content.decode()
