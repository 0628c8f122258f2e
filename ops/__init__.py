"""Operating the system: probes (/health/, /ready/), the request id carried into logs and tasks,
JSON logs, error reporting and Prometheus metrics. Wiring only; the figures it reports are read
by the apps' own selectors (``complaints.scheduling.backlog``)."""
