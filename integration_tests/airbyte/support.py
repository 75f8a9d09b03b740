"""Helpers of the Airbyte tool tests: the sandbox, the message recorder, Airbyte's protocol models."""

from __future__ import annotations

import json
import os
import queue
import shlex
import subprocess
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE_BIN = ROOT / "dist" / "src" / "source" / "main.js"
DESTINATION_BIN = ROOT / "dist" / "src" / "destination" / "main.js"
SOURCE_IMAGE = os.environ.get("SOURCE_HYROS_IMAGE", "source-hyros:dev")
DESTINATION_IMAGE = os.environ.get("DESTINATION_HYROS_IMAGE", "destination-hyros:dev")
VENV = Path(os.environ.get("AIRBYTE_VENV_DIR", ROOT / ".venv-airbyte"))
SOURCE_FILE_BIN = (VENV if VENV.is_absolute() else ROOT / VENV) / "source-file" / "bin" / "source-file"
API_KEY = "sandbox-key"
WAIT_SECONDS = 30


class SandboxControl:
    """The bundled Hyros sandbox (integration_tests/airbyte/sandbox-control.ts) in a child process."""

    def __init__(self, process: subprocess.Popen[str], base_url: str, lines: queue.Queue[str]) -> None:
        self.process = process
        self.base_url = base_url
        self._lines = lines

    @classmethod
    def start(cls, *extra: str) -> SandboxControl:
        script = ROOT / "dist" / "integration_tests" / "airbyte" / "sandbox-control.js"
        if not script.exists():
            raise RuntimeError(f"{script} is missing: run `npm run build` first")
        process = subprocess.Popen(
            ["node", str(script), *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        try:
            first = json.loads(lines.get(timeout=WAIT_SECONDS))
        except queue.Empty:
            process.kill()
            raise RuntimeError(f"the sandbox did not start within {WAIT_SECONDS} s") from None
        return cls(process, first["baseUrl"], lines)

    def call(self, cmd: str, **args: Any) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        try:
            reply = json.loads(self._lines.get(timeout=WAIT_SECONDS))
        except queue.Empty:
            raise RuntimeError(f"the sandbox did not answer {cmd} within {WAIT_SECONDS} s") from None
        if not reply.get("ok"):
            raise RuntimeError(f"sandbox {cmd}: {reply.get('error')}")
        return reply.get("value")

    def set_as_of(self, at: str | None) -> None:
        self.call("setAsOf", at=at)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    # -- what the sandbox itself serves, through its HTTP API (independent of the connector) --------

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        query = "&".join(f"{k}={urllib.request.quote(v, safe=',')}" for k, v in params.items())
        request = urllib.request.Request(f"{self.base_url}{path}?{query}", headers={"API-Key": API_KEY})
        with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:  # noqa: S310 (loopback)
            return json.loads(response.read())

    def list_all(self, path: str, **params: str) -> list[dict[str, Any]]:
        """Every record of a list endpoint, page by page (no date filter: all the sandbox serves now)."""
        rows: list[dict[str, Any]] = []
        page_id: str | None = None
        for _ in range(10_000):
            query = {"pageSize": "250", **params, **({"pageId": page_id} if page_id else {})}
            body = self._get(path, query)
            rows.extend(body["result"])
            page_id = body.get("nextPageId")
            if not page_id:
                return rows
        raise RuntimeError(f"{path}: more than 10 000 pages")

    def served_counts(self) -> dict[str, int]:
        """Records per stream the sandbox serves at its current clock, counted from its own API."""
        paths = {
            "leads": "/leads", "sales": "/sales", "calls": "/calls", "subscriptions": "/subscriptions",
            "carts": "/carts", "sources": "/sources", "ads": "/ads", "ad_accounts": "/ad-accounts",
            "products": "/products", "stages": "/stages", "tags": "/tags/count",
        }
        counts = {stream: len(self.list_all(path)) for stream, path in paths.items()}
        lead_ids = [lead["id"] for lead in self.list_all("/leads")]
        clicks = 0
        for i in range(0, len(lead_ids), 50):
            clicks += len(self.list_all("/leads/clicks", leadIds=",".join(lead_ids[i : i + 50])))
        counts["lead_clicks"] = clicks
        return counts


# -- every line a connector printed, through Airbyte's protocol models ------------------------------


def protocol_problems(lines: list[str]) -> list[str]:
    """Each stdout line that is not an Airbyte message, by both of Airbyte's protocol models: the
    CDK's (airbyte_cdk.models, what the CDK and its standard tests use) and the pydantic models
    (airbyte_protocol.models, what PyAirbyte uses). Empty when every line parses."""
    from airbyte_cdk.models import AirbyteMessageSerializer
    from airbyte_protocol.models import AirbyteMessage

    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            problems.append(f"line {number}: empty line")
            continue
        try:
            data = json.loads(line)
        except ValueError as error:
            problems.append(f"line {number}: not JSON ({error}): {line[:200]}")
            continue
        for name, parse in (
            ("airbyte_cdk.models", AirbyteMessageSerializer.load),
            ("airbyte_protocol.models", AirbyteMessage.model_validate),
        ):
            try:
                parse(data)
            except Exception as error:  # noqa: BLE001 (any parse failure is the finding)
                problems.append(f"line {number}: {name}: {type(error).__name__}: {str(error)[:300]}: {line[:200]}")
    return problems


@dataclass
class Recorder:
    """A connector command wrapped in a script that copies its stdout to a file (PyAirbyte drops
    lines it cannot parse; the tests parse every one themselves)."""

    folder: Path
    name: str
    command: list[str]
    log: Path = field(init=False)
    executable: Path = field(init=False)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = self.folder / f"{self.name}.stdout.jsonl"
        self.log.touch()
        self.executable = self.folder / self.name
        self.executable.write_text(
            "#!/usr/bin/env bash\n"
            "set -o pipefail\n"
            f"{shlex.join(self.command)} \"$@\" | tee -a {shlex.quote(str(self.log))}\n"
        )
        self.executable.chmod(0o755)

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines()]

    def mark(self) -> int:
        """The number of lines recorded so far (what a later run printed starts there)."""
        return len(self.lines())


def records_of(messages: list[dict[str, Any]], stream: str) -> list[dict[str, Any]]:
    return [m["record"]["data"] for m in messages if m.get("type") == "RECORD" and m["record"]["stream"] == stream]
