"""The Cloud edition (cloud/source-hyros/manifest.yaml, run by airbyte-cdk's declarative engine) against
the TypeScript source, on the same sandbox data: discover, a full read, two incremental syncs (the
first with the sandbox's clock at T1, the second from each edition's own state after the sandbox
gained new records and changed old ones), agency accounts, and a rejected key.

Every difference found must be one the README lists as `asserted`, and every such difference must
show up: the list in the docs is exactly what the engine does differently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cloud_editions import Edition, configured_catalog, documented_differences
from cloud_parity import (
    compare_agency_states,
    compare_catalogs,
    compare_records,
    compare_rejected_key,
    compare_second_sync,
    compare_specs,
)
from support import API_KEY, SandboxControl, protocol_problems

T1 = "2026-02-01T00:00:00Z"
START = "2026-01-01T00:00:00Z"
DATA_END = "2026-03-01T00:00:00Z"
LOOKBACK_DAYS = 3
ACCOUNTS = ["acc-a", "acc-b"]
EDITIONS = ("typescript", "cloud")
INCREMENTAL = ["leads", "sales", "calls", "subscriptions", "carts"]
# A report for discover only: the Cloud edition has no attribution streams.
ATTRIBUTION = [{"name": "fb_daily", "level": "facebook_adset", "fields": ["revenue", "sales"]}]
AGENCY_STREAMS = {"leads": "id", "sales": "id", "stages": "name", "ads": "ad_source_id"}
REJECTED_KEY_STREAMS = ["leads", "sales", "stages"]
AGENCY_KEYS = {stream: [["account_id"], [key]] for stream, key in AGENCY_STREAMS.items()}


def config(base_url: str, **extra: Any) -> dict[str, Any]:
    """One config for both editions (the Cloud edition ignores the settings it does not offer)."""
    return {
        "api_key": API_KEY,
        "base_url": base_url,
        "start_date": "2026-01-01",
        "lookback_window_days": LOOKBACK_DAYS,
        # Several pages per window, so both follow nextPageId.
        "page_size": 20,
        "refund_lookback_days": 730,
        "subscription_lookback_days": 3650,
        "requests_per_second": 1000,
        "requests_per_minute": 60000,
        **extra,
    }


class Parity:
    """Both editions' runs of one scenario, made once per module."""

    def __init__(self, sandbox: SandboxControl, folder: Path) -> None:
        self.sandbox = sandbox
        self.editions = {name: Edition(name, folder) for name in EDITIONS}
        self._cache: dict[str, Any] = {}

    def once(self, name: str, make: Any) -> Any:
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    def each(self, verb: str, cfg: dict[str, Any], catalogs: dict[str, Any] | None = None,
             states: dict[str, Any] | None = None) -> dict[str, Any]:
        return {name: edition.run(verb, cfg, (catalogs or {}).get(name), (states or {}).get(name))
                for name, edition in self.editions.items()}

    def spec(self) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            from cloud_manifest_engine import manifest_spec

            [ts_spec] = self.editions["typescript"].run("spec", None).of_type("SPEC")
            return {"typescript": ts_spec["spec"]["connectionSpecification"], "cloud": manifest_spec()["connectionSpecification"]}
        return self.once("spec", make)

    def discover(self) -> dict[str, Any]:
        return self.once("discover", lambda: self.each("discover", config(self.sandbox.base_url, end_date=DATA_END, attribution_reports=ATTRIBUTION)))

    def keys(self) -> dict[str, list[list[str]]]:
        return {name: stream["source_defined_primary_key"] for name, stream in self.discover()["typescript"].catalog().items()}

    def catalogs(self, cfg: dict[str, Any], incremental: bool, only: list[str] | None = None) -> dict[str, Any]:
        out = {}
        for name, run in self.each("discover", cfg).items():
            catalog = run.catalog()
            streams = [s for s in catalog if not s.startswith("attribution_") and (only is None or s in only)]
            out[name] = configured_catalog(catalog, streams, incremental)
        return out

    def full(self) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            self.sandbox.set_as_of(None)
            cfg = config(self.sandbox.base_url, end_date=DATA_END)
            return self.each("read", cfg, self.catalogs(cfg, incremental=False))
        return self.once("full", make)

    def incremental(self) -> tuple[dict[str, Any], dict[str, Any]]:
        def make() -> tuple[dict[str, Any], dict[str, Any]]:
            self.sandbox.set_as_of(T1)
            first_cfg = config(self.sandbox.base_url, end_date=T1)
            catalogs = self.catalogs(first_cfg, incremental=True, only=INCREMENTAL)
            first = self.each("read", first_cfg, catalogs)
            states = {name: list(run.final_states().values()) for name, run in first.items()}
            self.sandbox.set_as_of(None)
            second = self.each("read", config(self.sandbox.base_url), catalogs, states)
            return first, second
        return self.once("incremental", make)

    def agency(self) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            self.sandbox.set_as_of(None)
            cfg = config(self.sandbox.base_url, end_date=DATA_END, account_ids=ACCOUNTS)
            return self.each("read", cfg, self.catalogs(cfg, incremental=True, only=list(AGENCY_STREAMS)))
        return self.once("agency", make)

    def rejected_key(self) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            cfg = config(self.sandbox.base_url, end_date=DATA_END)
            catalogs = self.catalogs(cfg, incremental=False, only=REJECTED_KEY_STREAMS)
            return self.each("read", {**cfg, "api_key": "not-the-key"}, catalogs)
        return self.once("rejected_key", make)


@pytest.fixture(scope="module")
def parity(tmp_path_factory: pytest.TempPathFactory) -> Parity:
    sandbox = SandboxControl.start("--accounts", ",".join(ACCOUNTS))
    try:
        yield Parity(sandbox, tmp_path_factory.mktemp("cloud-parity"))
    finally:
        sandbox.close()


def _assert_ran(runs: dict[str, Any]) -> None:
    for name, run in runs.items():
        assert run.returncode == 0 and run.errors() == [], f"{name}: exit {run.returncode}, {run.errors()[:3]}\n{run.stderr[-2000:]}"


def test_discover_and_spec(parity: Parity) -> None:
    runs = parity.discover()
    _assert_ran(runs)
    seen, unexplained = compare_catalogs(runs["typescript"].catalog(), runs["cloud"].catalog())
    spec_seen, spec_unexplained = compare_specs(parity.spec()["typescript"], parity.spec()["cloud"])
    assert unexplained + spec_unexplained == []
    assert {"no-lead-clicks", "no-attribution-reports"} <= seen


def test_full_read_same_records(parity: Parity) -> None:
    runs = parity.full()
    _assert_ran(runs)
    seen, unexplained = compare_records(runs["typescript"], runs["cloud"], parity.keys(), "full read")
    assert unexplained == []
    counts = {stream: len(records) for stream, records in runs["cloud"].records().items()}
    assert counts == {stream: len(records) for stream, records in runs["typescript"].records().items() if stream != "lead_clicks"}
    assert all(count > 0 for count in counts.values()), counts


def test_incremental_syncs(parity: Parity) -> None:
    first, second = parity.incremental()
    _assert_ran(first)
    _assert_ran(second)
    _, unexplained = compare_records(first["typescript"], first["cloud"], parity.keys(), "first sync")
    _, more = compare_second_sync(first, second, T1, START, LOOKBACK_DAYS, parity.keys())
    assert unexplained + more == []
    # Nothing lost: the two syncs of each edition hold every record the sandbox now serves.
    everything = parity.full()["typescript"].records()
    for name in EDITIONS:
        for stream in INCREMENTAL:
            synced = {r["id"] for run in (first[name], second[name]) for r in run.records().get(stream, [])}
            assert synced == {r["id"] for r in everything[stream]}, f"{name}: {stream}"


def test_agency_accounts(parity: Parity) -> None:
    runs = parity.agency()
    _assert_ran(runs)
    _, unexplained = compare_records(runs["typescript"], runs["cloud"], AGENCY_KEYS, "agency read")
    _, state_problems = compare_agency_states(runs["typescript"], runs["cloud"], ACCOUNTS)
    assert unexplained + state_problems == []
    for name in EDITIONS:
        accounts = {r["account_id"] for records in runs[name].records().values() for r in records}
        assert accounts == set(ACCOUNTS), name


def test_rejected_key(parity: Parity) -> None:
    runs = parity.rejected_key()
    _, problems = compare_rejected_key(runs["typescript"], runs["cloud"], len(REJECTED_KEY_STREAMS))
    assert problems == []


def test_every_line_is_an_airbyte_message_and_the_key_never_shows(parity: Parity) -> None:
    first, second = parity.incremental()
    runs = [*parity.discover().values(), *parity.full().values(), *first.values(), *second.values(), *parity.agency().values()]
    for run in runs:
        assert protocol_problems(run.lines) == []
        assert API_KEY not in "\n".join(run.lines) + run.stderr


def test_differences_are_exactly_the_documented_ones(parity: Parity) -> None:
    discover, full, agency, rejected = parity.discover(), parity.full(), parity.agency(), parity.rejected_key()
    first, second = parity.incremental()
    seen: set[str] = set()
    for found, _ in (
        compare_catalogs(discover["typescript"].catalog(), discover["cloud"].catalog()),
        compare_specs(parity.spec()["typescript"], parity.spec()["cloud"]),
        compare_records(full["typescript"], full["cloud"], parity.keys(), "full read"),
        compare_records(first["typescript"], first["cloud"], parity.keys(), "first sync"),
        compare_second_sync(first, second, T1, START, LOOKBACK_DAYS, parity.keys()),
        compare_records(agency["typescript"], agency["cloud"], AGENCY_KEYS, "agency read"),
        compare_agency_states(agency["typescript"], agency["cloud"], ACCOUNTS),
        compare_rejected_key(rejected["typescript"], rejected["cloud"], len(REJECTED_KEY_STREAMS)),
    ):
        seen |= found
    asserted = {name for name, how in documented_differences().items() if how == "asserted"}
    assert sorted(seen) == sorted(asserted)
