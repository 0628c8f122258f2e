"""Mail intake benchmark: 1,000 messages (a fifth with an attachment) in a real dovecot mailbox,
imported by two workers (two processes polling the same mailbox at once).

The requirement it measures: the 1,000 messages become 1,000 complaints in under 60 s on this
machine, none lost and none twice.

Usage (from the project root)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kw_mail_bench \\
        .venv/bin/python bench/mail_bench.py [--messages 1000] [--smoke]

What it does:

1. Creates the database when it is missing and migrates it (only a database whose name
   contains "bench"). The audit trail is append-only, so earlier runs' complaints stay: this
   run's messages carry a tag of their own in the subject and go to a new mailbox.
2. Starts dovecot from a throwaway configuration (tests/mail/servers.py) and APPENDs the
   messages to a new mailbox; every fifth carries a 20 kB PDF.
3. Starts two worker processes that each poll the mailbox until nothing is unseen, and
   measures until both are done.
4. Checks: one complaint per message (by subject), one imported row per message, nothing
   quarantined, nothing left unseen.

Exit status: 0 when nothing was lost or doubled and the target was met (``--smoke``: only
nothing lost or doubled), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
# The acknowledgement emails are only queued here: their kicks go to an in-process broker.
os.environ["CELERY_BROKER_URL"] = "memory://"

TARGET_SECONDS = 60.0


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def worker(mailbox: dict[str, object]) -> None:
    """One poller: poll until the mailbox has nothing unseen."""
    import django

    django.setup()
    from collections import Counter

    from complaints.mail import imap

    total: Counter[str] = Counter()
    while True:
        outcomes = imap.poll_mailbox(mailbox, limit=100_000)
        total.update(outcomes)
        if not outcomes:
            break
    print(json.dumps(dict(total)), flush=True)


def _messages(count: int, run: str) -> list[bytes]:
    from tests.mail.messages import customer_email

    pdf = b"%PDF-1.4\n" + b"0123456789abcdef" * 1280  # 20 kB
    raws = []
    for n in range(count):
        dutch = n % 2 == 0
        raws.append(
            customer_email(
                sender=f"Klant {n} <klant{n}@example.nl>",
                subject=f"Bench {run} {n}",
                text=(
                    "Ik heb twee keer betaald en wil het geld terug."
                    if dutch
                    else "I was charged twice and I would like a refund."
                ),
                attachment=("factuur.pdf", "application/pdf", pdf) if n % 5 == 0 else None,
            )
        )
    return raws


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000)
    parser.add_argument(
        "--smoke", action="store_true", help="50 messages; the target is not checked"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(json.loads(args.worker))
        return 0
    if args.smoke:
        args.messages = 50

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL=postgres://…/<name with 'bench'>.")
    ensure_database(url)

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import Team, User
    from accounts.roles import GROUP_NAMES, Role
    from complaints.models import Complaint, InboundEmail, InboundState
    from tests.mail.servers import Dovecot, dovecot_binary

    binary = dovecot_binary()
    if binary is None:
        sys.exit("dovecot is not installed (apt-get install dovecot-imapd).")
    call_command("migrate", verbosity=0)
    # The audit trail is append-only: earlier runs stay; this run is told apart by its tag.
    run = f"{int(time.time())}"
    team, _ = Team.objects.get_or_create(name="Bench mail team")
    agents = Group.objects.get(name=GROUP_NAMES[Role.AGENT])
    for name in ("bench-mail-anna", "bench-mail-bram"):
        user, _ = User.objects.get_or_create(
            username=name, defaults={"team": team, "email": f"{name}@example.com"}
        )
        user.groups.add(agents)

    dovecot = Dovecot.throwaway().start(binary)
    try:
        box_user = f"bench-{run}"
        mailbox = dovecot.mailbox(box_user, team=team.name)
        started = time.monotonic()
        dovecot.append(box_user, *_messages(args.messages, run))
        appended = time.monotonic() - started
        print(f"{args.messages} messages appended in {appended:.1f} s")

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        workers = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker", json.dumps(mailbox)],
                stdout=subprocess.PIPE,
                env=env,
                cwd=ROOT,
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=600)[0].decode().strip() for p in workers]
        elapsed = time.monotonic() - started
        failed = [p.returncode for p in workers if p.returncode != 0]
        unseen = dovecot.unseen(box_user)
    finally:
        dovecot.stop()

    subjects = list(
        Complaint.objects.filter(subject__startswith=f"Bench {run} ").values_list(
            "subject", flat=True
        )
    )
    rows = InboundEmail.objects.filter(mailbox=mailbox["name"])
    imported = rows.filter(state=InboundState.IMPORTED).count()
    quarantined = rows.filter(state=InboundState.QUARANTINED).count()
    expected = {f"Bench {run} {n}" for n in range(args.messages)}
    lost = len(expected - set(subjects))
    twice = len(subjects) - len(set(subjects))
    with_parts = rows.exclude(attachments=[]).count()
    for n, output in enumerate(outputs, start=1):
        print(f"worker {n}: {output.splitlines()[-1] if output else '(no output)'}")
    rate = args.messages / elapsed if elapsed else 0.0
    print(
        f"{args.messages} messages imported by 2 workers in {elapsed:.1f} s ({rate:.0f}/s); "
        f"{len(subjects)} complaints, {imported} imported rows, {with_parts} with attachments, "
        f"{quarantined} quarantined, {lost} lost, {twice} twice, {unseen} left unseen"
    )
    ok = not failed and lost == 0 and twice == 0 and quarantined == 0 and unseen == 0
    ok = ok and imported == args.messages
    if not args.smoke and elapsed >= TARGET_SECONDS:
        print(f"target missed: {elapsed:.1f} s >= {TARGET_SECONDS:.0f} s")
        ok = False
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
