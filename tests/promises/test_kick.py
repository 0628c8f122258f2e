"""The after-commit kick: one broker message per second per process, sent for a second later."""

from __future__ import annotations

from typing import Any

import pytest

from complaints.scheduling import outbox, tasks


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What reaches the broker, and the real kick (this folder's other tests send inline)."""
    messages: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.send_outbox, "apply_async", lambda **kw: messages.append(kw))
    monkeypatch.setattr(outbox, "kick_sender", KICK)
    monkeypatch.setattr(outbox, "_last_kick", -1e9)
    return messages


KICK = outbox.kick_sender


def test_kicks_within_the_delay_share_one_message_sent_for_after_them(sent):
    for _ in range(5):
        outbox.kick_sender()
    assert sent == [{"countdown": outbox.KICK_DELAY_SECONDS}]


def test_a_kick_after_the_skip_window_sends_again(sent, monkeypatch):
    outbox.kick_sender()
    monkeypatch.setattr(outbox, "_last_kick", outbox._last_kick - outbox.KICK_DELAY_SECONDS)
    outbox.kick_sender()
    assert len(sent) == 2


def test_a_failed_kick_is_not_counted(sent, monkeypatch):
    def broker_down(**kw: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_outbox, "apply_async", broker_down)
    outbox.kick_sender()  # logged, not raised
    monkeypatch.setattr(tasks.send_outbox, "apply_async", lambda **kw: sent.append(kw))
    outbox.kick_sender()
    assert sent == [{"countdown": outbox.KICK_DELAY_SECONDS}]
