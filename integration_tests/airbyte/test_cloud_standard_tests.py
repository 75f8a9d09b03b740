"""The CDK's standard tests of a manifest-only connector (airbyte_cdk.test.standard_tests'
DeclarativeSourceTestSuite) on the Cloud edition, cloud/source-hyros: the manifest in the declarative
engine, in this process, against the sandbox: spec, check with the valid and the invalid config,
discover, and a read of every stream. `airbyte-cdk` builds the same suite for a folder whose
metadata says `language:manifest-only`; the tests and assertions are all the CDK's own.
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

import pytest

from airbyte_cdk.models.connector_metadata import ConnectorLanguage, MetadataFile
from airbyte_cdk.test.standard_tests.declarative_sources import DeclarativeSourceTestSuite

from cloud_editions import CLOUD_ROOT
from support import ROOT, SandboxControl


def _write_secrets(base_url: str) -> None:
    secrets = CLOUD_ROOT / "secrets"
    secrets.mkdir(exist_ok=True)
    for name in ("sample_config.json", "invalid_config.json"):
        config = json.loads((ROOT / "integration_tests" / name).read_text())
        config["base_url"] = base_url
        target = secrets / ("config.json" if name == "sample_config.json" else name)
        target.write_text(json.dumps(config, indent=2) + "\n")
        target.chmod(0o600)


@pytest.fixture(scope="module", autouse=True)
def cloud_standard_test_set_up() -> None:
    """The sandbox and the secrets/ configs aimed at it; a lock keeps two runs in one work tree apart."""
    lock_path = CLOUD_ROOT / "secrets" / ".airbyte-standard-tests.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        control = SandboxControl.start()
        try:
            _write_secrets(control.base_url)
            yield
        finally:
            control.close()


class TestCloudSourceHyros(DeclarativeSourceTestSuite):
    """source-hyros, Cloud edition: spec, check (valid and invalid config), discover, read of every stream."""

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return CLOUD_ROOT

    @pytest.fixture
    def read_from_streams(self) -> str:
        return "all"

    # The suite's Docker mode builds an image of the manifest from Airbyte's manifest-only Dockerfile
    # template (downloaded from GitHub) on docker.io/airbyte/source-declarative-manifest (Docker Hub),
    # and compares the spec with Airbyte's registry; none of them is reachable here, and Airbyte Cloud
    # runs a Builder connector's manifest without building an image. The in-process tests above cover
    # spec, check, discover and read with the same engine.
    test_docker_image_build_and_spec = None
    test_docker_image_spec_backward_compatibility = None
    test_docker_image_build_and_check = None
    test_docker_image_build_and_config_matches_spec = None
    test_docker_image_build_and_discover = None
    test_docker_image_build_and_read = None


def test_the_metadata_says_manifest_only() -> None:
    metadata = MetadataFile.from_file(CLOUD_ROOT / "metadata.yaml")
    assert metadata.data.language == ConnectorLanguage.MANIFEST_ONLY
    assert metadata.data.connectorBuildOptions.baseImage.endswith(":7.39.1")
