/** CAT TestConnection and TestDiscovery (Airbyte's connector acceptance tests) against the sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, runCli } from '../../../test/helpers/cli.js';
import { TempFiles } from '../../../test/helpers/files.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { catalogProblems } from './json-schema.js';
import { ALL_STREAMS, INCREMENTAL_STREAMS, repoJson, sandboxConfig, type Json } from './support.js';

let sandbox: Sandbox;
const files = new TempFiles();

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
  files.cleanup();
});

describe('check (CAT TestConnection)', () => {
  it('status succeed: exactly one CONNECTION_STATUS, SUCCEEDED, exit 0', async () => {
    const config = files.write('config.json', sandboxConfig(sandbox.baseUrl));
    const { code, messages } = await runCli(['check', '--config', config]);
    expect(code).toBe(0);
    expect(ofType(messages, 'CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
  });

  it('status failed (invalid_config.json): exactly one CONNECTION_STATUS, FAILED about the API key, exit 0, key not echoed', async () => {
    const invalid = { ...repoJson('integration_tests/invalid_config.json'), base_url: sandbox.baseUrl };
    const config = files.write('invalid.json', invalid);
    const { code, messages, stdout, stderr } = await runCli(['check', '--config', config]);
    expect(code).toBe(0);
    const statuses = ofType(messages, 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.connectionStatus.status).toBe('FAILED');
    expect(statuses[0]?.connectionStatus.message).toMatch(/API key/);
    expect(stdout + stderr).not.toContain(invalid.api_key);
  });
});

describe('discover (CAT TestDiscovery)', () => {
  let streams: Json[];
  let messages: Json[];
  beforeAll(async () => {
    const config = files.write('discover.json', sandboxConfig(sandbox.baseUrl));
    const result = await runCli(['discover', '--config', config]);
    expect(result.code).toBe(0);
    messages = result.messages;
    streams = ofType(messages, 'CATALOG')[0]?.catalog.streams as Json[];
  });

  it('prints exactly one CATALOG with the twelve streams, unique names', () => {
    expect(ofType(messages, 'CATALOG')).toHaveLength(1);
    expect(streams.map((s) => s.name)).toEqual(ALL_STREAMS);
  });

  it('has valid draft-07 schemas: no $ref/allOf/not, additionalProperties true, cursor and PK paths exist, PKs are scalars, sync modes set', () => {
    expect(catalogProblems(streams)).toEqual([]);
  });

  it('declares the incremental streams as CAT needs (source-defined cursor occurred_at, PK id, resumable)', () => {
    for (const stream of streams) {
      if (!INCREMENTAL_STREAMS.includes(stream.name)) {
        expect(stream.supported_sync_modes, stream.name).toEqual(['full_refresh']);
        continue;
      }
      expect(stream, stream.name).toMatchObject({
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_cursor: true,
        default_cursor_field: ['occurred_at'],
        source_defined_primary_key: [['id']],
        is_resumable: true,
      });
      expect(stream.json_schema.properties.occurred_at).toEqual({ type: 'string', format: 'date-time' });
    }
  });
});
