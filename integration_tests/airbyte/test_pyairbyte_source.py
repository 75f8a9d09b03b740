"""PyAirbyte runs source-hyros against the bundled sandbox, the way people run a connector without an
Airbyte deployment: `airbyte.get_source(…)` with the built bin (`local_executable`) and with the image
(`docker_image`), every stream into PyAirbyte's default DuckDB cache, and into a PostgreSQL cache on a
real PostgreSQL server. Two runs each: the first with the sandbox's clock at T1, the second after the
sandbox gained the records created since and changed older ones (lead updates, late refunds, ended
subscriptions), PyAirbyte passing back the state it kept in its cache.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import airbyte as ab
import pytest
import sqlalchemy

from support import ROOT, SOURCE_BIN, SOURCE_IMAGE, Recorder, SandboxControl, protocol_problems, records_of

T1 = "2026-02-01T00:00:00Z"
LOOKBACK_DAYS = 3
# Every stream of a config without attribution reports.
STREAMS = [
    "leads", "sales", "calls", "subscriptions", "carts", "lead_clicks",
    "sources", "ads", "ad_accounts", "products", "stages", "tags",
]
INCREMENTAL = {"leads", "sales", "calls", "subscriptions", "carts", "lead_clicks"}


def _config(base_url: str, end_date: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "api_key": "sandbox-key",
        "base_url": base_url,
        "start_date": "2026-01-01",
        "lookback_window_days": LOOKBACK_DAYS,
        # The sandbox's sales and subscriptions lie in early 2026: look back far enough for its refunds
        # and cancellations whatever today's date is.
        "refund_lookback_days": 730,
        "subscription_lookback_days": 3650,
        "requests_per_second": 1000,
        "requests_per_minute": 60000,
    }
    if end_date:
        config["end_date"] = end_date
    return config


def _iso(value: Any) -> datetime:
    """A timestamp as the cache returns it (a datetime, naive in UTC or aware) or an ISO string."""
    moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if not isinstance(moment, datetime):
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _pg_port() -> int:
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "airbyte" / "ensure-postgres.sh")],
        check=True, capture_output=True, text=True, timeout=900,
    )
    return int(out.stdout.strip().splitlines()[-1])


def _new_postgres_cache(name: str) -> ab.caches.PostgresCache:
    import psycopg2

    port = _pg_port()
    database = f"pyairbyte_{name}_{os.getpid()}"
    connection = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=10)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
        cursor.execute(f'CREATE DATABASE "{database}"')
    connection.close()
    return ab.caches.PostgresCache(
        host="127.0.0.1", port=port, username="postgres", password="postgres", database=database, schema_name="hyros",
    )


def _duckdb_cache(kind: str, folder: Path) -> ab.caches.DuckDBCache:
    """PyAirbyte's default cache for the bin (new in each test session: AIRBYTE_CACHE_ROOT is a fresh
    temporary folder), a local DuckDB cache of its own for the image (one process keeps the default
    cache's database open, so a second test cannot start it afresh)."""
    if kind == "local":
        return ab.get_default_cache()
    return ab.new_local_cache(cache_name=f"source_hyros_{kind}", cache_dir=folder)


class Run:
    """One PyAirbyte source of one kind, with everything its connector printed on stdout."""

    def __init__(self, kind: str, folder: Path, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kind = kind
        self.base_url = base_url
        if kind == "local":
            self.recorder = Recorder(folder, "source-hyros", [str(SOURCE_BIN)])
            self.log = self.recorder.log
            self.source = ab.get_source(
                "source-hyros", local_executable=self.recorder.executable, config=_config(base_url, T1),
                install_if_missing=False,
            )
        else:
            folder.mkdir(parents=True, exist_ok=True)
            self.log = folder / "docker-run.stdout.jsonl"
            self.log.touch()
            monkeypatch.setenv("AIRBYTE_TEST_MESSAGE_LOG", str(self.log))  # the docker shim records
            self.source = ab.get_source(
                "source-hyros", docker_image=SOURCE_IMAGE, use_host_network=True, config=_config(base_url, T1),
            )

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def read(self, cache: Any, end_date: str | None) -> tuple[Any, list[dict[str, Any]]]:
        import json

        self.source.set_config(_config(self.base_url, end_date))
        self.source.select_all_streams()
        start = len(self.lines())
        result = self.source.read(cache=cache)
        return result, [json.loads(line) for line in self.lines()[start:]]


def _table(cache: Any, stream: str) -> list[dict[str, Any]]:
    """The cache's rows of a stream (PyAirbyte lower-cases column names: lastUpdatedDate → lastupdateddate)."""
    return cache[stream].to_pandas().to_dict("records")


def _column_type(cache: Any, stream: str, column: str) -> str:
    engine = cache.get_sql_engine()
    table = cache.processor.get_sql_table_name(stream)
    columns = {c["name"]: c["type"] for c in sqlalchemy.inspect(engine).get_columns(table, schema=cache.schema_name)}
    return str(columns[column]).upper()


def _primary_keys(source: Any) -> dict[str, list[list[str]]]:
    return {s.name: s.source_defined_primary_key for s in source.discovered_catalog.streams}


def _key(record: dict[str, Any], key: list[list[str]]) -> tuple:
    values = []
    for path in key:
        value: Any = record
        for part in path:
            if isinstance(value, str):
                import json

                value = json.loads(value)
            value = value[part] if value is not None else None
        values.append(value)
    return tuple(values)


@pytest.mark.parametrize(
    ("kind", "cache_kind"),
    [("local", "duckdb"), ("docker", "duckdb"), ("local", "postgres")],
    ids=["local_executable-duckdb", "docker_image-duckdb", "local_executable-postgres"],
)
def test_two_incremental_syncs(kind: str, cache_kind: str, sandbox: SandboxControl, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    cache = _duckdb_cache(kind, tmp_path / "cache") if cache_kind == "duckdb" else _new_postgres_cache(kind)
    run = Run(kind, tmp_path / "run", sandbox.base_url, monkeypatch)
    keys = _primary_keys(run.source)
    assert sorted(keys) == sorted(STREAMS)

    # -- first sync: the sandbox as it was at T1 ----------------------------------------------------
    sandbox.set_as_of(T1)
    served_t1 = sandbox.served_counts()
    _, first = run.read(cache, T1)
    counts_t1 = {stream: len(_table(cache, stream)) for stream in STREAMS}
    assert counts_t1 == served_t1
    assert all(count > 0 for count in counts_t1.values()), counts_t1

    # -- second sync: everything created since, and the changes to older records --------------------
    sandbox.set_as_of(None)
    served_now = sandbox.served_counts()
    _, second = run.read(cache, None)
    tables = {stream: _table(cache, stream) for stream in STREAMS}
    assert {stream: len(rows) for stream, rows in tables.items()} == served_now

    # Each record once (primary keys unique per table), with its latest values.
    for stream, rows in tables.items():
        seen = [_key(row, keys[stream]) for row in rows]
        assert len(seen) == len(set(seen)), f"{stream}: duplicate primary keys"
    for column_stream in INCREMENTAL:
        assert "TIMESTAMP" in _column_type(cache, column_stream, "occurred_at"), column_stream

    since = _iso(T1) - timedelta(days=LOOKBACK_DAYS)
    # Only what is new or changed since the first sync was read again (incremental streams).
    leads_now = {row["id"]: row for row in tables["leads"]}
    read_again = {row["id"] for row in records_of(second, "leads")}
    new_or_changed = {i for i, row in leads_now.items() if _iso(row["occurred_at"]) >= since or _iso(row["lastupdateddate"]) >= since}
    created_since_t1 = {i for i, row in leads_now.items() if _iso(row["occurred_at"]) >= _iso(T1)}
    assert created_since_t1 <= read_again <= new_or_changed
    # Leads created before the first sync's lookback: only the change pass reads them again (updated
    # since); some of them changed after the first sync, and the table holds their new version.
    first_leads = {row["id"]: row for row in records_of(first, "leads")}
    updated_old = [i for i in read_again if _iso(leads_now[i]["occurred_at"]) < since]
    changed = [i for i in updated_old if _iso(leads_now[i]["lastupdateddate"]) > _iso(first_leads[i]["lastUpdatedDate"])]
    assert changed, "no lead created before the first sync changed since: pick another T1"

    sales_now = {row["id"]: row for row in tables["sales"]}
    sales_again = {row["id"] for row in records_of(second, "sales")}
    old_sales_again = {i for i in sales_again if _iso(sales_now[i]["occurred_at"]) < since}
    for sale_id in old_sales_again:  # only refunds bring an old sale back
        assert sales_now[sale_id].get("refunddate") and _iso(sales_now[sale_id]["refunddate"]) >= since
    late_refunds = {i for i in old_sales_again if _iso(sales_now[i]["refunddate"]) >= _iso(T1)}
    assert late_refunds, "no sale made before the first sync was refunded since"
    first_sales = {row["id"]: row for row in records_of(first, "sales")}
    for sale_id in late_refunds:
        assert not first_sales[sale_id].get("refundDate")
        assert sales_now[sale_id]["refunddate"] is not None
    assert {i for i, row in sales_now.items() if _iso(row["occurred_at"]) >= _iso(T1)} <= sales_again
    for stream in ("calls", "carts"):
        again = records_of(second, stream)
        assert again and all(_iso(row["occurred_at"]) >= since for row in again), stream
    for stream in INCREMENTAL:
        assert len(records_of(second, stream)) < served_now[stream], stream

    # Every line the connector printed, in both runs, is an Airbyte message.
    assert protocol_problems(run.lines()) == []
    states = [m for m in second if m["type"] == "STATE"]
    assert {s["state"]["stream"]["stream_descriptor"]["name"] for s in states} == set(STREAMS)
