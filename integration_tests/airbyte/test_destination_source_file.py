"""PyAirbyte runs destination-hyros, fed by Airbyte's own File source (`airbyte-source-file`, a real
connector nobody here wrote) reading a CSV of internal sales, `email, sale_id, amount, currency,
occurred_at, product`, written to Hyros as orders: every row one order with its real event time, a
second run of the same write creates no duplicate, a row with a bad email is reported as invalid while
the rest land. Both connectors run as local executables wrapped in a recorder, so every line they
printed is parsed with Airbyte's protocol models.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import airbyte as ab
import pytest

from support import DESTINATION_BIN, SOURCE_FILE_BIN, Recorder, SandboxControl, protocol_problems

# Twelve sales closed in an internal CRM; one typed with a bad email (1 of 12 stays under the
# destination's default max_rejected_percent of 10). Times with and without offsets, as CRMs export them.
ROWS = [
    ("ana.silva@example.com", "CRM-2001", "49.90", "USD", "2026-02-10T14:03:00Z", "Starter Course"),
    ("ben.okafor@example.com", "CRM-2002", "129.00", "EUR", "2026-02-11T09:30:00+01:00", "Coaching Call"),
    ("chen.wei@example.com", "CRM-2003", "990.00", "USD", "2026-02-12T18:45:10Z", "Mastermind"),
    ("dana.kovac@example.com", "CRM-2004", "19.00", "USD", "2026-02-13T07:00:00-05:00", "E-book"),
    ("eli.haddad@example.com", "CRM-2005", "250.00", "GBP", "2026-02-14T12:00:00Z", "Workshop Seat"),
    ("not-an-email", "CRM-2006", "75.00", "USD", "2026-02-15T10:10:10Z", "Webinar Replay"),
    ("fatima.zahra@example.com", "CRM-2007", "49.90", "USD", "2026-02-16T16:20:00Z", "Starter Course"),
    ("goran.petrov@example.com", "CRM-2008", "1490.00", "USD", "2026-02-17T08:08:08Z", "Done For You"),
    ("hana.sato@example.com", "CRM-2009", "29.00", "USD", "2026-02-18T21:15:00Z", "Templates Pack"),
    ("ivan.rossi@example.com", "CRM-2010", "129.00", "USD", "2026-02-19T11:11:00Z", "Coaching Call"),
    ("julia.meyer@example.com", "CRM-2011", "590.00", "EUR", "2026-02-20T13:30:00+01:00", "Intensive"),
    ("kofi.mensah@example.com", "CRM-2012", "49.90", "USD", "2026-02-21T09:45:00Z", "Starter Course"),
]
BAD = "CRM-2006"


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


@pytest.fixture(scope="module")
def sales_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crm") / "internal_sales.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "sale_id", "amount", "currency", "occurred_at", "product"])
        writer.writerows(ROWS)
    return path


def _write_once(sandbox: SandboxControl, sales_csv: Path, folder: Path) -> tuple[Recorder, Recorder, Path]:
    source_recorder = Recorder(folder, "source-file", [str(SOURCE_FILE_BIN)])
    destination_recorder = Recorder(folder, "destination-hyros", [str(DESTINATION_BIN)])
    rejected = folder / "rejected.jsonl"
    source = ab.get_source(
        "source-file",
        local_executable=source_recorder.executable,
        config={
            "dataset_name": "internal_sales",
            "format": "csv",
            "url": str(sales_csv),
            "provider": {"storage": "local"},
            # Keep every column as text, as a warehouse export would hand it over.
            "reader_options": json.dumps({"dtype": "str"}),
        },
        install_if_missing=False,
    )
    source.select_all_streams()
    destination = ab.get_destination(
        "destination-hyros",
        local_executable=destination_recorder.executable,
        config={
            "api_key": "sandbox-key",
            "base_url": sandbox.base_url,
            "timezone": "America/New_York",
            "streams": [{"stream": "internal_sales", "object": "order"}],
            "rejected_records_path": str(rejected),
        },
        install_if_missing=False,
    )
    # PyAirbyte asks for overwrite (REPLACE) by default, which Hyros cannot do: its data cannot be
    # bulk-deleted, so destination-hyros offers append and append_dedup only (its spec says so).
    destination.write(source, cache=False, write_strategy="append")
    sandbox.call("settle")
    return source_recorder, destination_recorder, rejected


def _orders(sandbox: SandboxControl) -> dict[str, list[dict[str, Any]]]:
    writes = [w for w in sandbox.call("writes") if w["object"] == "order"]
    by_key: dict[str, list[dict[str, Any]]] = {}
    for write in writes:
        by_key.setdefault(write["key"], []).append(write)
    return by_key


def test_source_file_into_destination_hyros_twice(sandbox: SandboxControl, sales_csv: Path, tmp_path: Path) -> None:
    good = [row for row in ROWS if row[1] != BAD]

    source_1, destination_1, rejected_1 = _write_once(sandbox, sales_csv, tmp_path / "first")
    orders = _orders(sandbox)
    assert sorted(orders) == sorted(row[1] for row in good)
    for email, sale_id, amount, currency, occurred_at, product in good:
        (write,) = orders[sale_id]
        assert write["status"] == "PROCESSED"
        body = write["body"]
        assert body["email"] == email
        assert body["currency"] == currency
        assert body["items"] == [{"name": product, "price": float(amount)}]
        # The real event time, sent with an explicit offset.
        assert _instant(body["date"]) == _instant(occurred_at)
        entities = sandbox.call("entityRecords", object="order", key=sale_id)
        assert len(entities) == 1, sale_id

    # The bad row: never sent, reported as invalid (a WARN naming it, and a line in rejected_records_path).
    warnings = [m["log"]["message"] for m in destination_1.messages() if m["type"] == "LOG" and m["log"]["level"] == "WARN"]
    assert any(BAD in message and "email" in message for message in warnings), warnings
    (rejected,) = [json.loads(line) for line in rejected_1.read_text().splitlines()]
    assert rejected["outcome"] == "invalid" and rejected["key"] == f"order:{BAD}" and rejected["stream"] == "internal_sales"
    infos = [m["log"]["message"] for m in destination_1.messages() if m["type"] == "LOG" and m["log"]["level"] == "INFO"]
    assert any(m.startswith("Stream internal_sales: 11 accepted, 0 rejected, 1 invalid") for m in infos), infos
    # source-file sends no STATE for its full-refresh stream, so there is none to echo.
    assert not [m for m in source_1.messages() if m["type"] == "STATE"]
    assert not [m for m in destination_1.messages() if m["type"] == "STATE"]

    # The same write again: updates of the same orders, no duplicate in Hyros.
    source_2, destination_2, _ = _write_once(sandbox, sales_csv, tmp_path / "second")
    assert sandbox.call("duplicates") == []
    orders = _orders(sandbox)
    assert sorted(orders) == sorted(row[1] for row in good)
    for _, sale_id, *_ in good:
        assert [w["status"] for w in orders[sale_id]] == ["PROCESSED", "PROCESSED"]
        assert len(sandbox.call("entityRecords", object="order", key=sale_id)) == 1, sale_id

    # What source-file sent and what destination-hyros printed: Airbyte messages, every line.
    for recorder in (source_1, destination_1, source_2, destination_2):
        assert protocol_problems(recorder.lines()) == [], recorder.name
    records = [m for m in source_1.messages() if m["type"] == "RECORD"]
    assert len(records) == len(ROWS)
