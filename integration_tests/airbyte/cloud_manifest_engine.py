"""The Cloud manifest inside airbyte-cdk's declarative engine, in this process: what the engine makes
of it before any request (validation, spec, streams), and its Jinja templates evaluated alone."""

from __future__ import annotations

import logging
from typing import Any

import yaml

from cloud_editions import MANIFEST


def load_manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text())


def declarative_source(config: dict[str, Any]) -> Any:
    """The engine's source for the manifest, as Airbyte Cloud builds it (validates the manifest)."""
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

    return ConcurrentDeclarativeSource(source_config=load_manifest(), config=config, catalog=None, state=None)


def manifest_spec() -> dict[str, Any]:
    """The spec the engine reports for the manifest (`source-declarative-manifest spec` reports its own generic one)."""
    spec = declarative_source({}).spec(logging.getLogger("airbyte"))
    return {"documentationUrl": spec.documentationUrl, "connectionSpecification": spec.connectionSpecification}


def render(template: str, record: dict[str, Any], parameters: dict[str, Any], stream_slice: dict[str, Any] | None = None) -> Any:
    """A manifest template evaluated by the engine's own interpolation, as AddFields does (value_type string)."""
    from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString

    return InterpolatedString.create(template, parameters=parameters).eval({}, valid_types=(str,), record=record, stream_slice=stream_slice or {})
