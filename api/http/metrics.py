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
    def __init__(self, ledger: Any) -> None:
        self.ledger = ledger

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, value in ledger_figures(self.ledger).items():
            if value is not None:
                metric, help_text = GAUGES[name]
                yield GaugeMetricFamily(metric, help_text, value=value)


class Metrics:
    """One app's metrics; `observe_command` listens to the ledger's outcomes."""

    def __init__(self, ledger: Any) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.commands = Counter("vledger_commands", "Commands by step and outcome; refusals by rule.",
                                ("step", "outcome", "rule"), registry=self.registry)
        self.request_seconds = Histogram("vledger_http_request_duration_seconds", "HTTP request latency.",
                                         ("method", "route", "status"), buckets=LATENCY_BUCKETS_SECONDS,
                                         registry=self.registry)
        self.registry.register(LedgerFigures(ledger))

    def observe_command(self, outcome: CommandOutcome) -> None:
        self.commands.labels(outcome.step, outcome.outcome, outcome.rule or "").inc()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.request_seconds.labels(method, route, str(status)).observe(seconds)


def install_metrics(app: Any, ledger: Any) -> Metrics:
    metrics = Metrics(ledger)
    app.state.metrics = metrics
    ledger.outcome_listeners.append(metrics.observe_command)
    return metrics


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
