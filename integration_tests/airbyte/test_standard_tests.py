"""The CDK's FAST standard tests (airbyte_cdk.test.standard_tests), Docker mode, on both images.

`airbyte-cdk image test <connector folder> --image IMAGE` is how Airbyte runs these: it builds a
suite with `create_connector_test_suite(connector_directory=…)` and runs pytest with
`-m image_tests --connector-image IMAGE`. For these connectors that command stops before any test:
the suite factory knows the languages python, java and manifest-only, and the metadata says
`language:typescript` ("Unsupported language for connector …: typescript"). So the suites are built
here the way the factory builds them for a connector it runs only as an image (java): the CDK's
`DockerConnectorTestSuite` with `get_connector_root_dir` set to the connector's folder. Every test
and assertion is the CDK's own; the connector folders hold what the CDK reads there:
  source-hyros       the repository root: metadata.yaml, acceptance-test-config.yml (configs under
                     secrets/, catalogs under integration_tests/)
  destination-hyros  integration_tests/destination-hyros/: metadata.yaml, acceptance-test-config.yml
The harness writes each folder's secrets/config.json and secrets/invalid_config.json (git-ignored)
from its sample/invalid config aimed at the sandbox, and reads every stream (--read-from-streams all).
Not run: `test_docker_image_spec_backward_compatibility`, which compares the spec with the one
published in Airbyte's connector registry (connectors.airbyte.com): no such registry is reachable
here, and neither connector is published there.
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

import pytest
from boltons.typeutils import classproperty

from airbyte_cdk.models.connector_metadata import MetadataFile
from airbyte_cdk.test.standard_tests.docker_base import DockerConnectorTestSuite
from airbyte_cdk.utils.connector_paths import find_connector_root

from support import DESTINATION_IMAGE, HERE, ROOT, SOURCE_IMAGE, SandboxControl, protocol_problems

DESTINATION_ROOT = ROOT / "integration_tests" / "destination-hyros"
MESSAGE_LOG = Path(__import__("tempfile").mkdtemp(prefix="standard-tests-")) / "docker-run.stdout.jsonl"


def _write_secrets(connector_root: Path, sample: Path, invalid: Path, base_url: str) -> None:
    secrets = connector_root / "secrets"
    secrets.mkdir(exist_ok=True)
    for source, target in ((sample, "config.json"), (invalid, "invalid_config.json")):
        config = json.loads(source.read_text())
        config["base_url"] = base_url
        (secrets / target).write_text(json.dumps(config, indent=2) + "\n")
        # The container runs as uid 1000 and the CDK mounts a copy; the file itself stays private.
        (secrets / target).chmod(0o600)


@pytest.fixture(scope="module", autouse=True)
def standard_test_set_up(monkeypatch_module: pytest.MonkeyPatch) -> None:
    """The sandbox, the secrets/ configs aimed at it, and the recording of what `docker run` prints.

    A lock on secrets/ keeps two runs in one work tree from rewriting each other's configs."""
    lock_path = ROOT / "secrets" / ".airbyte-standard-tests.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        control = SandboxControl.start()
        try:
            _write_secrets(ROOT, ROOT / "integration_tests" / "sample_config.json",
                           ROOT / "integration_tests" / "invalid_config.json", control.base_url)
            _write_secrets(DESTINATION_ROOT, DESTINATION_ROOT / "sample_config.json",
                           DESTINATION_ROOT / "invalid_config.json", control.base_url)
            monkeypatch_module.setenv("AIRBYTE_TEST_MESSAGE_LOG", str(MESSAGE_LOG))
            yield
        finally:
            control.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


class TestSourceHyros(DockerConnectorTestSuite):
    """source-hyros: spec, check (valid and invalid config), discover, read of every stream."""

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return ROOT

    @classproperty
    def connector_name(cls) -> str:
        # The folder a clone lands in has any name; the connector's is in its metadata.
        return MetadataFile.from_file(ROOT / "metadata.yaml").data.dockerRepository.split("/")[-1]

    @pytest.fixture
    def connector_image_override(self) -> str:
        return SOURCE_IMAGE

    @pytest.fixture
    def read_from_streams(self) -> str:
        return "all"


class TestDestinationHyros(DockerConnectorTestSuite):
    """destination-hyros: spec, check (valid and invalid config)."""

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return DESTINATION_ROOT

    @pytest.fixture
    def connector_image_override(self) -> str:
        return DESTINATION_IMAGE


def test_the_cdk_finds_each_connector_folder_from_inside_it() -> None:
    """The CDK's own search (find_connector_root: the nearest folder up holding metadata.yaml,
    manifest.yaml or acceptance-test-config.yml) lands on the folders the suites above use."""
    assert find_connector_root([ROOT / "src" / "source"]) == ROOT
    assert find_connector_root([DESTINATION_ROOT / "secrets"]) == DESTINATION_ROOT
    assert DESTINATION_ROOT.name == "destination-hyros"
    assert TestSourceHyros.connector_name == "source-hyros"
    assert TestDestinationHyros.connector_name == "destination-hyros"
    assert TestDestinationHyros.is_destination_connector() and not TestSourceHyros.is_destination_connector()


def test_both_metadata_files_load_with_the_cdk_metadata_model() -> None:
    for folder, kind, image in ((ROOT, "source", SOURCE_IMAGE), (DESTINATION_ROOT, "destination", DESTINATION_IMAGE)):
        metadata = MetadataFile.from_file(folder / "metadata.yaml")
        assert metadata.data.dockerRepository == f"airbyte/{kind}-hyros"
        assert metadata.data.dockerImageTag == "0.1.0"
        assert "language:typescript" in metadata.data.tags
        assert metadata.model_extra.get("metadataSpecVersion") == "1.0"
        assert getattr(metadata.data, "connectorType") == kind
    assert MetadataFile.from_file(ROOT / "metadata.yaml").data.suggestedStreams.streams == ["leads", "sales"]


def test_every_line_the_images_printed_is_an_airbyte_message() -> None:
    """Runs after the suites above (same module, later): every stdout line of their `docker run`s."""
    lines = MESSAGE_LOG.read_text().splitlines() if MESSAGE_LOG.exists() else []
    types = {json.loads(line).get("type") for line in lines if line.strip().startswith("{")}
    assert {"SPEC", "CONNECTION_STATUS", "CATALOG", "RECORD", "STATE", "TRACE", "LOG"} <= types, types
    assert protocol_problems(lines) == []
