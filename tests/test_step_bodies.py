"""Each step's published body model (api/http/step_bodies.py) has exactly the
fields the ledger's body reader reads for that step (docs/decisions/0050): a
whole loop of every step is walked with the reader recording each field it is
asked for. Each model refuses unknown fields and takes its example."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.http.step_bodies import STEP_BODIES
from api.http.step_examples import STEP_EXAMPLES
from ledger import command as command_module
from ledger.application import VoucherLedger
from ledger.body import Body
from ledger.steps import load_all_steps
from tests.test_http_schema_writes import walk_the_whole_loop
from tests.world import World

HTTP_STEPS = set(load_all_steps()) - {"genesis"}  # genesis is `vledger init`, never sent over HTTP


@pytest.fixture
def fields_read(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Every body field the steps ask the reader for, by step, while the test runs."""
    read: dict[str, set[str]] = defaultdict(set)
    reader_get, command_init = Body._get, command_module.Command.__post_init__

    def recording_get(body: Body, name: str, required: bool):
        read[body.step].add(name)
        return reader_get(body, name, required)

    def tagging_init(command) -> None:
        command_init(command)
        command.body.step = command.envelope["command"]

    monkeypatch.setattr(Body, "_get", recording_get)
    monkeypatch.setattr(command_module.Command, "__post_init__", tagging_init)
    return read


def test_every_step_sent_over_http_has_a_body_model_and_an_example() -> None:
    assert set(STEP_BODIES) == HTTP_STEPS
    assert set(STEP_EXAMPLES) == HTTP_STEPS


def test_each_model_has_exactly_the_fields_its_step_reads(fields_read: dict[str, set[str]], ledger: VoucherLedger,
                                                          tmp_path: Path) -> None:
    world = World(ledger, "hunan-hengyang")
    walk_the_whole_loop(world)
    shandong = VoucherLedger(f"sqlite:///{tmp_path / 'shandong.db'}", keys=tmp_path / "shandong-keys")
    World(shandong, "shandong").adopt_segmented_subsidy()
    shandong.close()
    walked = {step for step in fields_read if step != "genesis"}
    assert walked == HTTP_STEPS - {step for step, model in STEP_BODIES.items() if not model.model_fields}
    for step in HTTP_STEPS:
        assert set(STEP_BODIES[step].model_fields) == fields_read.get(step, set()), step


@pytest.mark.parametrize("step", sorted(HTTP_STEPS))
def test_each_model_takes_its_example_and_refuses_an_unknown_field(step: str) -> None:
    model = STEP_BODIES[step]
    assert model.model_validate_json(json.dumps(STEP_EXAMPLES[step])).model_dump(exclude_unset=True) == \
        STEP_EXAMPLES[step]
    with pytest.raises(ValidationError):
        model.model_validate_json(json.dumps({**STEP_EXAMPLES[step], "colour": "red"}))
