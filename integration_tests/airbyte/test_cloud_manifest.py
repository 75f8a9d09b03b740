"""The Cloud manifest (cloud/source-hyros/manifest.yaml) in airbyte-cdk's declarative engine: it is the
generator's output and loads without validation errors; the Connector Builder's own backend
(airbyte_cdk.connector_builder, what the Builder runs when a manifest is imported and a stream tested)
resolves it and test-reads its streams without a warning; its timestamp templates give what the
TypeScript source gives for every form Hyros sends; and against the sandbox it stops on an empty
page that still carries a nextPageId, waits out 429s and restarts a window whose page cursor expired.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cloud_editions import Edition, configured_catalog
from cloud_manifest_engine import declarative_source, load_manifest, manifest_spec, render
from cloud_parity import compare_records
from support import API_KEY, ROOT, SandboxControl

STREAMS = ["leads", "sales", "calls", "subscriptions", "carts", "sources", "ads", "ad_accounts", "products", "stages", "tags"]


def config(base_url: str, **extra: Any) -> dict[str, Any]:
    return {"api_key": API_KEY, "base_url": base_url, "start_date": "2026-01-01", "end_date": "2026-03-01",
            "requests_per_second": 1000, "requests_per_minute": 60000, **extra}


def node(script: str, payload: Any = None) -> Any:
    """Runs an ES module snippet against the build (dist/); it prints one JSON value."""
    done = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(payload), capture_output=True,
                          text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_checked_in_manifest_is_what_the_generator_builds() -> None:
    built = node("const { buildManifest } = await import('./dist/src/tools/cloud/manifest.js');"
                 "process.stdout.write(JSON.stringify(buildManifest()));")
    assert load_manifest() == built


def test_the_engine_loads_the_manifest() -> None:
    """Validation against the engine's component schema happens when the source is built."""
    for extra in ({}, {"account_ids": ["acc-a"]}):
        source = declarative_source(config("https://api.hyros.com/v1/api/v1.0", **extra))
        streams = source.streams(config("https://api.hyros.com/v1/api/v1.0", **extra))
        assert [stream.name for stream in streams] == STREAMS
    spec = manifest_spec()
    # The same documentation page as the full connector's spec.
    full_spec = json.loads((ROOT / "spec" / "spec.json").read_text())
    assert spec["documentationUrl"] == full_spec["documentationUrl"]
    assert spec["connectionSpecification"]["required"] == ["api_key", "start_date"]
    assert spec["connectionSpecification"]["properties"]["api_key"]["airbyte_secret"] is True


# One value of each form and edge the TypeScript source reads (src/hyros/timestamps.ts), plus the
# values it keeps as sent; every zone abbreviation of its table is added below, in winter and summer.
FORMS: list[Any] = [
    "2026-02-02T18:01:07-05:00", "2026-02-02T18:01:07+05:30", "2026-02-02T18:01:07Z", "2026-02-02T18:01:07.5Z",
    "2026-02-02T18:01:07.123456789Z", "2026-02-02", "2026-02-02T18:01", "2026-02-02 18:01:07+0530", "2024-02-29T00:00:00Z",
    "Mon Feb 02 22:31:56 UTC 2026", "Mon Feb 2 22:31:56 GMT+05:30 2026", "Mon Feb 02 22:31:56 GMT-3 2026",
    "Mon Feb 02 22:31:56 UTC+0530 2026", "Thu Dec 31 23:59:59 PST 2026",
    1677151375000, 1677151375123, 1677151375, 1677151375.5, "1677151375000", 0,
    # kept as sent
    "Mon Feb 02 22:31:56 XYZ 2026", "Mon Feb 30 22:31:56 UTC 2026", "2026-02-30T00:00:00Z", "2026-13-01", "garbage", "12345", "",
    True, None,
]


def _zone_cases() -> list[str]:
    zones = node("const { ZONE_OFFSETS_MINUTES } = await import('./dist/src/common/time/index.js');"
                 "process.stdout.write(JSON.stringify(Object.keys(ZONE_OFFSETS_MINUTES)));")
    return [f"{day} {zone} 2026" for zone in zones for day in ("Mon Feb 02 22:31:56", "Mon Jul 06 12:00:00")]


def test_timestamps_as_the_typescript_source_reads_them() -> None:
    values = FORMS + _zone_cases()
    expected = node(
        "const { parseHyrosTimestamp } = await import('./dist/src/hyros/timestamps.js');"
        "const { toIsoUtc } = await import('./dist/src/common/time/index.js');"
        "let input = ''; for await (const chunk of process.stdin) input += chunk;"
        "process.stdout.write(JSON.stringify(JSON.parse(input).map((v) => { const ms = parseHyrosTimestamp(v); return ms === undefined ? null : toIsoUtc(ms); })));",
        values,
    )
    template = load_manifest()["definitions"]["templates"]["utc_timestamp"]
    for value, want in zip(values, expected):
        got = render(template, {"lead": {"creationDate": value}}, {"timestamp_path": ["lead", "creationDate"]})
        # The template renders `None` for a value the source keeps as sent (AddFields then leaves it).
        assert (None if got == "None" else got) == want, value
    assert render(template, {"lead": None}, {"timestamp_path": ["lead", "creationDate"]}) == "None"


def test_occurred_at_falls_back_to_the_window_start() -> None:
    template = load_manifest()["definitions"]["templates"]["occurred_at"]
    window = {"start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-30T23:59:59Z"}
    assert render(template, {"creationDate": "2026-01-05T10:00:00Z"}, {"cursor_source": "creationDate"}, window) == "2026-01-05T10:00:00Z"
    assert render(template, {"creationDate": "garbage"}, {"cursor_source": "creationDate"}, window) == "2026-01-01T00:00:00Z"
    assert render(template, {}, {"cursor_source": "creationDate"}, window) == "2026-01-01T00:00:00Z"


def _builder(command: str, cfg: dict[str, Any], folder: Path, stream: str | None = None, **flags: Any) -> dict[str, Any]:
    """One Connector Builder request (`python -m airbyte_cdk.connector_builder.main read …`): its one message."""
    config_file, catalog_file = folder / f"builder-{command}-{stream}.json", folder / f"builder-{stream}-catalog.json"
    config_file.write_text(json.dumps({**cfg, "__command": command, "__injected_declarative_manifest": load_manifest(), **flags}))
    modes = ["full_refresh", "incremental"] if stream in ("leads", "sales", "calls", "subscriptions", "carts") else ["full_refresh"]
    catalog_file.write_text(json.dumps({"streams": [{"stream": {"name": stream or "stages", "json_schema": {}, "supported_sync_modes": modes},
                                                      "sync_mode": modes[-1], "destination_sync_mode": "append"}]}))
    done = subprocess.run([sys.executable, "-m", "airbyte_cdk.connector_builder.main", "read", "--config", str(config_file),
                           "--catalog", str(catalog_file)], capture_output=True, text=True, timeout=300, check=False)
    [message] = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")][-1:]
    assert message["type"] == "RECORD", message
    return message["record"]["data"]


def test_the_connector_builder_resolves_and_test_reads_it(fault_sandbox: SandboxControl, tmp_path: Path) -> None:
    cfg = config(fault_sandbox.base_url)
    resolved = _builder("resolve_manifest", cfg, tmp_path, __should_normalize=True, __should_migrate=True)["manifest"]
    assert resolved["type"] == "DeclarativeSource" and resolved["version"] == load_manifest()["version"]
    for stream, key in (("sales", "occurred_at"), ("ads", "ad_source_id")):
        read = _builder("test_read", cfg, tmp_path, stream)
        records = [r for s in read["slices"] for page in s["pages"] for r in page["records"]]
        assert records and all(key in record for record in records), stream
        assert [log for log in read["logs"] if log.get("level") in ("ERROR", "WARN", "FATAL")] == [], stream


@pytest.fixture(scope="module")
def paging_sandbox() -> SandboxControl:
    control = SandboxControl.start("--empty-page-cursor")
    yield control
    control.close()


def test_an_empty_page_with_a_next_page_id_ends_the_chain(paging_sandbox: SandboxControl, tmp_path: Path) -> None:
    cfg = config(paging_sandbox.base_url)
    runs = {}
    for name in ("typescript", "cloud"):
        edition = Edition(name, tmp_path)
        catalog = configured_catalog(edition.run("discover", cfg).catalog(), ["stages", "tags"], False)
        paging_sandbox.call("resetStats")
        run = edition.run("read", cfg, catalog)
        assert run.returncode == 0, run.stderr[-2000:]
        runs[name] = run
        by_path = paging_sandbox.call("stats")["byPath"]
        # One page of records, then the empty page that still carries a nextPageId, and no more.
        assert (by_path.get("/stages"), by_path.get("/tags/count")) == (2, 2), (name, by_path)
    _, unexplained = compare_records(runs["typescript"], runs["cloud"], {"stages": [["name"]], "tags": [["name"]]}, "paging")
    assert unexplained == []
    assert [len(runs["cloud"].records()[s]) for s in ("stages", "tags")] == [5, 10]


@pytest.fixture(scope="module")
def fault_sandbox() -> SandboxControl:
    control = SandboxControl.start()
    yield control
    control.close()


def _read_sales(sandbox: SandboxControl, folder: Path, faults: list[dict[str, Any]]) -> tuple[Any, dict[str, Any]]:
    edition = Edition("cloud", folder)
    cfg = config(sandbox.base_url, page_size=20, max_retries=4)
    catalog = configured_catalog(edition.run("discover", cfg).catalog(), ["sales"], False)
    sandbox.call("resetStats")
    sandbox.call("setFaults", faults=faults)
    try:
        run = edition.run("read", cfg, catalog)
    finally:
        sandbox.call("setFaults", faults=[])
    return run, sandbox.call("stats")


def test_429_and_5xx_are_retried_and_lose_nothing(fault_sandbox: SandboxControl, tmp_path: Path) -> None:
    """429s wait for their Retry-After; a 500 (no Retry-After) backs off exponentially."""
    faults = [{"kind": "429-burst", "path": "/sales", "every": 2, "times": 3}, {"kind": "500", "path": "/sales", "after": 7, "times": 1}]
    run, stats = _read_sales(fault_sandbox, tmp_path, faults)
    assert run.returncode == 0 and run.errors() == [], run.stderr[-2000:]
    assert (stats["faults"], stats["status"].get("429"), stats["status"].get("500")) == (4, 3, 1)
    ids = [r["id"] for r in run.records()["sales"]]
    assert sorted(ids) == sorted(r["id"] for r in fault_sandbox.list_all("/sales"))


def test_an_expired_page_cursor_restarts_its_window(fault_sandbox: SandboxControl, tmp_path: Path) -> None:
    run, stats = _read_sales(fault_sandbox, tmp_path, [{"kind": "expired-page", "path": "/sales", "times": 1}])
    assert run.returncode == 0 and run.errors() == [], run.stderr[-2000:]
    assert (stats["faults"], stats["status"].get("400")) == (1, 1)
    # The window is read again from its first page: nothing is lost (its first pages come twice).
    ids = [r["id"] for r in run.records()["sales"]]
    assert set(ids) == {r["id"] for r in fault_sandbox.list_all("/sales")}


def test_without_lookback_the_next_sync_starts_after_the_last_record(fault_sandbox: SandboxControl, tmp_path: Path) -> None:
    """The saved cursor is the last record's occurred_at, inclusive: with lookback_window_days 0 the next
    window starts one second after it, so a sync with nothing new emits nothing again."""
    edition = Edition("cloud", tmp_path)
    cfg = config(fault_sandbox.base_url, lookback_window_days=0)
    catalog = configured_catalog(edition.run("discover", cfg).catalog(), ["sales", "calls"], True)
    first = edition.run("read", cfg, catalog)
    assert first.returncode == 0, first.stderr[-2000:]
    states = first.final_states()
    for stream in ("sales", "calls"):
        last = max(r["occurred_at"] for r in first.records()[stream])
        assert states[stream]["stream"]["stream_state"] == {"occurred_at": last}
    second = edition.run("read", cfg, catalog, list(states.values()))
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.records() == {}
    assert {s: st["stream"]["stream_state"] for s, st in second.final_states().items()} == {s: st["stream"]["stream_state"] for s, st in states.items()}
