"""Script typed into the form is shown as text everywhere: the agent's page, the status page,
the acknowledgement email and a goodwill letter."""

from __future__ import annotations

import pytest
from django.test import Client

from complaints.coulance.letters import render_html
from complaints.models import Complaint, CoulanceLetter, CoulanceRequest, OutgoingEmail
from tests.public.conftest import form_data

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_script_in_every_field_is_shown_as_text(client: Client, agent) -> None:
    response = client.post(
        "/complaint/",
        form_data(name=f"Jan {SCRIPT}", what_happened=f"Kapot {SCRIPT}", wish=f"Geld {SCRIPT}"),
    )
    complaint = Complaint.objects.get(channel="web_form")
    assert complaint.customer.name == f"Jan {SCRIPT}"  # kept as typed

    status = client.get(response["Location"]).content.decode()
    assert SCRIPT not in status
    assert ESCAPED in status

    message = client.post(response["Location"].split("?")[0], {"summary": SCRIPT, "website": ""})
    assert SCRIPT not in client.get(message["Location"]).content.decode()

    email = OutgoingEmail.objects.get(key=f"acknowledgement:{complaint.pk}")
    assert SCRIPT not in email.body_html
    assert ESCAPED in email.body_html

    client.force_login(agent)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert SCRIPT not in page
    assert ESCAPED in page

    letter = CoulanceLetter(
        request=CoulanceRequest(complaint=complaint),
        subject=complaint.subject,
        body=f"Geachte {complaint.customer.name},",
        language="en",
        version=1,
    )
    html = render_html(letter)
    assert SCRIPT not in html
    assert ESCAPED in html
