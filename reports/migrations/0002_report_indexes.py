"""Indexes for the report's period filters on the complaints app's tables.

They serve only the reports, so they live with them (raw SQL, no model state): complaints
resolved in a period, a cause's complaints by received moment (a corrective action's effect),
promises due, follow-ups ended and goodwill gestures decided in a period.
"""

from django.db import migrations

INDEXES = [
    ("report_complaint_resolved", "complaints_complaint", "resolved_at"),
    ("report_complaint_cause_received", "complaints_complaint", "root_cause_id, received_at"),
    ("report_promise_due", "complaints_callbackpromise", "due_at"),
    ("report_followup_ended", "complaints_followup", "ended_at"),
    ("report_coulance_decided", "complaints_coulancerequest", "decided_at"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_corrective_actions_and_reports"),
        ("complaints", "0005_promises_follow_ups_scheduling"),
    ]
    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
