"""``manage.py seed_demo``: demo users for every role and complaints from the source stories."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from common.errors import DomainError, InvalidData
from complaints.demo import (
    DEMO_PASSWORD,
    DemoResult,
    demo_complaints,
    demo_seed,
    demo_stage_counts,
)
from complaints.demo.history import history_summary
from complaints.demo.people import PEOPLE
from complaints.states import Stage


def _both(label: Any) -> str:
    """A lazily translated label in English and Dutch: "Received / Ontvangen"."""
    with translation.override("en"):
        english = str(label)
    with translation.override("nl"):
        dutch = str(label)
    return english if english == dutch else f"{english} / {dutch}"


class Command(BaseCommand):
    help = (
        "Fill the database with demo users (every role, one shared password) and complaints "
        "from the source stories in every stage. Safe to run again: what exists is kept."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"Password for the demo users it creates (default: {DEMO_PASSWORD}).",
        )

    def handle(self, *args: Any, password: str, **options: Any) -> None:
        if not password.strip():
            raise CommandError("Give a non-empty --password.")
        try:
            result = demo_seed(password=password)
        except DomainError as exc:
            details = (
                {field: [str(m) for m in messages] for field, messages in exc.errors.items()}
                if isinstance(exc, InvalidData)
                else ""
            )
            raise CommandError(
                f"The demo could not be seeded: {exc.message} {details} (a user with a demo "
                "username may exist without the demo role; the stories seeded so far are kept)."
            ) from exc
        self.stdout.write("\n".join(self._summary(result, password=password)))

    def _summary(self, result: DemoResult, *, password: str) -> list[str]:
        lines = ["Klachtwijzer demo data / demodata"]
        if not result.created_anything:
            lines.append(
                "  The demo data already exists; nothing was created. "
                "/ De demodata bestaat al; er is niets aangemaakt."
            )
        lines += [
            f"  Users / gebruikers:     {len(result.users_created):>2} created (aangemaakt), "
            f"{len(result.users_existing)} already present (bestonden al, ongewijzigd)",
            f"  Complaints / klachten:  {len(result.complaints_created):>2} created (aangemaakt), "
            f"{result.stories_existing} already present (bestonden al)",
            f"  History / geschiedenis: {result.history_created:>3} complaints created (klachten "
            f"aangemaakt), {result.history_existing} already present (bestonden al)",
            f"  Corrective actions / verbeteracties: {len(result.actions_created)} created "
            "(aangemaakt)",
            "  Root-cause report / oorzakenrapport: "
            + (
                f"{result.report_created} created (aangemaakt)"
                if result.report_created
                else "already present or not needed (bestond al of niet nodig)"
            ),
            f"  Due jobs handled / afgehandelde taken: {result.jobs_dispatched} (reminders, broken "
            "promises, deadlines / herinneringen, verbroken beloftes, termijnen)",
            "",
            "Logins / inloggegevens",
            f"  {'username':<11} {'role / rol':<36} {'name / naam':<22} password / wachtwoord",
        ]
        created = {user.pk for user in result.users_created}
        users = {
            user.username: user
            for user in User.objects.filter(username__in=[p.username for p in PEOPLE])
            .select_related("team")
            .prefetch_related("groups")
        }
        for person in PEOPLE:
            user = users.get(person.username)
            if user is None:
                continue
            roles = ", ".join(_both(role.label) for role in user.roles) or "-"
            if user.pk in created or user.check_password(password):
                shown = password
            else:
                shown = "(changed / gewijzigd)"
            lines.append(f"  {user.username:<11} {roles:<36} {user.get_full_name():<22} {shown}")

        counts = demo_stage_counts()
        lines += ["", "Complaints per stage / klachten per fase"]
        for stage in Stage:
            lines.append(f"  {stage.value:<11} {_both(stage.label):<36} {counts[stage.value]:>3}")
        lines.append(f"  {'total / totaal':<48} {sum(counts.values()):>3}")

        summary = history_summary()
        lines += [
            "",
            "History of the last four months / geschiedenis van de laatste vier maanden",
            "  Complaints per stage / klachten per fase: "
            + ", ".join(f"{stage} {n}" for stage, n in summary.stages.items() if n),
            f"  Callback promises / terugbelafspraken: {summary.kept} kept (nagekomen), "
            f"{summary.unreachable} customer unreachable (klant onbereikbaar), "
            f"{summary.broken} broken (verbroken): keeping rate / nakomingspercentage "
            + (f"{summary.rate:.0%}" if summary.rate is not None else "-"),
            f"  Follow-ups / nazorg: {summary.completed} completed (gedaan), {summary.waived} "
            f"waived (overgeslagen), {summary.scheduled} still to come (nog te doen)",
        ]

        lines += ["", "Demo complaints / demoklachten"]
        for complaint in demo_complaints():
            lines.append(
                f"  {complaint.reference}  {complaint.stage:<11} {complaint.owner.username:<8} "
                f"{complaint.subject}"
            )
        return lines
