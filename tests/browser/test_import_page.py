"""The CSV import in a real browser: Quality uploads a file, lands on the job's page, and sees
it refresh by itself (htmx, no inline script) from queued to done, refused rows with their
reasons; the pages pass axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from accounts.models import User
from reports import import_jobs
from reports.models import ImportJob
from tests.reports.test_import_jobs import _file

A11y = Callable[..., Any]


def test_quality_uploads_a_file_and_watches_the_job_finish(
    page_for: Callable[..., Page], quality: User, check_a11y: A11y, tmp_path: Any
) -> None:
    path = tmp_path / "legacy.csv"
    path.write_text(_file(5, refused_every=2), encoding="utf-8")
    page = page_for(quality, "en")
    page.goto("/imports/")
    form = page.locator("#import-form")
    form.get_by_label("CSV file (UTF-8)").set_input_files(str(path))
    form.get_by_label("Columns").select_option("klachtwijzer")
    form.get_by_label("Source").fill("legacy")
    form.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_test_id("job-state")).to_have_text("Waiting for a worker")
    expect(page.get_by_test_id("job-rows")).to_have_text("0 of 5 rows done")
    check_a11y(page)

    # A worker's run, from this process; the page finds out by itself.
    import_jobs.import_job_run(job_id=ImportJob.objects.get().pk, chunk_rows=2)

    expect(page.get_by_test_id("job-state")).to_have_text("Done", timeout=15_000)
    expect(page.get_by_test_id("job-rows")).to_have_text("5 of 5 rows done")
    expect(page.get_by_test_id("imported")).to_have_text("3")
    expect(page.locator("#rejections")).to_contain_text("unknown root cause “nope”")
    expect(page.locator("#form-import-cancel")).to_have_count(0)
    # The last swap fades the section back from a request's opacity (.htmx-request, 0.2 s):
    # axe reads colours as they are painted, so it waits for the section to be opaque again.
    expect(page.locator("#import-job-progress")).to_have_css("opacity", "1")
    check_a11y(page)
    page.get_by_role("link", name="Import historical complaints").click()
    expect(page.locator("#import-jobs")).to_contain_text("legacy.csv")
    check_a11y(page)
