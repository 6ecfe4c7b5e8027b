"""`/metrics` in the Prometheus text format (prometheus-client; decision 0027).

Counters and the latency histogram live in a registry of the app's own (each
app, e.g. each test, counts from zero); the ledger's figures
(`api.figures.ledger_figures`) are read when Prometheus scrapes. Labels are
step names, rule IDs, outcomes and route templates only: a bounded set, and
never a caller's text, an id or personal data. The endpoint is public like
`/healthz`: it holds counts, no error text."""

from __future__ import annotations

from typing import Any, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from api.figures import ledger_figures
from ledger.outcomes import CommandOutcome

router = APIRouter(tags=["health"])
LATENCY_BUCKETS_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
GAUGES = {
    "events": ("vledger_events", "Events in the log."),
    "projection_lag_events": ("vledger_projection_lag_events", "Events the views have not applied yet."),
    "projection_lag_seconds": ("vledger_projection_lag_seconds",
                               "Event time between the newest event and the newest event the views applied."),
    "checkpoint_age_seconds": ("vledger_checkpoint_age_seconds", "Seconds since the latest signed checkpoint."),
    "cosignature_age_seconds": ("vledger_witness_cosignature_age_seconds",
                                "Seconds since the latest checkpoint a witness cosigned."),
    "pool_connections_in_use": ("vledger_db_pool_connections_in_use", "Database connections checked out."),
    "pool_size": ("vledger_db_pool_size", "Connections the database pool keeps."),
}


class LedgerFigures(Collector):
    """Reads the app's ledger when scraped (tests may hand the app another ledger)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, value in ledger_figures(self.app.state.ledger).items():
            if value is not None:
                metric, help_text = GAUGES[name]
                yield GaugeMetricFamily(metric, help_text, value=value)


class Metrics:
    """One app's metrics; `observe_command` listens to the ledger's outcomes."""

    def __init__(self, app: Any) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.commands = Counter("vledger_commands", "Commands by step and outcome; refusals by rule.",
                                ("step", "outcome", "rule"), registry=self.registry)
        self.request_seconds = Histogram("vledger_http_request_duration_seconds", "HTTP request latency.",
                                         ("method", "route", "status"), buckets=LATENCY_BUCKETS_SECONDS,
                                         registry=self.registry)
        self.registry.register(LedgerFigures(app))

    def attach(self, ledger: Any) -> None:
        """Listens to the ledger's command outcomes (once per ledger)."""
        listeners = getattr(ledger, "outcome_listeners", None)
        if listeners is not None and self.observe_command not in listeners:
            listeners.append(self.observe_command)

    def observe_command(self, outcome: CommandOutcome) -> None:
        self.commands.labels(outcome.step, outcome.outcome, outcome.rule or "").inc()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.request_seconds.labels(method, route, str(status)).observe(seconds)


def refusals_by_rule(app: Any) -> dict[str, int]:
    """Refused commands since the server started, by rule ("" for refusals no rule names)."""
    metrics = getattr(app.state, "metrics", None)
    counts: dict[str, int] = {}
    if metrics is None:
        return counts
    for family in metrics.commands.collect():
        for sample in family.samples:
            if sample.name.endswith("_total") and sample.labels["outcome"] == "refused":
                rule = sample.labels["rule"] or "no rule"
                counts[rule] = counts.get(rule, 0) + int(sample.value)
    return dict(sorted(counts.items()))


def install_metrics(app: Any) -> Metrics:
    metrics = Metrics(app)
    app.state.metrics = metrics
    metrics.attach(app.state.ledger)
    return metrics


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
