/**
 * CAT TestSpec (Airbyte's connector acceptance tests) against the built CLI, plus the integration_tests/ input
 * files CAT reads (acceptance-test-config.yml, configs, catalog, states) checked for the shape CAT
 * parses them into.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, runCli } from '../../../test/helpers/cli.js';
import { TempFiles } from '../../../test/helpers/files.js';
import { parseSimpleYaml, type YamlValue } from '../../image/packaging-facts.js';
import { specProblems, validate } from './json-schema.js';
import { ALL_STREAMS, INCREMENTAL_STREAMS, repoJson, ROOT, type Json } from './support.js';
import { STREAMS } from '../../../src/source/streams/definitions.js';

const files = new TempFiles();
afterAll(() => files.cleanup());

describe('spec (CAT TestSpec)', () => {
  let messages: Json[];
  let code: number | null;
  beforeAll(async () => {
    ({ messages, code } = await runCli(['spec']));
  });
  const spec = () => ofType(messages, 'SPEC')[0]?.spec as Json;

  it('prints exactly one SPEC and exits 0', () => {
    expect(code).toBe(0);
    expect(ofType(messages, 'SPEC')).toHaveLength(1);
  });

  it('equals spec/spec.json, the bare ConnectorSpecification CAT compares against (spec_path)', () => {
    expect(spec()).toEqual(repoJson('spec/spec.json'));
    expect(Object.keys(repoJson('spec/spec.json')).sort()).toEqual(['connectionSpecification', 'documentationUrl']);
  });

  it('breaks none of the spec rules (types, secrets, forbidden keywords, additionalProperties, arrays, order)', () => {
    expect(specProblems(spec().connectionSpecification)).toEqual([]);
    expect(spec().connectionSpecification.properties.api_key.airbyte_secret).toBe(true);
  });

  it('accepts the sample config CAT uses as secrets/config.json, and the invalid config (only its key is wrong)', () => {
    const schema = spec().connectionSpecification;
    for (const path of ['integration_tests/sample_config.json', 'integration_tests/invalid_config.json']) {
      const config = Object.fromEntries(Object.entries(repoJson(path)).filter(([key]) => !key.startsWith('_')));
      expect(validate(schema, config), path).toEqual([]);
    }
    expect(validate(schema, { start_date: '2026-01-01' })).toEqual(['$: required property api_key is missing']);
  });
});

// Keys of CAT's config models (connector_acceptance_test/config.py; every model is extra=forbid).
// The file must also pass the CDK's standard tests (airbyte_cdk.test.models.scenario), which reject
// the CAT keys they no longer read: STANDARD_TESTS_REJECT (checked by integration_tests/airbyte/).
const STANDARD_TESTS_REJECT = ['expect_records', 'exact_order', 'ignored_fields', 'fail_on_extra_columns', 'timeout_seconds', 'file_types', 'validate_stream_statuses', 'validate_primary_keys_data_type', 'validate_data_points', 'auth_default_method'];
const ROOT_KEYS = ['connector_image', 'base_path', 'test_strictness_level', 'custom_environment_variables', 'acceptance_tests'];
const SECTION_KEYS = ['tests', 'bypass_reason'];
const TEST_KEYS: Record<string, string[]> = {
  spec: ['spec_path', 'config_path', 'backward_compatibility_tests_config', 'timeout_seconds', 'deployment_mode', 'auth_default_method'],
  connection: ['config_path', 'status', 'timeout_seconds', 'deployment_mode'],
  discovery: ['config_path', 'timeout_seconds', 'backward_compatibility_tests_config', 'validate_primary_keys_data_type', 'deployment_mode'],
  basic_read: [
    'config_path', 'deployment_mode', 'configured_catalog_path', 'empty_streams', 'ignored_fields', 'expect_records',
    'file_types', 'validate_schema', 'validate_stream_statuses', 'fail_on_extra_columns', 'validate_data_points',
    'validate_state_messages', 'validate_primary_keys_data_type', 'expect_trace_message_on_failure', 'timeout_seconds',
    'client_container_config',
  ],
  full_refresh: ['config_path', 'deployment_mode', 'configured_catalog_path', 'timeout_seconds', 'ignored_fields', 'client_container_config'],
  incremental: [
    'config_path', 'deployment_mode', 'configured_catalog_path', 'timeout_seconds', 'future_state',
    'skip_comprehensive_incremental_tests', 'client_container_config',
  ],
};
const EXPECT_RECORDS_KEYS = ['path', 'exact_order', 'bypass_reason'];
const FUTURE_STATE_KEYS = ['future_state_path', 'missing_streams', 'bypass_reason'];

const asMap = (value: YamlValue | undefined, what: string): Record<string, YamlValue> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} is not a mapping`);
  return value;
};
const unknownKeys = (value: YamlValue | undefined, allowed: string[], what: string): string[] =>
  Object.keys(asMap(value, what))
    .filter((key) => !allowed.includes(key))
    .map((key) => `${what}.${key}`);

describe('acceptance-test-config.yml (at the connector root, beside metadata.yaml)', () => {
  const config = asMap(parseSimpleYaml(readFileSync(join(ROOT, 'acceptance-test-config.yml'), 'utf8')), 'root');
  const sections = asMap(config.acceptance_tests, 'acceptance_tests');
  const testsOf = (section: string): Array<Record<string, YamlValue>> => {
    const tests = asMap(sections[section], section).tests;
    if (!Array.isArray(tests) || tests.length === 0) throw new Error(`${section}.tests is empty`);
    return tests.map((t, i) => asMap(t, `${section}.tests[${i}]`));
  };

  it('uses only keys CAT knows (unknown keys fail CAT before any test runs) and none the standard tests reject', () => {
    const problems = unknownKeys(config, ROOT_KEYS, 'root');
    for (const [section, value] of Object.entries(sections)) {
      if (!TEST_KEYS[section]) {
        problems.push(`acceptance_tests.${section}`);
        continue;
      }
      problems.push(...unknownKeys(value, SECTION_KEYS, section));
      testsOf(section).forEach((test, i) => {
        problems.push(...unknownKeys(test, TEST_KEYS[section] as string[], `${section}.tests[${i}]`));
        if (section !== 'incremental') problems.push(...Object.keys(test).filter((key) => STANDARD_TESTS_REJECT.includes(key)).map((key) => `${section}.tests[${i}].${key} (standard tests)`));
        if (test.expect_records !== undefined) problems.push(...unknownKeys(test.expect_records, EXPECT_RECORDS_KEYS, `${section}.tests[${i}].expect_records`));
        if (test.future_state !== undefined) problems.push(...unknownKeys(test.future_state, FUTURE_STATE_KEYS, `${section}.tests[${i}].future_state`));
      });
    }
    expect(problems).toEqual([]);
    expect(config.connector_image).toBe('airbyte/source-hyros:dev');
  });

  it('meets high strictness: all six suites, no basic_read catalog, schema validation on, future state for every incremental stream', () => {
    expect(config.test_strictness_level).toBe('high');
    expect(Object.keys(sections).sort()).toEqual(['basic_read', 'connection', 'discovery', 'full_refresh', 'incremental', 'spec']);
    const basicRead = testsOf('basic_read')[0] as Record<string, YamlValue>;
    expect(basicRead.configured_catalog_path).toBeUndefined();
    expect(basicRead.validate_schema).not.toBe(false);
    // expected_records.jsonl is checked by basic-read.test.ts: the standard tests reject expect_records.
    expect(basicRead.expect_records).toBeUndefined();
    const futureState = asMap((testsOf('incremental')[0] as Record<string, YamlValue>).future_state, 'future_state');
    const abnormal = repoJson<Json[]>(String(futureState.future_state_path));
    expect(abnormal.map((s) => s.stream.stream_descriptor.name).sort()).toEqual([...INCREMENTAL_STREAMS].sort());
    expect(testsOf('connection').map((t) => [t.config_path, t.status])).toEqual([
      ['secrets/config.json', 'succeed'],
      ['secrets/invalid_config.json', 'failed'],
    ]);
  });

  it('names files that exist (secrets/config.json and secrets/invalid_config.json: git-ignored copies of sample_config.json and invalid_config.json)', () => {
    const paths: string[] = [];
    for (const section of Object.keys(sections)) {
      for (const test of testsOf(section)) {
        for (const key of ['spec_path', 'config_path', 'configured_catalog_path']) if (typeof test[key] === 'string') paths.push(test[key] as string);
        if (test.expect_records) paths.push(String(asMap(test.expect_records, 'expect_records').path));
        if (test.future_state) paths.push(String(asMap(test.future_state, 'future_state').future_state_path));
      }
    }
    const missing = paths.filter((p) => !p.startsWith('secrets/') && !existsSync(join(ROOT, p)));
    expect(missing).toEqual([]);
    expect(paths).toContain('secrets/config.json');
  });
});

describe('integration_tests/ input files', () => {
  it('configured_catalog.json: all twelve streams, the incremental ones on occurred_at, matching discover', async () => {
    const config = files.write('config.json', repoJson('integration_tests/sample_config.json'));
    const { messages } = await runCli(['discover', '--config', config]);
    const discovered = new Map<string, Json>((ofType(messages, 'CATALOG')[0]?.catalog.streams as Json[]).map((s) => [s.name, s]));
    const catalog = repoJson<Json>('integration_tests/configured_catalog.json');
    expect(catalog.streams.map((s: Json) => s.stream.name)).toEqual(ALL_STREAMS);
    for (const entry of catalog.streams as Json[]) {
      const name = entry.stream.name as string;
      const stream = discovered.get(name) as Json;
      const incremental = INCREMENTAL_STREAMS.includes(name);
      expect(entry.sync_mode, name).toBe(incremental ? 'incremental' : 'full_refresh');
      expect(entry.cursor_field, name).toEqual(incremental ? ['occurred_at'] : undefined);
      expect(entry.stream.supported_sync_modes, name).toEqual(stream.supported_sync_modes);
      expect(entry.stream.default_cursor_field, name).toEqual(stream.default_cursor_field);
      expect(entry.stream.source_defined_primary_key, name).toEqual(stream.source_defined_primary_key);
      expect(entry.primary_key, name).toEqual(stream.source_defined_primary_key);
    }
  });

  it('sample_state.json and abnormal_state.json are STREAM state arrays on occurred_at (and changed_at where the stream catches later changes); the abnormal one is far in the future', () => {
    const tracksChanges = new Set(
      STREAMS.filter((s) => (s.partitioning.kind === 'date-windows' && s.partitioning.changes !== undefined) || s.partitioning.kind === 'parent-records').map((s) => s.name),
    );
    for (const path of ['integration_tests/sample_state.json', 'integration_tests/abnormal_state.json']) {
      const states = repoJson<Json[]>(path);
      expect(states.map((s) => s.stream.stream_descriptor.name)).toEqual(INCREMENTAL_STREAMS);
      for (const state of states) {
        expect(state.type).toBe('STREAM');
        const name = state.stream.stream_descriptor.name as string;
        expect(Object.keys(state.stream.stream_state), name).toEqual(tracksChanges.has(name) ? ['occurred_at', 'changed_at'] : ['occurred_at']);
        expect(Number.isNaN(Date.parse(state.stream.stream_state.occurred_at))).toBe(false);
      }
    }
    const tenYears = 10 * 365 * 86_400_000;
    for (const state of repoJson<Json[]>('integration_tests/abnormal_state.json')) {
      for (const cursor of Object.values(state.stream.stream_state)) expect(Date.parse(cursor as string)).toBeGreaterThan(Date.now() + tenYears);
    }
  });

  it('sample_config.json and invalid_config.json differ only in api_key', () => {
    const sample = repoJson<Json>('integration_tests/sample_config.json');
    const invalid = repoJson<Json>('integration_tests/invalid_config.json');
    expect(sample).toMatchObject({ api_key: 'sandbox-key', start_date: '2026-01-01', end_date: '2026-03-01', base_url: 'http://127.0.0.1:8080/v1/api/v1.0' });
    expect({ ...invalid, api_key: sample.api_key }).toEqual(sample);
    expect(invalid.api_key).not.toBe(sample.api_key);
  });
});
