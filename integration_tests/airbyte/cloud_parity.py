"""What the Cloud edition does differently from the TypeScript source, found by comparing their runs.

Each function compares one kind of run and returns (difference ids seen, unexplained findings): a
finding that none of the documented differences explains is a failure of the parity test, and the
ids seen across all runs must be exactly the README's list of asserted differences.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cloud_editions import Run, documented_differences, documented_text, record_key

Findings = tuple[set[str], list[str]]

# What a stream's catalog entry promises a user; both editions must agree on all of it.
CATALOG_FIELDS = ("json_schema", "supported_sync_modes", "source_defined_primary_key", "source_defined_cursor",
                  "default_cursor_field", "is_resumable")
# Streams whose changes the TypeScript source reads in a change pass (updated leads, refunds, ended subscriptions).
CHANGE_TRACKED = {"leads", "sales", "subscriptions"}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def compare_catalogs(typescript: dict[str, dict[str, Any]], cloud: dict[str, dict[str, Any]]) -> Findings:
    seen: set[str] = set()
    unexplained: list[str] = []
    for name in sorted(set(typescript) - set(cloud)):
        if name == "lead_clicks":
            seen.add("no-lead-clicks")
        elif name.startswith("attribution_"):
            seen.add("no-attribution-reports")
        else:
            unexplained.append(f"discover: the Cloud edition has no stream {name}")
    unexplained += [f"discover: the Cloud edition has an extra stream {name}" for name in sorted(set(cloud) - set(typescript))]
    for name in sorted(set(typescript) & set(cloud)):
        for key in CATALOG_FIELDS:
            if typescript[name].get(key) != cloud[name].get(key):
                unexplained.append(f"discover: {name}.{key}: {typescript[name].get(key)!r} != {cloud[name].get(key)!r}")
    return seen, unexplained


def compare_specs(typescript: dict[str, Any], cloud: dict[str, Any]) -> Findings:
    """Settings the Cloud edition leaves out must each be named by a documented difference."""
    seen: set[str] = set()
    unexplained: list[str] = []
    ts_fields, cloud_fields = typescript["properties"], cloud["properties"]
    unexplained += [f"spec: the Cloud edition has a setting the source lacks: {name}" for name in sorted(set(cloud_fields) - set(ts_fields))]
    for name in sorted(set(ts_fields) & set(cloud_fields)):
        for key in ("type", "default", "minimum", "maximum", "airbyte_secret", "items"):
            if ts_fields[name].get(key) != cloud_fields[name].get(key):
                unexplained.append(f"spec: {name}.{key}: {ts_fields[name].get(key)!r} != {cloud_fields[name].get(key)!r}")
    for name in sorted(set(ts_fields) - set(cloud_fields)):
        owner = setting_owner(name)
        if owner is None:
            unexplained.append(f"spec: the Cloud edition lacks the setting {name}, and no documented difference names it")
        else:
            seen.add(owner)
    return seen, unexplained


def setting_owner(setting: str) -> str | None:
    for difference in documented_differences():
        if f"`{setting}`" in documented_text(difference):
            return difference
    return None


def compare_record(stream: str, key: tuple[Any, ...], typescript: dict[str, Any], cloud: dict[str, Any]) -> Findings:
    if typescript == cloud:
        return set(), []
    nulls = {field for field, value in typescript.items() if value is None}
    if {k: v for k, v in typescript.items() if k not in nulls} == cloud and not nulls & set(cloud):
        return {"top-level-nulls-dropped"}, []
    differing = sorted(f for f in set(typescript) | set(cloud) if typescript.get(f) != cloud.get(f))
    return set(), [f"{stream} {key}: fields differ: {differing} ({[(typescript.get(f), cloud.get(f)) for f in differing[:3]]})"]


def compare_records(typescript: Run, cloud: Run, keys: dict[str, list[list[str]]], what: str) -> Findings:
    """Same streams (less the ones the Cloud edition lacks), same keys, same records."""
    seen: set[str] = set()
    unexplained: list[str] = []
    ts_records, cloud_records = typescript.records(), cloud.records()
    for stream in sorted(set(ts_records) | set(cloud_records)):
        if stream == "lead_clicks" and stream not in cloud_records:
            seen.add("no-lead-clicks")
            continue
        ts_by_key = {record_key(r, keys[stream]): r for r in ts_records.get(stream, [])}
        cloud_by_key = {record_key(r, keys[stream]): r for r in cloud_records.get(stream, [])}
        if len(cloud_by_key) != len(cloud_records.get(stream, [])):
            unexplained.append(f"{what}: {stream}: the Cloud edition emitted a record twice")
        if set(ts_by_key) != set(cloud_by_key):
            unexplained.append(f"{what}: {stream}: keys differ: only TypeScript {sorted(set(ts_by_key) - set(cloud_by_key))[:5]}, "
                               f"only Cloud {sorted(set(cloud_by_key) - set(ts_by_key))[:5]}")
        for key in sorted(set(ts_by_key) & set(cloud_by_key), key=repr):
            found, problems = compare_record(stream, key, ts_by_key[key], cloud_by_key[key])
            seen |= found
            unexplained += [f"{what}: {problem}" for problem in problems]
    return seen, unexplained


def compare_second_sync(first: dict[str, Run], second: dict[str, Run], sync_end: str, start: str, lookback_days: int,
                        keys: dict[str, list[list[str]]]) -> Findings:
    """An incremental sync from each edition's own state: what each re-reads, and why they differ."""
    seen: set[str] = set()
    unexplained: list[str] = []
    ts_states, cloud_states = first["typescript"].final_states(), first["cloud"].final_states()
    lookback = timedelta(days=lookback_days)
    for stream, cloud_state in sorted(cloud_states.items()):
        first_cloud = first["cloud"].records().get(stream, [])
        last_record = max((r["occurred_at"] for r in first_cloud), default=start)
        ts_cursor = ts_states[stream]["stream"]["stream_state"]["occurred_at"]
        cloud_cursor = cloud_state["stream"]["stream_state"].get("occurred_at")
        if instant(ts_cursor) != instant(sync_end):
            unexplained.append(f"{stream}: the TypeScript cursor {ts_cursor} is not the sync end {sync_end}")
        if cloud_cursor is None or instant(cloud_cursor) != instant(last_record):
            unexplained.append(f"{stream}: the Cloud cursor {cloud_cursor} is not the last record synced ({last_record})")
        elif instant(cloud_cursor) != instant(ts_cursor):
            seen.add("cursor-is-last-record")
        ts_from = max(instant(start), instant(ts_cursor) - lookback)
        cloud_from = max(instant(start), instant(cloud_cursor or start) - lookback)
        ts_second = {record_key(r, keys[stream]): r for r in second["typescript"].records().get(stream, [])}
        cloud_second = {record_key(r, keys[stream]): r for r in second["cloud"].records().get(stream, [])}
        for key in sorted(set(cloud_second) - set(ts_second), key=repr):
            if cloud_from <= instant(cloud_second[key]["occurred_at"]) < ts_from:
                seen.add("cursor-is-last-record")
            else:
                unexplained.append(f"second sync: {stream} {key}: only the Cloud edition emitted it ({cloud_second[key]['occurred_at']})")
        for key in sorted(set(ts_second) - set(cloud_second), key=repr):
            if stream in CHANGE_TRACKED and instant(ts_second[key]["occurred_at"]) < cloud_from:
                seen.add("no-change-pass")
            else:
                unexplained.append(f"second sync: {stream} {key}: only the TypeScript source emitted it ({ts_second[key]['occurred_at']})")
        for key in sorted(set(ts_second) & set(cloud_second), key=repr):
            found, problems = compare_record(stream, key, ts_second[key], cloud_second[key])
            seen |= found
            unexplained += [f"second sync: {problem}" for problem in problems]
    return seen, unexplained


def compare_agency_states(typescript: Run, cloud: Run, accounts: list[str]) -> Findings:
    """Agency states: the source keeps `accounts`, the engine its per-partition `states` list."""
    seen: set[str] = set()
    unexplained: list[str] = []
    for stream, state in cloud.final_states().items():
        ts_state = typescript.final_states()[stream]["stream"]["stream_state"]
        cloud_state = state["stream"]["stream_state"]
        if "occurred_at" not in ts_state:
            continue  # a full-refresh stream: both say so in their own words
        partitions = sorted(entry["partition"]["account_id"] for entry in cloud_state.get("states", []))
        if sorted(ts_state.get("accounts", {})) == accounts and partitions == accounts:
            seen.add("state-format")
        else:
            unexplained.append(f"agency state of {stream}: {ts_state} / {cloud_state}")
    return seen, unexplained


def compare_rejected_key(typescript: Run, cloud: Run, streams: int) -> Findings:
    """A rejected key: the source reports it once for the whole read; the engine once per window of every stream."""
    ts_errors, cloud_errors = typescript.errors(), cloud.errors()
    problems = []
    if typescript.returncode == 0 or cloud.returncode == 0:
        problems.append(f"a rejected key must fail the read (exit {typescript.returncode} / {cloud.returncode})")
    if len(ts_errors) != 1 or any("rejected the API key" not in error for error in ts_errors):
        problems.append(f"the TypeScript source reported {ts_errors} for {streams} streams and one rejected key (one error expected)")
    # The engine ends with one summary naming the failed streams; every other error is one window's.
    windows = [error for error in cloud_errors if not error.startswith("During the sync, the following streams did not sync successfully")]
    if len(cloud_errors) - len(windows) != 1 or not windows or any("rejected the API key" not in error for error in windows):
        problems.append(f"the Cloud edition's errors are not one per window saying the key was rejected, plus a summary: {cloud_errors[:3]}")
    return ({"one-error-per-window"} if len(windows) > 1 and not problems else set()), problems
