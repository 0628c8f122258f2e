"""The CSV import as background work: an uploaded file becomes a job, a worker imports it in
chunks, the page shows its progress, and its owner may cancel it.

What is written, and when (nothing half-written):
- The upload checks what it can at once (size, UTF-8, the source's name, the mapping's columns)
  and stores the file's bytes in the job row, committed as *queued*; the worker is asked after
  that commit. A refusal of the whole file (someone without the role, rows imported before
  under another source name) comes from ``imports.import_start`` before any row is written,
  and leaves the job *failed* with the reason and no run.
- The rows are written by ``imports.Importer.write``, ``IMPORT_CHUNK_ROWS`` at a time, each
  chunk in its own transaction together with the run's counts and the job's ``rows_done``:
  a chunk is in the database entirely, with its progress, or not at all. Within a chunk each
  row still has its own savepoint, so a refused row never spoils the others.
- Cancelling takes effect between two chunks: the committed chunks stay (the page says how
  many rows were imported), the rest is never read. Importing the same file again later
  skips the rows already imported, by their id in the source (and their fingerprint).
- A worker that dies mid-chunk loses only that chunk's uncommitted rows. The job, left
  *running* without a sign of life for ``IMPORT_STALE_SECONDS``, is queued again by the sweep
  (beat) and goes on after the last committed chunk; after ``IMPORT_MAX_ATTEMPTS`` claims it
  is marked failed instead. Each claim carries its number: a worker thought dead that wakes
  up finds a newer claim at its next chunk and stops without writing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from common.errors import DomainError, InvalidData, TransitionNotAllowed
from reports import import_mappings, imports, policies
from reports.models import ImportJob, ImportState

log = logging.getLogger(__name__)


class FileTooLarge(imports.ImportRefused):
    """The upload is larger than ``IMPORT_MAX_BYTES``."""


def max_size() -> str:
    """``IMPORT_MAX_BYTES`` as a person reads it ("25.0 MB"), in the active language."""
    return str(filesizeformat(settings.IMPORT_MAX_BYTES))


def import_job_create(
    *,
    content: bytes,
    file_name: str,
    mapping: str,
    source: str,
    import_again: bool,
    actor: User,
    now: datetime | None = None,
) -> ImportJob:
    """Store an uploaded file as a queued job and ask a worker for it once this commits.

    Refuses 403 for who may not import, ``FileTooLarge`` above ``IMPORT_MAX_BYTES``,
    ``ImportRefused`` for a file that is not UTF-8 CSV with the mapping's columns, and 400 on
    ``source`` for a bad name; a refusal stores nothing.
    """
    now = now or timezone.now()
    policies.ensure_may_manage(actor)
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise FileTooLarge(
            _("The file is larger than %(limit)s, the most an import takes.")
            % {"limit": max_size()}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise imports.ImportRefused(_("The file is not UTF-8 text.")) from error
    chosen = import_mappings.MAPPINGS.get(mapping)
    if chosen is None:
        raise InvalidData({"mapping": [gettext_lazy("Choose one of the column mappings.")]})
    imports.check_source(source)
    imports.check_header(text, chosen)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor,
            created_at=now,
            file_name=file_name[:255],
            size=len(content),
            content=content,
            mapping=chosen.name,
            source=source,
            import_again=import_again,
            rows_total=imports.count_rows(text),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            heartbeat_at=now,
        )
        job_id = job.pk
        # Only a committed job may reach a worker.
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> bool:
    """Ask a worker to run the job. The queued row is what counts: when the broker cannot be
    reached the upload still succeeds, and the sweep enqueues the job once it is back."""
    from reports.tasks import run_import_job

    try:
        run_import_job.delay(job_id)
    except Exception:  # the broker is down: the job stays queued, the sweep finds it
        log.warning("could not enqueue import job %s; the sweep will", job_id, exc_info=True)
        return False
    return True


def _claim(job_id: int, now: datetime) -> ImportJob | None:
    """Take a queued job for this worker (committed), or None when another has it or it is
    finished. A duplicate message finds it running and does nothing."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != ImportState.QUEUED:
            return None
        job.state = ImportState.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.save(update_fields=["state", "attempts", "started_at", "heartbeat_at"])
    return job


def _holds_claim(job: ImportJob) -> ImportJob | None:
    """The job locked for this chunk's transaction, if this worker's claim is still the
    current one; None when the sweep gave it to another worker, or it was finished."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.state != ImportState.RUNNING or locked.attempts != job.attempts:
        return None
    return locked


def _finish(
    job: ImportJob, state: ImportState, *, error: str = "", now: datetime | None = None
) -> None:
    job.state = state
    job.finished_at = now or timezone.now()
    job.error = error[:4000]
    fields = ["state", "finished_at", "error"]
    if state != ImportState.FAILED:
        # Done or cancelled: the bytes are no longer needed (a failed job keeps them, so its
        # owner can see what it was; re-uploading is how it is tried again).
        job.content = b""
        fields.append("content")
    job.save(update_fields=fields)


def import_job_run(*, job_id: int, chunk_rows: int | None = None) -> ImportJob | None:
    """Import a queued job's file in chunks; None when this worker did not get the job.

    Safe to run twice: the second run finds the job claimed or finished. Between chunks it
    honours a cancel request.
    """
    chunk_rows = chunk_rows or settings.IMPORT_CHUNK_ROWS
    job = _claim(job_id, timezone.now())
    if job is None:
        return None
    try:
        # The reasons of refused rows in the language the upload was made in, as on its page.
        with translation.override(job.language or settings.LANGUAGE_CODE):
            return _run(job, chunk_rows)
    except Exception as exc:
        # A bug or a lasting database error: said on the page at once, not retried. (A worker
        # that dies does not get here: the sweep queues its job again.)
        with transaction.atomic():
            locked = _holds_claim(job)
            if locked is not None:
                _finish(locked, ImportState.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise


def _run(job: ImportJob, chunk_rows: int) -> ImportJob | None:
    text = bytes(job.content).decode("utf-8-sig")
    mapping = import_mappings.MAPPINGS[job.mapping]
    try:
        with transaction.atomic():
            if _holds_claim(job) is None:
                return None
            if job.run is None:
                importer = imports.import_start(
                    text=text,
                    mapping=mapping,
                    source=job.source,
                    actor=job.created_by,
                    owner=job.created_by,
                    file_name=job.file_name,
                    import_again=job.import_again,
                )
                job.run = importer.run
                job.rows_total = importer.total
                job.save(update_fields=["run", "rows_total"])
            else:  # picked up again after a crash: on after the last committed chunk
                importer = imports.import_resume(
                    run=job.run, text=text, owner=job.created_by, done=job.rows_done
                )
    except (imports.ImportRefused, DomainError) as error:
        with transaction.atomic():
            locked = _holds_claim(job)
            if locked is not None:
                _finish(locked, ImportState.FAILED, error=_refusal_text(error))
        return locked

    while importer.done < importer.total:
        with transaction.atomic():
            locked = _holds_claim(job)
            if locked is None:  # another worker has it now: write nothing
                return None
            if locked.cancel_requested_at is not None:
                _finish(locked, ImportState.CANCELLED)
                importer.save(finished=True)
                return locked
            importer.write(importer.records[importer.done : importer.done + chunk_rows])
            importer.save()
            locked.rows_done = importer.done
            locked.heartbeat_at = timezone.now()
            locked.save(update_fields=["rows_done", "heartbeat_at"])
    with transaction.atomic():
        locked = _holds_claim(job)
        if locked is None:
            return None
        importer.save(finished=True)
        _finish(locked, ImportState.DONE)
    return locked


def _refusal_text(error: Exception) -> str:
    if isinstance(error, InvalidData):
        return " ".join(str(message) for messages in error.errors.values() for message in messages)
    if isinstance(error, DomainError):
        return str(error.message)
    return str(error)


def import_job_cancel(*, job: ImportJob, actor: User, now: datetime | None = None) -> ImportJob:
    """Stop an import: a queued job at once, a running one after the chunk it is writing (its
    committed chunks stay). 403 for who may not import, 409 when it has finished already."""
    now = now or timezone.now()
    policies.ensure_may_manage(actor)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.finished:
            raise TransitionNotAllowed(_("This import has finished already."))
        if locked.cancel_requested_at is not None:
            return locked  # asked already: the worker stops at its next chunk
        locked.cancel_requested_at, locked.cancelled_by = now, actor
        locked.save(update_fields=["cancel_requested_at", "cancelled_by"])
        if locked.state == ImportState.QUEUED:
            _finish(locked, ImportState.CANCELLED, now=now)
    return locked


def import_jobs_sweep(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Beat's sweep: jobs without a sign of life for ``IMPORT_STALE_SECONDS``.

    A queued one lost its broker message (or never got one): it is enqueued again. A running
    one lost its worker: it is queued again to go on after its last committed chunk, or, after
    ``IMPORT_MAX_ATTEMPTS`` claims, marked failed.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    found: dict[str, list[int]] = {"enqueued": [], "requeued": [], "failed": []}
    candidates = ImportJob.objects.filter(
        state__in=[ImportState.QUEUED, ImportState.RUNNING], heartbeat_at__lt=stale
    ).values_list("pk", flat=True)
    for job_id in list(candidates[:100]):
        with transaction.atomic():
            # Another sweep (a second beat) may have it: skip, never wait.
            job = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, heartbeat_at__lt=stale)
                .first()
            )
            if job is None or job.finished:
                continue
            if job.state == ImportState.RUNNING and job.cancel_requested_at is not None:
                if job.run is not None:
                    job.run.finished_at = now
                    job.run.save(update_fields=["finished_at"])
                _finish(job, ImportState.CANCELLED, now=now)
                continue
            if job.state == ImportState.RUNNING and job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
                with translation.override(job.language or settings.LANGUAGE_CODE):
                    error = _(
                        "The worker importing this file stopped %(attempts)s times; "
                        "%(done)s of %(total)s rows were imported before."
                    ) % {"attempts": job.attempts, "done": job.rows_done, "total": job.rows_total}
                _finish(job, ImportState.FAILED, now=now, error=error)
                found["failed"].append(job.pk)
                continue
            key = "requeued" if job.state == ImportState.RUNNING else "enqueued"
            job.state = ImportState.QUEUED
            job.heartbeat_at = now  # the next sweep looks again only after another period
            job.save(update_fields=["state", "heartbeat_at"])
            transaction.on_commit(partial(_enqueue, job.pk))
            found[key].append(job.pk)
    return found


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """The recent import jobs, newest first (403 for who may not import)."""
    policies.ensure_may_manage(user)
    return ImportJob.objects.select_related("created_by", "run").defer("content")
