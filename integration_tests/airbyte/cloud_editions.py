"""The two editions of source-hyros side by side, for the Cloud manifest's tests and bench.

- `typescript`: the full connector, the built bin (dist/src/source/main.js).
- `cloud`: cloud/source-hyros/manifest.yaml run by airbyte-cdk's declarative engine the way Airbyte
  Cloud runs a Connector Builder connector: `source-declarative-manifest` with the manifest injected
  (`--manifest-path`), no custom components.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import ROOT, SOURCE_BIN

CLOUD_ROOT = ROOT / "cloud" / "source-hyros"
MANIFEST = CLOUD_ROOT / "manifest.yaml"
README = CLOUD_ROOT / "README.md"
RUN_SECONDS = 600


def declarative_manifest_bin() -> Path:
    """The CDK's `source-declarative-manifest` of the Python environment running the tests."""
    found = Path(sys.executable).parent / "source-declarative-manifest"
    if not found.exists():
        raise RuntimeError(f"{found} is missing: the test environment needs airbyte-cdk (integration_tests/airbyte/requirements.txt)")
    return found


@dataclass
class Run:
    """One connector command: every stdout message, stderr, exit code, wall seconds."""

    lines: list[str]
    messages: list[dict[str, Any]]
    stderr: str
    returncode: int
    wall: float

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def records(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for message in self.of_type("RECORD"):
            out.setdefault(message["record"]["stream"], []).append(message["record"]["data"])
        return out

    def final_states(self) -> dict[str, dict[str, Any]]:
        """The last STREAM state message of each stream."""
        return {m["state"]["stream"]["stream_descriptor"]["name"]: m["state"] for m in self.of_type("STATE")}

    def errors(self) -> list[str]:
        return [m["trace"]["error"]["message"] for m in self.of_type("TRACE") if m["trace"].get("type") == "ERROR"]

    def catalog(self) -> dict[str, dict[str, Any]]:
        [catalog] = self.of_type("CATALOG")
        return {stream["name"]: stream for stream in catalog["catalog"]["streams"]}


@dataclass
class Edition:
    name: str
    folder: Path
    _files: int = field(default=0, init=False)

    def command(self, verb: str) -> list[str]:
        if self.name == "typescript":
            return ["node", str(SOURCE_BIN), verb]
        return [str(declarative_manifest_bin()), verb, "--manifest-path", str(MANIFEST)]

    def _file(self, stem: str, content: Any) -> str:
        self._files += 1
        path = self.folder / f"{self.name}-{self._files:02d}-{stem}.json"
        path.write_text(json.dumps(content))
        return str(path)

    def run(self, verb: str, config: dict[str, Any] | None, catalog: dict[str, Any] | None = None,
            state: list[dict[str, Any]] | None = None) -> Run:
        args = self.command(verb) + ([] if config is None else ["--config", self._file("config", config)])
        if catalog is not None:
            args += ["--catalog", self._file("catalog", catalog)]
        if state is not None:
            args += ["--state", self._file("state", state)]
        started = time.monotonic()
        done = subprocess.run(args, capture_output=True, text=True, timeout=RUN_SECONDS, cwd=self.folder)
        wall = time.monotonic() - started
        lines = done.stdout.splitlines()
        return Run(lines, [json.loads(line) for line in lines if line.strip()], done.stderr, done.returncode, wall)


def configured_catalog(catalog: dict[str, dict[str, Any]], streams: list[str], incremental: bool) -> dict[str, Any]:
    """A configured catalog of `streams` (those the edition offers), incremental where offered."""
    configured = []
    for name in streams:
        stream = catalog[name]
        mode = "incremental" if incremental and "incremental" in stream["supported_sync_modes"] else "full_refresh"
        configured.append({
            "stream": stream,
            "sync_mode": mode,
            "destination_sync_mode": "append_dedup" if mode == "incremental" else "overwrite",
            "cursor_field": stream.get("default_cursor_field", []),
            "primary_key": stream["source_defined_primary_key"],
        })
    return {"streams": configured}


def record_key(record: dict[str, Any], primary_key: list[list[str]]) -> tuple[Any, ...]:
    return tuple(record.get(path[0]) for path in primary_key)


def documented_differences() -> dict[str, str]:
    """The README's table of differences: id → how the parity test treats it (`asserted` or `documented`)."""
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|.*\| (asserted|documented) \|$", README.read_text(), flags=re.MULTILINE)
    if not rows:
        raise AssertionError(f"{README} has no table of differences")
    return dict(rows)


def documented_text(difference: str) -> str:
    """The README row of one difference (what it names: settings, streams, fields)."""
    for line in README.read_text().splitlines():
        if line.startswith(f"| `{difference}` |"):
            return line
    raise AssertionError(f"{README} does not list {difference}")
