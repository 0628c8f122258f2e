from __future__ import annotations

from complaints.models import ComplaintEvent
from complaints.states import Stage
from tests.factories import advance, make_complaint


def test_complaint_walks_the_triad_to_closed(agent):
    complaint = make_complaint(owner=agent)
    assert complaint.reference.startswith("KL-")
    complaint = advance(complaint, to=Stage.CLOSED)
    assert complaint.stage == Stage.CLOSED
    assert list(
        ComplaintEvent.objects.filter(complaint=complaint).values_list("to_stage", flat=True)
    ) == [
        "received",
        "understood",
        "apologised",
        "solving",
        "resolved",
        "",  # the follow-up, completed: closing waits for it
        "closed",
    ]
