"""Attachments in a real browser: an agent uploads a file on the complaint page (a plain
multipart form), sees it listed, and a file over the limit is refused in words; both languages,
each page passing axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from complaints.models import Attachment
from tests.browser.helpers import PageFor
from tests.factories import make_complaint

A11y = Callable[..., Any]
Shot = Callable[[Page, str], Any]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

WORDS = {
    "en": {
        "label": "Add files",
        "button": "Upload",
        "added": "1 file added.",
        "no": "Nothing was added.",
    },
    "nl": {
        "label": "Bestanden toevoegen",
        "button": "Uploaden",
        "added": "1 bestand toegevoegd.",
        "no": "Er is niets toegevoegd.",
    },
}


@pytest.fixture
def small_limits(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    settings.ATTACHMENT_MAX_BYTES = 1000
    settings.ATTACHMENTS_MAX_BYTES = 2000
    return folder


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_agent_uploads_a_file_and_a_too_large_one_is_refused(
    page_for: PageFor,
    agent: User,
    small_limits: Path,
    check_a11y: A11y,
    screenshot: Shot,
    language: str,
) -> None:
    words = WORDS[language]
    complaint = make_complaint(owner=agent)
    page: Page = page_for(agent, language)
    page.goto(reverse("complaint-page", args=[complaint.reference]))

    form = page.locator("#form-attachments")
    form.get_by_label(words["label"]).set_input_files(
        files=[{"name": "kassabon.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.get_by_role("button", name=words["button"]).click()
    expect(page.get_by_text(words["added"])).to_be_visible()
    expect(page.locator("#attachment-list")).to_contain_text("kassabon.pdf")
    check_a11y(page)
    if language == "en":  # the README shows the English page
        screenshot(page, "attachments-en")

    page.locator("#form-attachments").get_by_label(words["label"]).set_input_files(
        files=[{"name": "vakantie.mov", "mimeType": "video/quicktime", "buffer": b"x" * 1500}]
    )
    page.locator("#form-attachments").get_by_role("button", name=words["button"]).click()
    expect(page.get_by_test_id("attachment-refusal")).to_contain_text(words["no"])
    expect(page.get_by_test_id("attachment-refusal")).to_contain_text("vakantie.mov")
    check_a11y(page)
    assert list(Attachment.objects.values_list("name", flat=True)) == ["kassabon.pdf"]
