"""Prometheus metrics with ``prometheus_client``.

Per request: one observation of ``klachtwijzer_http_request_duration_seconds`` by view name,
method and status class (its ``_count`` is the number of requests). Under gunicorn, whose
workers are separate processes, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder made
fresh at each start: every process then writes its values to files there and a scrape, served
by whichever process, adds them all up (``MultiProcessCollector``). Without it, a process
reports only itself (fine for one process, e.g. ``runserver``).

The queues (due jobs, outbox) are read at scrape time by ``QueueCollector`` with index-only
queries, never counted per request.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator

from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

REQUEST_DURATION = Histogram(
    "klachtwijzer_http_request_duration_seconds",
    "Time to answer a request, by view name, method and status class (_count: requests).",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_STATUS_CLASSES = {1: "1xx", 2: "2xx", 3: "3xx", 4: "4xx", 5: "5xx"}


def observe_request(request: HttpRequest, status: int, seconds: float) -> str:
    """Count one answered request; the view name it was counted under."""
    match = request.resolver_match
    # An address that resolves to nothing is one label, not one per path a scanner tries.
    view = match.view_name if match is not None else "<unresolved>"
    method = request.method if request.method in _METHODS else "other"
    REQUEST_DURATION.labels(view, method, _STATUS_CLASSES.get(status // 100, "other")).observe(
        seconds
    )
    return view


class QueueCollector(Collector):
    """The due-job queue and the outbox: how many wait, and how long the oldest has waited."""

    def collect(self) -> Iterable[Metric]:
        from complaints.scheduling import backlog  # the apps are loaded by the time we scrape

        up = GaugeMetricFamily(
            "klachtwijzer_queue_metrics_up", "1 if the queue figures below could be read."
        )
        now = timezone.now()
        try:
            figures = [
                (
                    "due_jobs",
                    "Pending scheduled jobs whose moment has passed",
                    *backlog.due_jobs(now),
                ),
                ("outbox", "Emails waiting to be sent", *backlog.outbox(now)),
            ]
        except DatabaseError:
            log.warning("queue metrics: the database could not be read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, what, depth, age in figures:
            yield GaugeMetricFamily(f"klachtwijzer_{name}", f"{what}.", value=depth)
            yield GaugeMetricFamily(
                f"klachtwijzer_{name}_oldest_age_seconds",
                f"{what}: seconds the oldest has waited (0 when none).",
                value=age,
            )


class _ThisProcess(Collector):
    """The default registry (this process's metrics, process and GC figures)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition() -> bytes:
    """The metrics in Prometheus' text format."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(QueueCollector())
    return generate_latest(registry)
