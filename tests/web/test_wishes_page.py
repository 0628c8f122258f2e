"""The solve step's form offers the real human wishes; the step shows those served by name."""

from __future__ import annotations

from django.urls import reverse

from complaints.models import SolutionStep
from complaints.states import Stage
from tests.factories import advance, make_complaint
from tests.web.test_complaint_page import form_data, step_url


def test_the_page_offers_them_and_shows_them_by_name(client_as, agent):
    apologised = advance(make_complaint(owner=agent), to=Stage.APOLOGISED)
    client = client_as(agent, language="en")

    client.post(step_url(apologised, "solve"), form_data("solve", wishes=["convenience"]))
    page = client.get(reverse("complaint-page", args=[apologised.reference])).content.decode()

    assert SolutionStep.objects.get(complaint=apologised).wishes == ["convenience"]
    assert "Wishes served" in page
    assert "Convenience" in page
