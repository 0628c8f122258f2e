"""Snapshots of every complaints table, so a test can prove a refusal wrote nothing at all."""

from __future__ import annotations

from typing import Any

from django.apps import apps

Rows = dict[str, dict[Any, dict[str, Any]]]


def db_snapshot() -> Rows:
    """Every row of every model of the complaints app: ``{model label: {pk: field values}}``.

    Covers complaints (every field, timestamps included), the triad step tables, events,
    interactions, transfers, reference counters, customers and root causes.
    """
    snapshot: Rows = {}
    for model in apps.get_app_config("complaints").get_models():
        pk = model._meta.pk.attname
        snapshot[model._meta.label] = {
            row[pk]: row for row in model._default_manager.order_by("pk").values()
        }
    return snapshot


def db_changes(before: Rows, after: Rows) -> dict[str, dict[str, Any]]:
    """What changed between two snapshots, for the models that changed only.

    ``{"complaints.Complaint": {"added": [rows], "removed": [pks], "changed": {pk: {fields}}}}``
    """
    changes: dict[str, dict[str, Any]] = {}
    for label in before.keys() | after.keys():
        old, new = before.get(label, {}), after.get(label, {})
        added = [new[pk] for pk in sorted(new.keys() - old.keys())]
        removed = sorted(old.keys() - new.keys())
        changed = {
            pk: {field for field in new[pk] if new[pk][field] != old[pk].get(field)}
            for pk in new.keys() & old.keys()
            if new[pk] != old[pk]
        }
        if added or removed or changed:
            changes[label] = {"added": added, "removed": removed, "changed": changed}
    return changes
