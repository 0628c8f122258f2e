"""A stored report as CSV (its raw aggregates, one figure a row) and as PDF (the whole page)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string

from reports.experience import JOURNEY_LEGS, SHIFT_METRICS
from reports.models import RootCauseReport

CSV_HEADER = ["section", "dimension", "key", "metric", "value"]

# A text cell starting with one of these is read as a formula by spreadsheet programs (OWASP,
# "CSV Injection"): such cells get a leading apostrophe. Numbers stay numbers. defusedcsv was
# tried and left: it lets a leading tab or carriage return through.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def _value(value: Any) -> Any:
    return "" if value is None else value


Rows = Iterator[list[Any]]


def _volumes(volumes: dict[str, Any]) -> Rows:
    for name, part in volumes.items():
        yield ["volumes", name, "", "total", part["total"]]
        for dimension in ("by_channel", "by_category", "by_root_cause"):
            for row in part[dimension]:
                key = row.get("code", row.get("key"))
                yield ["volumes", f"{name}.{dimension[3:]}", _value(key), "count", row["count"]]


def _pareto(pareto: dict[str, Any]) -> Rows:
    for row in pareto["causes"]:
        for metric in ("count", "share", "cumulative", "cumulative_share"):
            yield ["pareto", "root_cause", row["code"], metric, _value(row[metric])]


def _trend(trend: dict[str, Any]) -> Rows:
    for series in trend["series"]:
        for month, count in zip(trend["months"], series["counts"], strict=True):
            yield ["trend", series["code"], month, "resolved", count]


def _coulance(coulance: dict[str, Any]) -> Rows:
    yield ["coulance", "", "", "count", coulance["count"]]
    yield ["coulance", "", "", "amount_eur", coulance["amount_eur"]]
    for row in coulance["by_root_cause"]:
        yield ["coulance", "root_cause", _value(row["code"]), "count", row["count"]]
        yield ["coulance", "root_cause", _value(row["code"]), "amount_eur", row["amount_eur"]]


def _timings(timings: dict[str, Any]) -> Rows:
    for name, timing in timings.items():
        for metric in ("count", "median_hours", "p90_hours"):
            yield ["timings", name, "", metric, _value(timing[metric])]


def _promises(promises: dict[str, Any]) -> Rows:
    for metric in ("kept", "broken", "rate"):
        yield ["promises", "", "", metric, _value(promises[metric])]
    for row in promises["by_team"]:
        for metric in ("kept", "broken", "rate"):
            yield ["promises", "team", _value(row["team"]), metric, _value(row[metric])]


def _triad(triad: dict[str, Any]) -> Rows:
    for metric in ("resolved", "complete", "share"):
        yield ["triad", "", "", metric, _value(triad[metric])]
    for step in triad["steps"]:
        for metric in ("count", "median_hours", "p90_hours"):
            yield ["triad", "step", step["step"], metric, _value(step[metric])]


def _emotions(emotions: dict[str, Any]) -> Rows:
    for moment in ("at_intake", "at_resolution"):
        for row in emotions[moment]:
            yield ["emotions", moment, row["key"], "count", row["count"]]
    for row in emotions["pairs"]:
        yield ["emotions", "pair", f"{row['intake']}>{row['resolution']}", "count", row["count"]]
    for metric, value in emotions["shift"].items():
        yield ["emotions", "shift", "", metric, _value(value)]
    for row in emotions.get("shift_by_root_cause", []):
        for metric in ("compared", "better", "same", "worse", "better_share"):
            yield ["emotions", "shift.root_cause", _value(row["code"]), metric, _value(row[metric])]


def _journey(journey: dict[str, Any]) -> Rows:
    parts = [("overall", journey["overall"])]
    parts += [(f"outcome.{row['key']}", row) for row in journey["by_outcome"]]
    for dimension, part in parts:
        for name in ("resolved", "followed_up"):
            yield ["journey", dimension, "", name, part[name]]
        for leg, _first, _second in JOURNEY_LEGS:
            for metric in (*SHIFT_METRICS, "better_share"):
                yield ["journey", dimension, leg, metric, _value(part[leg][metric])]
        for metric in NPS_METRICS:
            yield ["journey", dimension, "nps", metric, _value(part["nps"][metric])]
    for row in journey["at_follow_up"]:
        yield ["journey", "at_follow_up", row["key"], "count", row["count"]]


def _wishes(wishes: dict[str, Any]) -> Rows:
    for row in [*wishes["by_wish"], wishes["none"]]:
        for metric in ("count", "compared", "better", "better_share"):
            yield ["wishes", "wish", row["key"], metric, _value(row[metric])]


def _nps(nps: dict[str, Any]) -> Rows:
    for metric in NPS_METRICS:
        yield ["nps", "", "", metric, _value(nps[metric])]
    for row in nps["by_root_cause"]:
        for metric in NPS_METRICS:
            yield ["nps", "root_cause", _value(row["code"]), metric, _value(row[metric])]


def _outcomes(outcomes: dict[str, Any]) -> Rows:
    for row in outcomes["by_outcome"]:
        yield ["outcomes", "outcome", row["key"], "count", row["count"]]
    for metric in ("no", "no_with_alternative", "no_with_alternative_share"):
        yield ["outcomes", "", "", metric, _value(outcomes[metric])]


def _corrective_actions(actions: dict[str, Any]) -> Rows:
    for metric in ("opened", "done", "dropped", "overdue", "open_at_end"):
        yield ["corrective_actions", "", "", metric, actions[metric]]
    for row in actions["effects"]:
        for metric in ("window_days", "before", "after", "change"):
            yield ["corrective_actions", "effect", row["id"], metric, _value(row[metric])]


NPS_METRICS = ("answers", "promoters", "passives", "detractors", "nps")

# The report's sections in the order of the CSV, each with the rows it gives. "journey" is not
# in reports made before the follow-up's emotion counted, "wishes" not in those made before
# wishes were recorded: a section missing from the figures gives no rows.
SECTIONS: tuple[tuple[str, Callable[[dict[str, Any]], Rows]], ...] = (
    ("volumes", _volumes),
    ("pareto", _pareto),
    ("trend", _trend),
    ("coulance", _coulance),
    ("timings", _timings),
    ("promises", _promises),
    ("triad", _triad),
    ("emotions", _emotions),
    ("journey", _journey),
    ("wishes", _wishes),
    ("nps", _nps),
    ("outcomes", _outcomes),
    ("corrective_actions", _corrective_actions),
)
OPTIONAL_SECTIONS = frozenset({"journey", "wishes"})


def figure_rows(figures: dict[str, Any]) -> Rows:
    """Every stored figure as ``[section, dimension, key, metric, value]``."""
    for name, rows in SECTIONS:
        if name in OPTIONAL_SECTIONS and name not in figures:
            continue
        yield from rows(figures[name])


def report_csv(report: RootCauseReport) -> str:
    out = io.StringIO()
    # RFC 4180 line ends: a cell holding a carriage return or a line feed is then quoted.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([safe_cell(cell) for cell in row] for row in figure_rows(report.figures))
    return out.getvalue()


def report_pdf(report: RootCauseReport) -> bytes:
    """The whole report as a PDF (WeasyPrint; imported here, once per process, when needed)."""
    from weasyprint import HTML

    from reports.presentation import report_context

    html = render_to_string("reports/pdf.html", report_context(report))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def export_filename(report: RootCauseReport, extension: str) -> str:
    return (
        f"root-cause-report-{report.period_start:%Y-%m-%d}-{report.period_end:%Y-%m-%d}.{extension}"
    )


def download(report: RootCauseReport, kind: str) -> HttpResponse:
    """The report as a file to save (web page and API alike): ``kind`` is "csv" or "pdf"."""
    if kind == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(report, kind)}"'
    return response
