"""The Python examples of the README and the docs (`<!-- example: python-sandbox -->`), run as written.

Each document's blocks are read from the Markdown at test time (through the one reader of the markers,
dist/integration_tests/docs/list-examples.js), in a folder that looks like a clone of the repository:
its entries linked, `.venv-airbyte` being what `scripts/airbyte/setup-venv.sh` makes there. The
document's own `sandbox-start` command starts the sandbox (a free port; it writes the configurations
the examples read), then each block runs with the harness's Python, as a reader runs a saved script,
without the offline settings conftest.py gives this process (the examples set their own). A block
passes when it exits 0 without a traceback; the CSV example must also have turned every good row into
an order in the sandbox and reported the bad one. Every file the runs left must be git-ignored.
"""

from __future__ import annotations

import csv
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from support import ROOT, VENV

PYTHON = (VENV if VENV.is_absolute() else ROOT / VENV) / "harness" / "bin" / "python"
SANDBOX_URL = re.compile(r"http://127\.0\.0\.1:\d+/v1/api/v1\.0")
SAMPLE_CSV = "docs/examples/internal_sales.csv"
# What conftest.py sets for the other tests; the examples must work without it.
HARNESS_ONLY_ENV = ("AIRBYTE_OFFLINE_MODE", "DO_NOT_TRACK", "AIRBYTE_PROJECT_DIR", "AIRBYTE_CACHE_ROOT", "AIRBYTE_TEMP_DIR")


def _documents() -> dict[str, dict[str, Any]]:
    lister = ROOT / "dist" / "integration_tests" / "docs" / "list-examples.js"
    out = subprocess.run(["node", str(lister), "python-sandbox"], check=True, capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout)


DOCUMENTS = _documents()


def test_the_connector_pages_have_python_examples() -> None:
    assert {"docs/integrations/sources/hyros.md", "docs/integrations/destinations/hyros.md"} <= set(DOCUMENTS)


def _workspace(folder: Path) -> tuple[Path, set[str]]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    names = {path.split("/")[0] for path in listed} | {"node_modules", "dist"}
    folder.mkdir()
    for name in sorted(names):
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name)
    (folder / ".venv-airbyte").symlink_to(PYTHON.parent.parent.parent)
    return folder, names | {".venv-airbyte"}


class DocumentedSandbox:
    """The document's sandbox-start command in the background, its process group stopped at the end."""

    def __init__(self, command: str, cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            ["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True).start()  # type: ignore[union-attr]
        self.output = ""
        deadline = time.monotonic() + 90
        while not SANDBOX_URL.search(self.output):
            try:
                self.output += lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"the documented sandbox command printed no URL:\n{command}\n{self.output}") from None
        self.base_url = SANDBOX_URL.search(self.output).group(0)  # type: ignore[union-attr]

    def sales(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        page_id = None
        while True:
            query = "pageSize=250" + (f"&pageId={page_id}" if page_id else "")
            request = urllib.request.Request(f"{self.base_url}/sales?{query}", headers={"API-Key": "sandbox-key"})
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                body = json.loads(response.read())
            rows += body["result"]
            page_id = body.get("nextPageId")
            if not page_id:
                return rows

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


def _created(workspace: Path, seeded: set[str]) -> list[str]:
    found = []
    for path in workspace.rglob("*"):
        relative = path.relative_to(workspace)
        if relative.parts[0] in seeded or path.is_dir():
            continue
        found.append(relative.as_posix())
    return sorted(found)


def _not_ignored(paths: list[str]) -> list[str]:
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"], cwd=ROOT, input="\n".join(paths), capture_output=True, text=True
    )
    assert result.returncode in (0, 1), result.stderr
    ignored = set(result.stdout.split())
    return [path for path in paths if path not in ignored]


def _check_csv_example(sandbox: DocumentedSandbox, workspace: Path) -> None:
    """Every row of the sample CSV with a valid email is an order in the sandbox, the bad one is reported."""
    with (ROOT / SAMPLE_CSV).open() as handle:
        rows = list(csv.DictReader(handle))
    bad = [row["sale_id"] for row in rows if "@" not in row["email"]]
    good = {row["sale_id"] for row in rows} - set(bad)
    assert bad and good
    orders: set[str] = set()
    for _ in range(100):  # the sandbox processes a write about a second after accepting it
        orders = {sale.get("orderId") for sale in sandbox.sales()} & {row["sale_id"] for row in rows}
        if orders == good:
            break
        time.sleep(0.2)
    assert orders == good
    rejected = [json.loads(line) for line in (workspace / "rejected.jsonl").read_text().splitlines()]
    assert [(r["outcome"], r["key"]) for r in rejected] == [("invalid", f"order:{sale_id}") for sale_id in bad]


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_python_examples_run_as_written(document: str, tmp_path: Path) -> None:
    workspace, seeded = _workspace(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if k not in HARNESS_ONLY_ENV}
    sandbox = DocumentedSandbox(DOCUMENTS[document]["start"], workspace, env)
    try:
        for example in DOCUMENTS[document]["examples"]:
            script = tmp_path / f"example-{example['line']}.py"
            script.write_text(example["code"])
            run = subprocess.run([str(PYTHON), str(script)], cwd=workspace, env=env, capture_output=True, text=True, timeout=900)
            report = f"{document}:{example['line']}\n{example['code']}\n--- stdout\n{run.stdout[-3000:]}\n--- stderr\n{run.stderr[-5000:]}"
            assert run.returncode == 0, report
            assert "Traceback" not in run.stderr, report
            if SAMPLE_CSV in example["code"]:
                _check_csv_example(sandbox, workspace)
    finally:
        sandbox.stop()
    created = _created(workspace, seeded)
    assert created
    assert _not_ignored(created) == []
