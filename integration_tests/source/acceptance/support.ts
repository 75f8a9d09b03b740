/**
 * Shared by the acceptance suite, the fault/crash tests and the expected-records generator: the
 * integration_tests/ input files pointed at a running sandbox, catalogs the way CAT builds them,
 * primary keys, and the state CAT hands to the next read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIncremental } from '../../../src/source/streams/declaration.js';
import { STREAMS } from '../../../src/source/streams/definitions.js';
import { repoRoot } from '../../image/packaging-facts.js';

export const ROOT = repoRoot();

export const ALL_STREAMS: readonly string[] = STREAMS.map((s) => s.name);
export const INCREMENTAL_STREAMS: readonly string[] = STREAMS.filter(isIncremental).map((s) => s.name);

export type Json = Record<string, any>;

/** A JSON file of the repository, by path relative to the root. */
export function repoJson<T = any>(relativePath: string): T {
  return JSON.parse(readFileSync(join(ROOT, relativePath), 'utf8')) as T;
}

/** integration_tests/sample_config.json (what CAT's secrets/config.json is), aimed at `baseUrl`. */
export function sandboxConfig(baseUrl: string, overrides: Json = {}): Json {
  return { ...repoJson('integration_tests/sample_config.json'), base_url: baseUrl, ...overrides };
}

/** CAT's basic_read catalog (high strictness): every discovered stream, full_refresh / overwrite. */
export function fullRefreshCatalog(discovered: Json[]): Json {
  return {
    streams: discovered.map((stream) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })),
  };
}

/** CAT's configured_catalog_for_incremental: the incremental streams of a configured catalog. */
export function incrementalOnly(catalog: Json, streams?: readonly string[]): Json {
  return {
    streams: catalog.streams.filter(
      (s: Json) => s.sync_mode === 'incremental' && (streams === undefined || streams.includes(s.stream.name)),
    ),
  };
}

/** The primary-key paths of a stream, as the connector declares them. */
export function primaryKeyPaths(stream: string): string[][] {
  const definition = STREAMS.find((s) => s.name === stream);
  if (!definition) throw new Error(`unknown stream ${stream}`);
  return definition.primaryKey;
}

/** The values at each primary-key path of a record (undefined where a path is missing). */
export function primaryKeyValues(stream: string, data: Json): unknown[] {
  return primaryKeyPaths(stream).map((path) => path.reduce<any>((value, part) => (value == null ? undefined : value[part]), data));
}

/** `stream|<pk as JSON>`: identifies a record across runs. */
export function recordKey(stream: string, data: Json): string {
  return `${stream}|${JSON.stringify(primaryKeyValues(stream, data))}`;
}

/**
 * The state CAT passes to the next read: the last STATE per stream, as an array of STREAM
 * messages whose descriptor has no namespace.
 */
export function stateForNextRead(states: Json[]): Json[] {
  const last = new Map<string, Json>();
  for (const state of states) last.set(state.stream.stream_descriptor.name, state.stream.stream_state);
  return [...last].map(([name, streamState]) => ({
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: streamState },
  }));
}
