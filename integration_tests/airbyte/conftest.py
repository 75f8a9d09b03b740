"""pytest set-up for the tests of Airbyte's own tools against source-hyros and destination-hyros.

Run by `npm run test:airbyte` (part of `npm test`) through scripts/airbyte/run-tests.sh, which creates
the Python environments, starts PostgreSQL and builds both images first. PyAirbyte is kept offline
here: no registry look-up, no telemetry (AIRBYTE_OFFLINE_MODE=1, DO_NOT_TRACK=1), and its project
folder (caches, connector folders) lives in a temporary folder, not in the work tree.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Before anything imports `airbyte`: PyAirbyte reads these once, at import.
os.environ["AIRBYTE_OFFLINE_MODE"] = "1"
os.environ["DO_NOT_TRACK"] = "1"
_PYAIRBYTE_HOME = Path(tempfile.mkdtemp(prefix="pyairbyte-"))
os.environ["AIRBYTE_PROJECT_DIR"] = str(_PYAIRBYTE_HOME)
os.environ["AIRBYTE_CACHE_ROOT"] = str(_PYAIRBYTE_HOME / ".cache")
# The Docker executor mounts the temp folder into the container, where the connector runs as uid 1000.
os.environ["AIRBYTE_TEMP_DIR"] = str(_PYAIRBYTE_HOME / "tmp")
(_PYAIRBYTE_HOME / "tmp").mkdir()
_PYAIRBYTE_HOME.chmod(0o755)
(_PYAIRBYTE_HOME / "tmp").chmod(0o777)

import pytest  # noqa: E402

from support import HERE, ROOT, SandboxControl  # noqa: E402

# The CDK's standard-test hooks (fixtures such as --connector-image, the `scenario` parametrization)
# are loaded with `-p airbyte_cdk.test.standard_tests.pytest_hooks` (pytest.ini), as `airbyte-cdk` does.

# `docker run` shares the host network (the sandbox listens on 127.0.0.1) and can record its stdout.
_SHIM = HERE / "docker-host-network"
os.environ["PATH"] = f"{_SHIM}{os.pathsep}{os.environ['PATH']}"




@pytest.fixture(scope="module")
def sandbox() -> SandboxControl:
    """A Hyros sandbox of its own for each test module (its clock and writes are the module's)."""
    control = SandboxControl.start()
    yield control
    control.close()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
