"""Scheduled work: due rows, the dispatcher that claims them, and the email outbox.

- ``jobs``: services write ``ScheduledJob`` rows in their own transaction (the due work).
- ``dispatch``: the per-minute dispatcher claims due rows with SKIP LOCKED, in small batches.
- ``outbox``: emails are rendered into rows and handed to the mail server at most once.
- ``tasks``: the thin Celery tasks around them (beat ticks ``complaints.scheduling.tick``).
"""
