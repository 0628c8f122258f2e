"""Storing, refusing per file and per message, the audit event, deletion of the files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from common import filetypes
from common.errors import InvalidData, TooLarge
from complaints import attachments
from complaints.models import Attachment, Complaint, ComplaintEvent, EventType
from tests.attachments.conftest import EXE, PDF, PNG, incoming, stored_files

pytestmark = pytest.mark.django_db


def test_a_pdf_name_with_png_bytes_is_stored_as_png(
    complaint: Complaint, agent: User, attachments_dir: Path
) -> None:
    added = attachments.attachments_add(
        complaint=complaint,
        files=[incoming("rekening.pdf", PNG, claimed="application/pdf")],
        uploaded_by=agent,
        source="page",
    )
    (row,) = added.stored
    assert added.refused == []
    row.refresh_from_db()
    assert (row.name, row.content_type, row.size) == ("rekening.pdf", filetypes.PNG, len(PNG))
    assert row.sha256 == hashlib.sha256(PNG).hexdigest()
    (on_disk,) = stored_files(attachments_dir)
    assert on_disk.read_bytes() == PNG
    assert "rekening" not in on_disk.name
    assert on_disk.suffix == ".png"


def test_an_exe_renamed_pdf_is_refused(complaint: Complaint, attachments_dir: Path) -> None:
    added = attachments.attachments_add(
        complaint=complaint, files=[incoming("factuur.pdf", EXE)], source="email"
    )
    assert added.stored == []
    (refused,) = added.refused
    assert refused.name == "factuur.pdf"
    assert "not accepted" in refused.reason
    row = Attachment.objects.get(complaint=complaint)
    assert row.refused
    assert not row.file
    assert "not accepted" in row.refused_words
    assert stored_files(attachments_dir) == []


def test_email_semantics_store_what_fits_and_list_the_rest(
    complaint: Complaint, attachments_dir: Path
) -> None:
    """Limits here: 1,000 bytes a file, 2,000 a message."""
    files = [
        incoming("a.txt", b"a" * 900),
        incoming("holiday.mov", b"b" * 1500),  # over the per-file limit
        incoming("c.txt", b"c" * 900),
        incoming("d.txt", b"d" * 900),  # 900 + 900 + 900 > 2,000
    ]
    added = attachments.attachments_add(complaint=complaint, files=files, source="email")
    assert [a.name for a in added.stored] == ["a.txt", "c.txt"]
    assert [(r.name, r.size) for r in added.refused] == [("holiday.mov", 1500), ("d.txt", 900)]
    assert "limit per file" in added.refused[0].reason
    assert "all files together" in added.refused[1].reason
    assert len(stored_files(attachments_dir)) == 2
    assert Attachment.objects.filter(complaint=complaint).count() == 4
    event = ComplaintEvent.objects.get(complaint=complaint, type=EventType.ATTACHMENTS_ADDED)
    assert [s["name"] for s in event.payload["stored"]] == ["a.txt", "c.txt"]
    assert [r["name"] for r in event.payload["refused"]] == ["holiday.mov", "d.txt"]


def test_check_all_refuses_without_writing(complaint: Complaint, attachments_dir: Path) -> None:
    files = [incoming("a.pdf", PDF), incoming("big.txt", b"x" * 1001)]
    with pytest.raises(TooLarge) as too_large:
        attachments.attachments_refuse_unless_all_fit(files, field="files")
    assert too_large.value.status_code == 413
    assert "big.txt" in str(too_large.value.errors["files"][0])
    with pytest.raises(InvalidData) as wrong_type:
        attachments.attachments_refuse_unless_all_fit([incoming("x.pdf", EXE)], field="files")
    assert not isinstance(wrong_type.value, TooLarge)
    assert Attachment.objects.count() == 0
    assert stored_files(attachments_dir) == []


def test_check_attachment_says_why_in_words() -> None:
    assert attachments.check_attachment(name="a.pdf", data_or_file=PDF, size=len(PDF)) is None
    assert "limit per file" in str(
        attachments.check_attachment(name="a", data_or_file=b"x" * 1001, size=1001)
    )
    assert "empty" in str(attachments.check_attachment(name="a", data_or_file=b"", size=0))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Evelien\\brief.docx", "brief.docx"),
        ("na\x00me\u202e.txt", "name.txt"),
        ("", "attachment"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_names_are_sanitised(raw: str, clean: str) -> None:
    assert attachments.sanitise_name(raw) == clean


def test_a_failed_add_leaves_no_file(complaint: Complaint, attachments_dir: Path) -> None:
    other = Complaint.objects.exclude(pk=complaint.pk).first()
    assert other is None
    complaint.pk = None  # a complaint that is not in the database: the rows cannot be written
    with pytest.raises((IntegrityError, ValueError)), transaction.atomic():
        attachments.attachments_add(
            complaint=complaint, files=[incoming("a.pdf", PDF)], source="api"
        )
    assert stored_files(attachments_dir) == []


def test_deleting_a_row_deletes_its_file_on_commit(
    complaint: Complaint, attachments_dir: Path, django_capture_on_commit_callbacks
) -> None:
    attachments.attachments_add(complaint=complaint, files=[incoming("a.pdf", PDF)], source="api")
    assert len(stored_files(attachments_dir)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        Attachment.objects.filter(complaint=complaint).delete()
    assert stored_files(attachments_dir) == []


def test_stored_xor_refused_is_a_database_rule(complaint: Complaint) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.create(complaint=complaint, name="x", size=1, source="api")
