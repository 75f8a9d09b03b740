/**
 * The Cloud edition's generated manifest: the checked-in file is what the generator writes, every
 * stream of the manifest is the source's declaration (path, key, cursor, schema, timestamp fields),
 * and its metadata matches the engine it is tested with. (The engine itself runs it in
 * integration_tests/airbyte/test_cloud_*.py.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSimpleYaml } from '../../integration_tests/image/packaging-facts.js';
import { cursorSourceOf } from '../../src/source/streams/declaration.js';
import { STREAMS, streamJsonSchema } from '../../src/source/streams/definitions.js';
import { timestampPaths } from '../../src/source/streams/schema-builders.js';
import { buildSpec } from '../../src/source/spec.js';
import { manifestYaml } from '../../src/tools/cloud/manifest-file.js';
import { buildManifest, CDK_VERSION } from '../../src/tools/cloud/manifest.js';
import { CLOUD_SETTINGS, omittedSettings } from '../../src/tools/cloud/manifest-spec.js';
import { cloudStreams, omittedStreams } from '../../src/tools/cloud/source-adapter.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
type Json = Record<string, any>;

describe('cloud/source-hyros/manifest.yaml', () => {
  it('is what the generator writes (run `npm run build && npm run generate` after changing the stream declarations)', () => {
    expect(read('cloud/source-hyros/manifest.yaml')).toBe(manifestYaml());
  });

  it('serves every stream of the source except its child streams, with their declarations', () => {
    const manifest = buildManifest() as Json;
    const streams = manifest.definitions.streams as Record<string, Json>;
    const served = STREAMS.filter((definition) => definition.partitioning.kind !== 'parent-records');
    expect(Object.keys(streams)).toEqual(served.map((definition) => definition.name));
    expect(omittedStreams()).toEqual([{ name: 'lead_clicks', reason: 'child-stream' }]);
    for (const definition of served) {
      const stream = streams[definition.name] as Json;
      expect(stream.retriever.requester.url, definition.name).toMatch(new RegExp(`\\}\\}/${definition.path}$`));
      expect(stream.primary_key, definition.name).toEqual(definition.primaryKey.map((key) => key.join('.')));
      expect(manifest.schemas[definition.name], definition.name).toEqual(streamJsonSchema(definition, false));
      expect('incremental_sync' in stream, definition.name).toBe(cursorSourceOf(definition) !== undefined);
      const rewritten = (stream.transformations as Json[])
        .filter((step) => step.$parameters?.timestamp_path)
        .map((step) => (step.fields[0].path as string[]).join('.'));
      expect(rewritten, definition.name).toEqual(timestampPaths(definition.properties));
      const occurredAt = (stream.transformations as Json[]).find((step) => step.fields[0].path[0] === 'occurred_at');
      expect(occurredAt?.$parameters?.cursor_source, definition.name).toBe(cursorSourceOf(definition));
    }
    const agency = manifest.definitions.agency_streams as Record<string, Json>;
    expect(agency.ads?.primary_key).toEqual(['account_id', 'ad_source_id']);
    expect(agency.stages?.schema_loader.schema.properties.account_id).toEqual({ type: 'string' });
    // The agency stream runs the stream's own steps (by reference), then adds the account.
    const leadSteps = agency.leads?.transformations as Array<string | Json>;
    expect(leadSteps.slice(0, -1)).toEqual((streams.leads?.transformations as Json[]).map((_, i) => `#/definitions/streams/leads/transformations/${i}`));
    expect((leadSteps.at(-1) as Json).fields[0].path).toEqual(['account_id']);
  });

  it('offers the source\'s settings it honours, with the source\'s types and defaults', () => {
    const source = buildSpec().connectionSpecification.properties as Record<string, Json>;
    const spec = (buildManifest() as Json).spec.connection_specification;
    expect(Object.keys(spec.properties)).toEqual([...CLOUD_SETTINGS]);
    for (const name of CLOUD_SETTINGS) {
      expect(spec.properties[name].type, name).toEqual(source[name]?.type);
      expect(spec.properties[name].default, name).toEqual(source[name]?.default);
    }
    expect(omittedSettings()).toEqual(['refund_lookback_days', 'subscription_lookback_days', 'request_timeout_seconds', 'all_accessible_accounts', 'attribution_reports']);
    const baseUrl = new RegExp(spec.properties.base_url.pattern);
    expect(['https://api.hyros.com/v1/api/v1.0', 'http://127.0.0.1:4010/v1/api/v1.0', 'http://localhost/v1/api/v1.0'].every((url) => baseUrl.test(url))).toBe(true);
    expect(['http://api.hyros.com/v1/api/v1.0', 'ftp://x', 'http://127.0.0.1.evil.com/'].some((url) => baseUrl.test(url))).toBe(false);
  });

  it('is written for the airbyte-cdk release the Python harness pins, which its metadata names', () => {
    expect((buildManifest() as Json).version).toBe(CDK_VERSION);
    expect(read('integration_tests/airbyte/requirements.txt')).toContain(`airbyte-cdk==${CDK_VERSION}\n`);
    const metadata = parseSimpleYaml(read('cloud/source-hyros/metadata.yaml')) as Json;
    const data = metadata.data as Json;
    expect(data.connectorBuildOptions.baseImage).toBe(`docker.io/airbyte/source-declarative-manifest:${CDK_VERSION}`);
    expect(data.tags).toEqual(['language:manifest-only', 'cdk:low-code']);
    const full = (parseSimpleYaml(read('metadata.yaml')) as Json).data as Json;
    for (const key of ['dockerImageTag', 'documentationUrl', 'license', 'allowedHosts', 'suggestedStreams']) {
      expect(data[key], key).toEqual(full[key]);
    }
    // A catalog entry of its own: another definition, image name and display name than the full connector's.
    expect(data.definitionId).not.toBe(full.definitionId);
    expect(data.dockerRepository).toBe(`${full.dockerRepository}-declarative`);
    expect(data.name).toBe(`${full.name} (Connector Builder edition)`);
  });

  it('lists the same streams in its adapter as the manifest builder serves', () => {
    expect(cloudStreams().map((stream) => stream.name)).toEqual(Object.keys((buildManifest() as Json).definitions.streams));
  });
});
