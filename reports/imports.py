"""Bulk import of historical complaints from CSV, through a mapping of columns.

Each row is checked on its own and written in its own savepoint: a row that does not parse, or
names an unknown root cause or channel, is rejected with its row number and the reason, and
never stops or corrupts the others. Importing the same file twice creates nothing new: every
record is remembered per source by its external id (``ImportedComplaint``). A second row with
an id seen earlier in the file is rejected, with its row number. Records imported before under
another source name (same id, same content) are imported again only when asked to.

Only the moments the source really gives are written. Every imported complaint is closed: a
row resolved in its source with its moment as an ordinary closed complaint; a row resolved
without its moment (the CFPB's), or still open in its source ("In progress"), as *closed in its
source* (``Complaint.closed_in_source``), with the source's status kept, no resolution moment
and no outcome it does not have. Such complaints count among those received, in no timing
figure, and are never overdue here: their work, if any, goes on in the source.

The complaints are created by ``complaints.workflow.import_historical``, the stage's one
writer, which also writes each one's received event (naming the source).

The mappings (``cfpb``, the US Consumer Financial Protection Bureau's export layout, and
``klachtwijzer``, our own columns) are in ``import_mappings``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from common.errors import ErrorCollector
from complaints import clock, workflow
from complaints.choices import Emotion
from complaints.models import Customer, RootCause
from reports import policies
from reports.import_mappings import MAPPINGS, Mapping
from reports.models import ImportedComplaint, ImportRun

Progress = Callable[[int, int], None]

# The share of an import's rows one root cause may take before the result asks to check the
# mapping (its rules, or its default cause).
DOMINANT_SHARE = 0.6
# Ids per query when looking for records imported before under another source name.
LOOKUP_BATCH = 2000


class ImportRefused(Exception):
    """The file as a whole cannot be imported (not CSV, wrong columns): nothing was written."""


@dataclass
class Row:
    """One row made ready to write: its moments (the workflow gives it its stage from them)
    and the complaint's other fields."""

    number: int
    external_id: str
    received_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_in_source: bool
    fields: dict[str, Any]
    source_status: str = ""
    content_hash: str = ""


def fingerprint(record: dict[str, Any]) -> str:
    """sha256 of a record's columns and values (trimmed; the column order does not matter):
    the same record under another source name has the same id and fingerprint."""
    items = sorted(
        (
            str(column),
            value.strip() if isinstance(value, str) else "\x1f".join(value or []),
        )
        for column, value in record.items()
    )
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()


def _moment(value: str) -> datetime:
    """A date (local midnight) or an ISO moment; raises ValueError when it does not parse."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.combine(
            date.fromisoformat(value), time.min, tzinfo=timezone.get_default_timezone()
        )
    moment = datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return clock.pinned(moment)  # exact in comparisons and arithmetic, its local date kept


def _cause(mapping: Mapping, value: str, causes: dict[str, RootCause]) -> RootCause | None:
    if not mapping.cause_rules:
        return causes.get(value.strip())
    text = value.lower()
    for pattern, code in mapping.cause_rules:
        if re.search(pattern, text):
            return causes.get(code)
    return causes.get(mapping.default_cause)


@dataclass
class _Reading:
    """One record being read through a mapping: what each column gave, and every problem found
    (all of them, so a rejected row says everything that is wrong with it)."""

    mapping: Mapping
    record: dict[str, str]
    causes: dict[str, RootCause]
    now: datetime
    problems: list[str] = field(default_factory=list)
    external_id: str = ""
    moments: dict[str, datetime | None] = field(default_factory=dict)
    channel: str | None = None
    status: str = ""
    outcome: str = ""
    cause: RootCause | None = None
    subject: str = ""
    facts: str = ""

    def get(self, column: str) -> str:
        return (self.record.get(column) or "").strip() if column else ""

    @property
    def received(self) -> datetime | None:
        return self.moments.get("received_at")

    @property
    def closed_in_source(self) -> bool:
        # Still open in the source, or resolved there without saying when: closed in its
        # source, never an open complaint here (its deadlines would run over for ever).
        return not self.outcome or not self.mapping.resolved_at

    @property
    def resolved_at(self) -> datetime | None:
        return self.moments.get("resolved_at") if not self.closed_in_source else None


def _read_external_id(reading: _Reading) -> None:
    reading.external_id = reading.get(reading.mapping.external_id)
    if not reading.external_id:
        reading.problems.append(
            _("the id (%(column)s) is empty") % {"column": reading.mapping.external_id}
        )


def _read_moments(reading: _Reading) -> None:
    for name in ("received_at", "acknowledged_at", "resolved_at"):
        column = getattr(reading.mapping, name)
        raw = reading.get(column)
        if not raw:
            reading.moments[name] = None
            continue
        try:
            reading.moments[name] = _moment(raw)
        except ValueError:
            reading.problems.append(
                _("“%(value)s” in %(column)s is not a date") % {"value": raw, "column": column}
            )


def _read_received(reading: _Reading) -> None:
    received = reading.received
    column = reading.mapping.received_at
    if received is None and not any(column in problem for problem in reading.problems):
        reading.problems.append(_("the date received is empty"))
    if received is not None and received > reading.now:
        reading.problems.append(_("the date received lies in the future"))


def _read_channel(reading: _Reading) -> None:
    value = reading.get(reading.mapping.channel)
    reading.channel = reading.mapping.channels.get(value)
    if reading.channel is None:
        reading.problems.append(_("unknown channel “%(value)s”") % {"value": value})


def _read_outcome(reading: _Reading) -> None:
    mapping = reading.mapping
    reading.status = status = reading.get(mapping.outcome)
    reading.outcome = mapping.outcomes.get(status, "") if mapping.outcome else ""
    if mapping.outcome and not reading.outcome and status not in mapping.open_outcomes:
        reading.problems.append(_("unknown outcome “%(value)s”") % {"value": status})


def _read_root_cause(reading: _Reading) -> None:
    value = reading.get(reading.mapping.root_cause)
    if reading.outcome or value:
        reading.cause = _cause(reading.mapping, value, reading.causes)
        if reading.cause is None:
            reading.problems.append(_("unknown root cause “%(value)s”") % {"value": value})


def _read_resolved(reading: _Reading) -> None:
    if reading.closed_in_source:
        return
    received, resolved_at = reading.received, reading.resolved_at
    if resolved_at is None:
        reading.problems.append(_("a resolved complaint needs its resolution date"))
    elif received is not None and resolved_at < received:
        reading.problems.append(_("it was resolved before it was received"))


def _read_emotions(reading: _Reading) -> None:
    for name in ("emotion_at_intake", "emotion_at_resolution"):
        value = reading.get(getattr(reading.mapping, name))
        if value and value not in Emotion.values:
            reading.problems.append(_("unknown emotion “%(value)s”") % {"value": value})


def _read_subject(reading: _Reading) -> None:
    mapping = reading.mapping
    reading.subject = reading.get(mapping.subject)
    reading.facts = next((reading.get(c) for c in mapping.facts if reading.get(c)), "")
    if not reading.subject:
        reading.problems.append(
            _("the subject (%(column)s) is empty") % {"column": mapping.subject}
        )


# One reader per part of the mapping, in the order a rejected row lists its problems.
READERS: tuple[Callable[[_Reading], None], ...] = (
    _read_external_id,
    _read_moments,
    _read_received,
    _read_channel,
    _read_outcome,
    _read_root_cause,
    _read_resolved,
    _read_emotions,
    _read_subject,
)


def parse_row(
    mapping: Mapping,
    number: int,
    record: dict[str, str],
    causes: dict[str, RootCause],
    now: datetime,
) -> Row:
    """Check one record and translate it into complaint fields; raises ValueError with the
    reason (in words) when the row must be rejected."""
    reading = _Reading(mapping=mapping, record=record, causes=causes, now=now)
    for read in READERS:
        read(reading)
    if reading.problems:
        raise ValueError("; ".join(reading.problems))
    return _row(reading, number)


def _row(reading: _Reading, number: int) -> Row:
    """The complaint fields of a record that passed every reader."""
    mapping, get, status = reading.mapping, reading.get, reading.status
    received, outcome, resolved_at = reading.received, reading.outcome, reading.resolved_at
    if received is None:
        raise ValueError("received is missing")
    if reading.channel is None:
        raise ValueError("reading.channel is missing")
    acknowledged = reading.moments.get("acknowledged_at")
    category = " / ".join(get(c) for c in mapping.category if get(c))
    if reading.closed_in_source:
        summary = _(
            "Imported from %(source)s, where its status is “%(status)s”; closed here without "
            "a resolution moment, which the source does not give."
        ) % {"source": mapping.name, "status": status or "–"}
    else:
        summary = _("Imported from %(source)s.") % {"source": mapping.name}
    return Row(
        number=number,
        external_id=reading.external_id[:100],
        source_status=status[:100],
        received_at=received,
        acknowledged_at=acknowledged if acknowledged and acknowledged >= received else None,
        resolved_at=resolved_at,
        closed_in_source=reading.closed_in_source,
        fields={
            "channel": reading.channel,
            "subject": reading.subject[:200],
            "facts": reading.facts or reading.subject,
            "category": category[:200],
            "outcome": outcome,
            "root_cause": reading.cause,
            "emotion_at_intake": get(mapping.emotion_at_intake),
            "emotion_at_resolution": get(mapping.emotion_at_resolution) if outcome else "",
            "alternatives_offered": get(mapping.alternatives_offered),
            "resolution_summary": summary,
        },
    )


def _records(stream: IO[str], mapping: Mapping) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        reader = csv.DictReader(stream)
        header = set(reader.fieldnames or [])
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportRefused(
            _("The file is not a readable CSV file: %(error)s") % {"error": error}
        ) from error
    missing = sorted(mapping.required_columns - header)
    if missing:
        raise ImportRefused(
            _("The file lacks the columns of the mapping “%(mapping)s”: %(columns)s.")
            % {"mapping": mapping.name, "columns": ", ".join(missing)}
        )
    # Row numbers as a spreadsheet shows them: the header is row 1.
    number = 1
    while True:
        number += 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # one broken line: reported, and the reading goes on
            yield number, {"__error__": str(error)}
            continue
        yield number, record


def count_rows(text: str) -> int:
    try:
        return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)
    except csv.Error:
        return 0


def import_customer(source: str) -> Customer:
    """The one anonymous customer an import's complaints belong to (sources like the CFPB's
    carry no personal data)."""
    customer, _created = Customer.objects.get_or_create(
        customer_number=f"import-{source}"[:40],
        defaults={"name": f"Imported ({source})"[:200], "language": "nl"},
    )
    return customer


def check_source(source: str) -> None:
    """400 on ``source`` unless it is a name of lower-case letters, digits and dashes."""
    errors = ErrorCollector()
    if not re.fullmatch(r"[-a-z0-9_]{1,40}", source or ""):
        errors.add("source", _("Name the source in lower-case letters, digits and dashes."))
    errors.raise_if_any()


def check_header(text: str, mapping: Mapping) -> None:
    """``ImportRefused`` unless the first line of ``text`` is CSV with the mapping's columns;
    cheap (one line is read), so the upload page can say it at once."""
    first_line = text.split("\n", 1)[0]
    list(_records(io.StringIO(first_line + "\n"), mapping))


@dataclass
class Importer:
    """One import under way: what the file's rows are checked against, and what was written.

    ``import_start`` makes it (every refusal of the whole file comes before it, and nothing
    is written before it); ``write`` imports a slice of the rows and may be called once for
    the whole file (``import_csv``) or once per chunk, each chunk in its own transaction
    (the background job in ``reports.import_jobs``). ``import_resume`` makes it again for a
    run that stopped halfway, to go on after the rows already done.
    """

    mapping: Mapping
    source: str
    actor: User | None
    owner: User
    now: datetime
    run: ImportRun
    records: list[tuple[int, dict[str, str]]]
    hashes: dict[int, str]
    known: set[str]
    causes: dict[str, RootCause]
    customer: Customer
    first_row: dict[str, int] = field(default_factory=dict)  # external id → its first row
    done: int = 0

    @property
    def total(self) -> int:
        return len(self.records)

    def write(self, records: list[tuple[int, dict[str, str]]]) -> None:
        """Import ``records`` (the next rows of the file, in order); each row in its own
        savepoint, a rejected row noted on the run with its number and reason."""
        mapping, run = self.mapping, self.run
        for number, record in records:
            self.done += 1
            external_id = (record.get(mapping.external_id) or "").strip()
            try:
                if "__error__" in record:
                    raise ValueError(
                        _("the line is not valid CSV: %(error)s") % {"error": record["__error__"]}
                    )
                if external_id in self.first_row:
                    raise ValueError(
                        _("the id “%(id)s” appears before in this file, in row %(row)s")
                        % {"id": external_id, "row": self.first_row[external_id]}
                    )
                row = parse_row(mapping, number, record, self.causes, self.now)
            except ValueError as error:
                run.rejected.append(
                    {"row": number, "external_id": external_id, "reason": str(error)}
                )
            else:
                row.content_hash = self.hashes[number]
                if row.external_id in self.known:
                    run.skipped += 1
                else:
                    try:
                        _write(
                            row,
                            run=run,
                            source=self.source,
                            customer=self.customer,
                            owner=self.owner,
                            actor=self.actor,
                            now=self.now,
                        )
                    except IntegrityError:  # imported meanwhile by a parallel run
                        run.skipped += 1
                    else:
                        self.known.add(row.external_id)
                        run.imported += 1
            if external_id:
                self.first_row.setdefault(external_id, number)

    def save(self, *, finished: bool = False) -> ImportRun:
        """Record the counts and refused rows so far (and, ``finished``, the end)."""
        self.run.rows = self.done
        fields = ["rows", "imported", "skipped", "rejected"]
        if finished:
            self.run.finished_at = timezone.now()
            fields.append("finished_at")
        self.run.save(update_fields=fields)
        return self.run


def _read_file(
    text: str, mapping: Mapping, source: str
) -> tuple[list[tuple[int, dict[str, str]]], dict[int, str], set[str]]:
    records = list(_records(io.StringIO(text), mapping))
    known = set(
        ImportedComplaint.objects.filter(source=source).values_list("external_id", flat=True)
    )
    hashes = {number: fingerprint(record) for number, record in records}
    return records, hashes, known


def import_start(
    *,
    text: str,
    mapping: Mapping,
    source: str,
    actor: User | None,
    owner: User,
    file_name: str = "",
    now: datetime | None = None,
    import_again: bool = False,
) -> Importer:
    """Check the whole file and make its run, ready to write the rows. Refuses 403 for who is
    not Quality or admin, ``ImportRefused`` for a file that is not CSV with the mapping's
    columns, and ``InvalidData`` (field ``import_again``) when rows were imported before under
    another source name and ``import_again`` is not given; a refusal writes nothing."""
    now = now or timezone.now()
    if actor is not None:
        policies.ensure_may_manage(actor)
    check_source(source)
    # The whole file is read first: a wrong file, or one imported before under another name, is
    # refused before any write.
    records, hashes, known = _read_file(text, mapping, source)
    earlier = imported_elsewhere(records, hashes, mapping=mapping, source=source, known=known)
    if earlier and not import_again:
        errors = ErrorCollector()
        count = sum(earlier.values())
        errors.add(
            "import_again",
            ngettext(
                "This row was imported before as source %(sources)s; tick “Import again” "
                "(and choose the file again) to import it anyway.",
                "These %(count)s rows were imported before as source %(sources)s; tick "
                "“Import again” (and choose the file again) to import them anyway.",
                count,
            )
            % {"count": count, "sources": ", ".join(f"“{name}”" for name in sorted(earlier))},
        )
        errors.raise_if_any()
    run = ImportRun.objects.create(
        source=source,
        mapping=mapping.name,
        file_name=file_name[:255],
        started_at=now,
        started_by=actor,
        rows=len(records),
    )
    return Importer(
        mapping=mapping,
        source=source,
        actor=actor,
        owner=owner,
        now=now,
        run=run,
        records=records,
        hashes=hashes,
        known=known,
        causes={c.code: c for c in RootCause.objects.filter(parent__isnull=False)},
        customer=import_customer(source),
    )


def import_resume(
    *, run: ImportRun, text: str, owner: User, done: int, now: datetime | None = None
) -> Importer:
    """The importer of a run whose first ``done`` rows are written and committed: it goes on
    with row ``done + 1``. The ids seen in those rows are remembered again, so a repeated id
    after them is still refused as it would have been."""
    mapping = MAPPINGS[run.mapping]
    records, hashes, known = _read_file(text, mapping, run.source)
    importer = Importer(
        mapping=mapping,
        source=run.source,
        actor=run.started_by,
        owner=owner,
        now=now or timezone.now(),
        run=run,
        records=records,
        hashes=hashes,
        known=known,
        causes={c.code: c for c in RootCause.objects.filter(parent__isnull=False)},
        customer=import_customer(run.source),
        done=done,
    )
    for number, record in records[:done]:
        external_id = (record.get(mapping.external_id) or "").strip()
        if external_id:
            importer.first_row.setdefault(external_id, number)
    return importer


def import_csv(
    *,
    text: str,
    mapping: Mapping,
    source: str,
    actor: User | None,
    owner: User,
    file_name: str = "",
    progress: Progress | None = None,
    now: datetime | None = None,
    import_again: bool = False,
) -> ImportRun:
    """Import every valid row of ``text`` (CSV) at once; returns the run with its counts and
    the rejected rows (number, id, reason). Refuses as ``import_start`` does, writing nothing.
    (The upload page imports in the background, in chunks: ``reports.import_jobs``.)"""
    importer = import_start(
        text=text,
        mapping=mapping,
        source=source,
        actor=actor,
        owner=owner,
        file_name=file_name,
        now=now,
        import_again=import_again,
    )
    for record in importer.records:
        importer.write([record])
        if progress is not None:
            progress(importer.done, importer.total)
    return importer.save(finished=True)


def imported_elsewhere(
    records: list[tuple[int, dict[str, str]]],
    hashes: dict[int, str],
    *,
    mapping: Mapping,
    source: str,
    known: set[str],
) -> dict[str, int]:
    """How many of the file's records were imported before under another source name, per
    that name: the same external id with the same fingerprint (ids this source already has are
    skipped anyway, and a repeated id counts once)."""
    wanted: dict[str, str] = {}
    for number, record in records:
        external_id = (record.get(mapping.external_id) or "").strip()[:100]
        if external_id and external_id not in known and "__error__" not in record:
            wanted.setdefault(external_id, hashes[number])
    ids = list(wanted)
    found: dict[str, set[str]] = {}
    for start in range(0, len(ids), LOOKUP_BATCH):
        rows = (
            ImportedComplaint.objects.filter(external_id__in=ids[start : start + LOOKUP_BATCH])
            .exclude(source=source)
            .exclude(content_hash="")
            .values_list("external_id", "content_hash", "source")
        )
        for external_id, content_hash, other in rows:
            if wanted[external_id] == content_hash:
                found.setdefault(other, set()).add(external_id)
    return {name: len(found_ids) for name, found_ids in found.items()}


def dominant_cause(run: ImportRun) -> dict[str, Any] | None:
    """The root cause of at least ``DOMINANT_SHARE`` of the run's imported complaints, or None.

    One cause taking most of an import usually says more about the mapping (a rule that
    matches too much, or the default cause catching what no rule matched) than about the
    complaints, so the result asks to check it.
    """
    total = run.records.count()
    if not total:
        return None
    top = (
        run.records.filter(complaint__root_cause__isnull=False)
        .values(
            "complaint__root_cause__code",
            "complaint__root_cause__name_nl",
            "complaint__root_cause__name_en",
        )
        .annotate(count=Count("id"))
        .order_by("-count", "complaint__root_cause__code")
        .first()
    )
    if top is None or top["count"] < DOMINANT_SHARE * total:
        return None
    mapping = MAPPINGS.get(run.mapping)
    code = top["complaint__root_cause__code"]
    return {
        "code": code,
        "name_nl": top["complaint__root_cause__name_nl"],
        "name_en": top["complaint__root_cause__name_en"],
        "count": top["count"],
        "total": total,
        "percent": round(100 * top["count"] / total),
        "is_default": mapping is not None and code == mapping.default_cause,
    }


def source_statuses(run: ImportRun) -> list[dict[str, Any]]:
    """The run's complaints closed in their source, per status there (most first), each marked
    whether that status means still open in the source."""
    mapping = MAPPINGS.get(run.mapping)
    rows = (
        run.records.filter(complaint__closed_in_source=True)
        .values("source_status")
        .annotate(count=Count("id"))
        .order_by("-count", "source_status")
    )
    return [
        {
            "status": row["source_status"],
            "count": row["count"],
            "open": mapping is not None and row["source_status"] in mapping.open_outcomes,
        }
        for row in rows
    ]


def _write(
    row: Row,
    *,
    run: ImportRun,
    source: str,
    customer: Customer,
    owner: User,
    actor: User | None,
    now: datetime,
) -> None:
    """One row in its own savepoint: all of it or nothing. Every imported complaint is closed
    (see the module's docstring); the workflow creates it so, with its received event."""
    with transaction.atomic():
        complaint = workflow.import_historical(
            customer=customer,
            owner=owner,
            actor=actor,
            source=source,
            received_at=row.received_at,
            acknowledged_at=row.acknowledged_at,
            resolved_at=row.resolved_at,
            closed=True,
            closed_in_source=row.closed_in_source,
            details=row.fields,
            now=now,
        )
        ImportedComplaint.objects.create(
            source=source,
            external_id=row.external_id,
            complaint=complaint,
            run=run,
            source_status=row.source_status,
            content_hash=row.content_hash,
        )
