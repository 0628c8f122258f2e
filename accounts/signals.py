"""Signals accounts sends for other apps to act on."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once a change that can alter who approves goodwill gestures has been committed: a user's
# approval limit, role, active flag, team or manager above, a team's manager, a user deleted.
# Arguments: ``actor`` (the user who made the change, or None).
approvers_changed = Signal()
