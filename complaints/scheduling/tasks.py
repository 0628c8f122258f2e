"""Thin Celery tasks around the dispatcher and the outbox. Each is safe to run twice, and losing
any of their messages loses nothing: the rows are the truth, and the next tick finds them."""

from __future__ import annotations

from django.conf import settings

from config.celery import app

from . import dispatch, outbox


@app.task(name="complaints.scheduling.tick", ignore_result=True)
def tick() -> None:
    """Beat's per-minute tick: start one drain per worker, and sweep the outbox."""
    expires = float(settings.SCHEDULER_TICK_SECONDS * 5)
    for _ in range(settings.SCHEDULER_FAN_OUT):
        drain.apply_async(expires=expires)
    send_outbox.apply_async(expires=expires)


@app.task(
    name="complaints.scheduling.drain",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def drain() -> int:
    """Claim and do due jobs, batch by batch (SKIP LOCKED shares them between drains)."""
    return dispatch.dispatch_due()


@app.task(
    name="complaints.scheduling.send_outbox",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_outbox() -> int:
    """Send pending emails, each at most once (see ``outbox.send_one``)."""
    return outbox.send_pending(max_seconds=float(settings.SCHEDULER_DRAIN_SECONDS))
