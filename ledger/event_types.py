"""Event type names and schema versions (issue 16, docs/decisions/0046).

- **Stable names.** Every event is stored under the topic
  `vledger:<Aggregate>.<Event>` (its aggregate under `vledger:<Aggregate>`),
  registered with the event library's topic mechanism, so moving a module
  breaks no log. Events recorded before issue 16 carry Python module paths
  (`ledger.aggregates.voucher:Voucher.Issued`); those topics are frozen in
  `historical_topics.json` and registered as aliases of the same classes.
- **Schema versions.** Each event type has a version: 1, plus one per
  upcaster registered here. An upcaster turns the `facts` of version N into
  those of N + 1; the chain is the only place an old shape is read. The event
  library upcasts through the classes' `upcast_vN_vN+1` methods, which call
  this chain; the views' decoder and the verifier call `upcast` directly.
- **Sealed.** The hashed record names the event type by its stable topic,
  `vledger:<name>` at version 1 and `vledger:<name>/v<N>` after, so both the
  naming and the version are sealed with the event; events stored under a
  module path before issue 16 keep the `<name>` they were hashed with, so
  every hash recorded before stays valid (`hashed_type`). The stored state holds
  the version as the library writes it (`class_version`, only when above 1).
"""

from __future__ import annotations

import json
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable

from eventsourcing.utils import register_topic

STABLE_PREFIX = "vledger:"
HISTORICAL_TOPICS: dict[str, str] = json.loads(
    (Path(__file__).with_name("historical_topics.json")).read_text(encoding="utf-8"))
"""Module-path topic of the log before issue 16 → the stable name of the same type. Frozen: never edit."""

Facts = dict[str, Any]
Upcaster = Callable[[Facts], Facts]

_UPCASTERS: dict[str, list[Upcaster]] = {}
_STABLE_NAMES: set[str] = set()


class UnknownEventType(ValueError):
    """A stored topic or schema version this code does not know."""


def stable_topic(name: str) -> str:
    return STABLE_PREFIX + name


@lru_cache(maxsize=None)  # only known topics are cached (an unknown one raises): a bounded set
def type_name(topic: str) -> str:
    """The stable name (`Voucher.Issued`) of the type a stored topic names,
    whether the stable topic or a historical module path."""
    if topic.startswith(STABLE_PREFIX) and topic[len(STABLE_PREFIX):] in _stable_names():
        return topic[len(STABLE_PREFIX):]
    name = HISTORICAL_TOPICS.get(topic)
    if name is None:
        raise UnknownEventType(f"the topic {topic!r} names no event type of this ledger")
    return name


def _stable_names() -> set[str]:
    """The names the aggregates define (importing them names every type)."""
    import ledger.aggregates  # noqa: F401 - imported here: the aggregates import this module

    return _STABLE_NAMES


def is_historical(topic: str) -> bool:
    return topic in HISTORICAL_TOPICS


def topics_of(name: str) -> list[str]:
    """Every topic an event of this type may be stored under: its stable one,
    then the module path it had before issue 16, if any."""
    return [stable_topic(name), *(topic for topic, old in HISTORICAL_TOPICS.items() if old == name)]


# --- schema versions and the one upcaster chain ---


def upcaster(name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Registers the upcaster of `name` from `from_version` to the next; they
    must come in order (1→2, then 2→3...) and before the aggregate defining
    the type is, since its class takes its version when it is made."""
    def register(function: Upcaster) -> Upcaster:
        chain = _UPCASTERS.setdefault(name, [])
        if from_version != len(chain) + 1:
            raise ValueError(f"{name}: the next upcaster goes from version {len(chain) + 1}, not {from_version}")
        chain.append(function)
        return function
    return register


def schema_version(name: str) -> int:
    """The version this code records events of type `name` at."""
    return len(_UPCASTERS.get(name, ())) + 1


def upcast(name: str, version: int, facts: Facts) -> Facts:
    """The facts of an event stored at `version`, in the shape of this code's
    version. Never changes `facts` itself (the verifier hashes what was stored)."""
    latest = schema_version(name)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= latest:
        raise UnknownEventType(f"{name} at schema version {version!r}: this code reads versions 1 to {latest}; "
                               "a newer vledger recorded it")
    for step in _UPCASTERS.get(name, [])[version - 1:]:
        facts = step(facts)
    return facts


def stored_version(state: dict[str, Any]) -> int:
    """The schema version a stored state was written at (the library writes
    `class_version` only above 1)."""
    if "class_version" not in state:
        return 1
    version = state["class_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 2:
        raise UnknownEventType(f"class_version {version!r} is not a schema version above 1")
    return version


def read_facts(topic: str, state: dict[str, Any]) -> Facts:
    """The facts of a stored event (its topic and parsed state), in the shape
    of this code's schema version: how every reader of raw rows reads them."""
    return upcast(type_name(topic), stored_version(state), state["facts"])


def hashed_type(topic: str, version: int) -> str:
    """The event type as the hashed record names it, for the event stored
    under `topic` at schema `version`: the one function every writer and
    checker of an event hash calls. An event stored under a stable name seals
    that name (`vledger:Voucher.Issued`, `vledger:Voucher.Enrolled/v2` from
    version 2); an event stored under a module path before issue 16 keeps the
    class part it was hashed with (`Voucher.Issued`). So which kind of topic an
    event carries is sealed, and every hash recorded before stays valid."""
    name = type_name(topic)
    sealed = name if is_historical(topic) else stable_topic(name)
    return sealed if version == 1 else f"{sealed}/v{version}"


# --- the event library's side: topics, versions and upcast methods on the classes ---


def name_event_class(event_class: type, name: str) -> None:
    """Gives the event class of type `name` its schema version and the
    library's `upcast_vN_vN+1` methods (each one step of the chain here)."""
    _STABLE_NAMES.add(name)
    event_class.class_version = schema_version(name)
    for version in range(1, event_class.class_version):
        setattr(event_class, f"upcast_v{version}_v{version + 1}", staticmethod(partial(_upcast_state, name, version)))


def _upcast_state(name: str, version: int, state: dict[str, Any]) -> None:
    """The library's upcast of one stored state, in place, by one version."""
    state["facts"] = _UPCASTERS[name][version - 1](state["facts"])


def register_historical_topics(resolve: Callable[[str], Any]) -> None:
    """Every module-path topic of the log before issue 16 resolves to the class
    its stable name resolves to, wherever the module now is."""
    for topic, name in HISTORICAL_TOPICS.items():
        register_topic(topic, resolve(stable_topic(name)))


# --- the upcasters ---


@upcaster("Voucher.Enrolled", 1)
@upcaster("ClassFiling.Filed", 1)
def class_hours_by_kind(facts: Facts) -> Facts:
    """Version 2 always names the class hours by kind and the training kind
    (decision 0012). Filings and enrolments recorded before then carry only
    `total_class_hours`: all of it counted as theory, none practical, no home
    practice, employment training, as the rules read them then."""
    return {**facts, "theory_class_hours": facts.get("theory_class_hours", facts["total_class_hours"]),
            "practical_class_hours": facts.get("practical_class_hours", 0),
            "home_practice": facts.get("home_practice", False),
            "training_kind": facts.get("training_kind", "employment")}
