"""The goodwill letter as the customer reads it: written in the company's voice from what was
written for the customer (never the agent's notes), in the seeds' structure, reviewed for what
reads as notes, and binding the complaint's liability once sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from complaints import workflow
from complaints.coulance import letter_services, letters, review, selectors
from complaints.coulance import services as coulance
from complaints.models import Complaint, CoulanceLetter
from complaints.states import Stage, Transition
from complaints.tasks import send_coulance_letter
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.coulance.conftest import ask
from tests.factories import CustomerFactory, advance, make_complaint, root_cause, step_data

# The agent's notes of each step: none of them may reach the letter.
NOTES = {
    "acknowledgement": "Klant erg boos, dreigt met de Consumentenbond.",
    "apology": "Sorry gezegd, klant accepteerde het half.",
    "facts_summary": "Bundel sinds 2010 actief; nooit gebruikt volgens ons systeem.",
    "next_steps": "Ik zet de incasso stop en bel de klant morgen.",
    "resolution_summary": "Incasso gestopt, drie maanden terug.",
}
SUBJECT = "Drie jaar betaald voor ongebruikt internet"


def worked_complaint(agent: User, *, language: str, **for_customer: str) -> Complaint:
    """A complaint worked through the triad with ``NOTES`` (and, when given, the words for
    the customer of each step), resolved as not liable."""
    customer = CustomerFactory(name="Jan Evers", email="jan@example.nl", language=language)
    complaint = make_complaint(owner=agent, customer=customer, subject=SUBJECT)
    complaint = workflow.understand(
        complaint,
        actor=agent,
        emotion="angry",
        intensity=4,
        acknowledgement=NOTES["acknowledgement"],
        acknowledgement_for_customer=for_customer.get("acknowledgement", ""),
    )
    complaint = workflow.apologise(
        complaint,
        actor=agent,
        apology=NOTES["apology"],
        apology_for_customer=for_customer.get("apology", ""),
    )
    complaint = workflow.solve(
        complaint,
        actor=agent,
        facts_summary=NOTES["facts_summary"],
        next_steps=NOTES["next_steps"],
        next_steps_for_customer=for_customer.get("next_steps", ""),
        promised_at=timezone.now() + timedelta(days=1),
    )
    return workflow.run(
        Transition.RESOLVE,
        complaint,
        actor=agent,
        **step_data("resolve") | {"resolution_summary": NOTES["resolution_summary"]},
    )


def draft(complaint: Complaint, agent: User, manager: User, **request: Any) -> CoulanceLetter:
    approved = coulance.coulance_request_approve(
        coulance_request=ask(complaint, agent, **request), actor=manager
    )
    letter = selectors.coulance_letter_current(coulance_request=approved)
    assert letter is not None
    return letter


def paragraphs(body: str) -> list[str]:
    return [part.strip() for part in body.split("\n\n") if part.strip()]


# --- Written, not assembled -----------------------------------------------------------------------

GESTURES = {
    "nl": {
        "refund": "een terugbetaling ter waarde van € 25,00",
        "credit": "een creditering op uw volgende factuur ter waarde van € 25,00",
        "voucher": "een waardebon ter waarde van € 25,00",
        "free_service": "een gratis service ter waarde van € 25,00",
        "small_gift": "een kleine attentie ter waarde van € 25,00",
        "other": "twee bioscoopkaartjes ter waarde van € 25,00",
    },
    "en": {
        "refund": "a refund worth €25.00",
        "credit": "a credit on your next invoice worth €25.00",
        "voucher": "a voucher worth €25.00",
        "free_service": "a free service worth €25.00",
        "small_gift": "a small gift worth €25.00",
        "other": "two cinema tickets worth €25.00",
    },
}
# The letter's paragraphs in the seeds' order, by how each one begins.
STRUCTURE = {
    "nl": [
        "Geachte Jan Evers,",
        "Op ",  # what the complaint was about
        "Wij begrijpen goed dat u hierover boos was. Het spijt ons",  # understanding, sorry
        "Wij hebben uw klacht zorgvuldig bekeken",  # what we did
        "Voor wat er is gebeurd zijn wij niet aansprakelijk.",  # the gesture, goodwill
        "Wij hopen dat wij u hiermee tegemoet zijn gekomen",  # looking forward
        "Met vriendelijke groet,",
    ],
    "en": [
        "Dear Jan Evers,",
        "On ",
        "We understand that this made you angry. We are sorry",
        "We have looked into your complaint carefully",
        "We are not liable for what happened.",
        "We hope this goes some way towards putting things right",
        "Kind regards,",
    ],
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", list(GESTURES["nl"]))
def test_each_kind_gets_a_written_letter_without_the_notes(agent, manager, language, kind):
    complaint = worked_complaint(agent, language=language)
    description = {"nl": "twee bioscoopkaartjes", "en": "two cinema tickets"}[language]
    letter = draft(complaint, agent, manager, kind=kind, description=description)
    body = letter.body

    parts = paragraphs(body)
    assert [
        next(p for p in parts if p.startswith(start))[: len(start)] for start in STRUCTURE[language]
    ] == STRUCTURE[language]
    starts = [next(i for i, p in enumerate(parts) if p.startswith(s)) for s in STRUCTURE[language]]
    assert starts == sorted(starts)  # in the seeds' order
    assert GESTURES[language][kind] in body
    assert SUBJECT in parts[1]
    for note in NOTES.values():
        assert note not in body
    assert ": " not in body.replace("Geachte", "")  # nothing pasted after a colon
    assert letter.body.rstrip().endswith(f"{agent}\nKlachtwijzer")
    # The template itself passes its own review.
    assert letters.review_draft(letter) == ([], [])


def test_the_dates_and_amounts_are_in_the_customers_language(agent, director):
    written = {}
    for language in ("nl", "en"):
        case = worked_complaint(agent, language=language)
        Complaint.objects.filter(pk=case.pk).update(
            received_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        )
        case.refresh_from_db()
        written[language] = draft(case, agent, director, amount="987.5", kind="credit").body

    assert "Op 2 maart 2026 ontvingen wij uw klacht" in written["nl"]
    assert "creditering op uw volgende factuur ter waarde van € 987,50" in written["nl"]
    # Day before month in English too (the company writes from Europe), no "Mar. 2, 2026".
    assert "On 2 March 2026 we received your complaint" in written["en"]
    assert "a credit on your next invoice worth €987.50" in written["en"]


def test_the_customers_own_words_are_used_where_the_agent_gave_them(agent, manager):
    words = {
        "acknowledgement": "Wij begrijpen dat het u veel tijd heeft gekost om dit uit te zoeken.",
        "apology": "Het spijt ons dat wij u zo lang hebben laten betalen.",
        "next_steps": "Wij hebben de incasso stopgezet en uw bundel opgezegd.",
    }
    complaint = worked_complaint(agent, language="nl", **words)
    body = draft(complaint, agent, manager).body

    for text in words.values():
        assert text in body
    assert "Wij begrijpen goed dat u hierover boos was." not in body  # replaced, not added
    assert "op een rij gezet" not in body
    for note in NOTES.values():
        assert note not in body


@pytest.mark.parametrize(
    ("emotion", "language", "sentence"),
    [
        ("anxious", "nl", "Wij begrijpen dat dit u zorgen heeft gebaard."),
        ("disappointed", "en", "We understand that this disappointed you."),
        ("neutral", "nl", "Wij begrijpen dat dit voor u niet prettig was."),
    ],
)
def test_without_words_for_the_customer_the_emotion_chooses_the_sentence(
    agent, manager, emotion, language, sentence
):
    customer = CustomerFactory(name="Jan Evers", email="jan@example.nl", language=language)
    complaint = make_complaint(owner=agent, customer=customer)
    complaint = workflow.understand(
        complaint, actor=agent, emotion=emotion, intensity=2, acknowledgement="Notitie."
    )
    complaint = advance(complaint, to=Stage.RESOLVED)

    body = draft(complaint, agent, manager).body

    assert sentence in body
    assert "Notitie." not in body


def test_emoji_and_shouting_marks_stay_out_of_the_draft(agent, manager):
    complaint = worked_complaint(agent, language="en")
    complaint.subject = "Printer broken again!!! 😡😡"
    complaint.save(update_fields=["subject"])

    letter = draft(
        complaint, agent, manager, customer_contribution="You sent us photos right away 👍."
    )

    assert "“Printer broken again!”" in letter.body
    assert "You sent us photos right away." in letter.body
    assert not any(review.is_emoji(char) for char in letter.body + letter.subject)


# --- The review -----------------------------------------------------------------------------------


def _warnings(text: str, language: str = "nl", **kwargs: Any) -> list[str]:
    closing = {"nl": "Wij zien uit naar een plezierige samenwerking.", "en": "We look forward."}
    return review.warnings(f"{text}\n\n{closing[language]}", language=language, **kwargs)


def test_a_clean_text_has_no_warnings():
    text = "Geachte Jan Evers,\n\nWij begrijpen dat dit vervelend was. Het spijt ons."
    assert _warnings(text, customer_name="Jan Evers") == []


@pytest.mark.parametrize(
    ("language", "text", "warning"),
    [
        ("nl", "Het spijt ons 😡.", "Emoji in a formal letter: 😡. Leave them out."),
        ("en", "Sorry!!", "Informal words or marks: “!!”."),
        ("nl", "Hoi Jan, sorry :)", "Informal words or marks: “:)”, “hoi”."),
        (
            "nl",
            "Wij vinden het vervelend en ik zet de incasso stop.",
            "“I” inside a sentence in the company's voice (“we”): “Wij vinden het vervelend",
        ),
        (
            "en",
            "We are sorry, and I will call you tomorrow.",
            "“I” inside a sentence in the company's voice (“we”): “We are sorry",
        ),
        (
            "nl",
            "Wij hebben de printer van de klant gerepareerd.",
            "The customer named in the third person (“klant”)",
        ),
        (
            "en",
            "We repaired the customer's printer.",
            "The customer named in the third person (“customer's”)",
        ),
    ],
)
def test_what_reads_as_notes_is_warned_about(language, text, warning):
    found = _warnings(text, language)
    assert len(found) == 1, found
    assert found[0].startswith(warning)


def test_the_customers_name_outside_the_salutation_and_a_long_sentence_are_warned_about():
    long = "Wij hebben " + " ".join(["alles"] * 40) + " gedaan."
    found = _warnings(
        f"Geachte Jan Evers,\n\nJan Evers belde ons op maandag. {long}", customer_name="Jan Evers"
    )

    assert found[0].startswith("The customer named in the third person (“Jan Evers”)")
    assert found[1].startswith("A sentence of 43 words: “Wij hebben alles")
    assert len(found) == 2


def test_a_letter_without_looking_forward_is_warned_about_but_not_refused():
    found = review.warnings("Geachte Jan,\n\nHet spijt ons.", language="nl")
    assert found == [
        "The letter no longer says that we look forward to a pleasant relationship "
        "(“plezierige samenwerking”), as the seeds of coulance ask."
    ]


def test_warnings_do_not_block_sending(agent, manager, django_capture_on_commit_callbacks):
    letter = draft(worked_complaint(agent, language="nl"), agent, manager)
    letter = letter_services.coulance_letter_update(
        letter=letter, actor=agent, body=letter.body.replace("Wij begrijpen", "Ik begrijp 😊")
    )
    missing, warnings = letters.review_draft(letter)
    assert missing == []
    assert len(warnings) >= 1

    with django_capture_on_commit_callbacks():
        sent = letter_services.coulance_letter_send(letter=letter, actor=agent)
    assert sent.status == "queued"


def test_the_letter_page_and_the_api_show_the_review(client, api_as, agent, manager):
    letter = draft(worked_complaint(agent, language="nl"), agent, manager)
    letter_services.coulance_letter_update(
        letter=letter, actor=agent, subject="Uw klacht 🙂", body="Hoi Jan, sorry!!"
    )

    client.force_login(agent)
    page = client.get(reverse("letter-page", args=[letter.pk]))
    html = page.content.decode()
    assert 'data-testid="letter-warnings"' in html
    assert "🙂" in html.split('data-testid="letter-warnings"')[1]
    assert 'data-testid="letter-missing-essentials"' in html

    client = api_as(agent)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    answer = client.get(f"/api/coulance-letters/{letter.pk}/").json()
    assert len(answer["review"]["missing"]) == 2  # the gesture and the goodwill
    assert any(w.startswith("Emoji in a formal letter: 🙂") for w in answer["review"]["warnings"])


# --- Liability stays consistent -------------------------------------------------------------------


def _sent(letter: CoulanceLetter, agent: User) -> CoulanceLetter:
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    send_coulance_letter(letter.pk)
    letter.refresh_from_db()
    assert letter.status == "sent"
    return letter


def _reopened(complaint: Complaint, agent: User) -> Complaint:
    return workflow.run(Transition.REOPEN, complaint, actor=agent, **step_data("reopen"))


def _resolve_as_liable(api: Any, complaint: Complaint) -> Any:
    data = step_data("resolve") | {"liability": "liable", "root_cause": root_cause().pk}
    return api.post(f"/api/complaints/{complaint.reference}/resolve/", data, format="json")


def test_after_a_not_liable_letter_resolving_as_liable_is_refused_through_the_api(
    api_as, agent, manager
):
    complaint = worked_complaint(agent, language="nl")
    letter = _sent(draft(complaint, agent, manager), agent)
    complaint = _reopened(complaint, agent)
    api = api_as(agent)
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    before = db_snapshot()
    refused = _resolve_as_liable(api, complaint)

    assert refused.status_code == 400
    message = refused.json()["liability"][0]
    assert message.startswith("Version 1 of the coulance letter, sent on ")
    assert "told the customer that the company is not liable" in message
    assert db_changes(before, db_snapshot()) == {}
    assert letter.request.complaint.pk == complaint.pk


def test_a_corrected_letter_sent_first_allows_resolving_as_liable(api_as, agent, manager):
    complaint = worked_complaint(agent, language="en")
    first = _sent(draft(complaint, agent, manager), agent)
    complaint = _reopened(complaint, agent)
    api = api_as(agent)
    correction = letter_services.coulance_letter_new_version(
        coulance_request=first.request, actor=agent
    )
    # Still a draft: the customer has only read version 1.
    assert _resolve_as_liable(api, complaint).status_code == 400
    corrected = first.body.replace(
        "We are not liable for what happened. Even so, we", "On reflection, we are liable, and we"
    ).replace(" It is not an admission of liability.", "")
    letter_services.coulance_letter_update(letter=correction, actor=agent, body=corrected)
    _sent(correction, agent)

    answer = _resolve_as_liable(api, complaint)

    assert answer.status_code == 200, answer.json()
    assert Complaint.objects.get(pk=complaint.pk).liability == "liable"


def test_a_draft_letter_does_not_bind_the_liability(api_as, agent, manager):
    complaint = worked_complaint(agent, language="nl")
    draft(complaint, agent, manager)  # approved, never sent
    complaint = _reopened(complaint, agent)

    assert _resolve_as_liable(api_as(agent), complaint).status_code == 200


def test_the_resolve_form_names_the_letter(client, agent, manager):
    complaint = worked_complaint(agent, language="nl")
    _sent(draft(complaint, agent, manager), agent)
    complaint = _reopened(complaint, agent)
    data = step_data("resolve") | {"liability": "liable", "root_cause": root_cause().pk}

    client.force_login(agent)
    response = client.post(
        reverse("complaint-page-step", args=[complaint.reference, "resolve"]),
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200  # the page again, with the message on the field
    html = response.content.decode()
    assert "Version 1 of the coulance letter, sent on " in html
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.SOLVING
