/**
 * The `read` inputs besides the config: the configured catalog and the state file, each parsed
 * into plain values with a config_error that names the file and says what to fix.
 */
import { parseIsoInstant, TimeProblem } from '../common/time/index.js';
import { configError } from '../common/errors.js';
import type { JsonObject, SyncMode } from './messages.js';

export interface ConfiguredStream {
  name: string;
  syncMode: SyncMode;
}

export interface CatalogStreamInfo {
  supportedSyncModes: readonly SyncMode[];
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The mode a stream is read in: the one asked for when the stream supports it. A stream without a
 * cursor asked for `incremental` is read in full, as Airbyte's Python CDK reads it: PyAirbyte asks
 * for `incremental` on every stream it selects (Airbyte's platform asks only for supported modes).
 * Anything else the stream does not support (or no mode at all) is refused.
 */
function readMode(asked: unknown, supported: readonly SyncMode[]): SyncMode | undefined {
  if (asked !== 'full_refresh' && asked !== 'incremental') return undefined;
  if (supported.includes(asked)) return asked;
  return asked === 'incremental' && supported.includes('full_refresh') ? 'full_refresh' : undefined;
}

export function parseCatalog(raw: unknown, path: string, known: ReadonlyMap<string, CatalogStreamInfo>): ConfiguredStream[] {
  if (!isObject(raw) || !Array.isArray(raw.streams)) {
    throw configError(`The catalog file ${path} is not a configured catalog: expected {"streams": [{"stream": {...}, "sync_mode": ..., "destination_sync_mode": ...}]}. Build it from the discover output.`);
  }
  const seen = new Set<string>();
  return raw.streams.map((entry, index) => {
    const name = isObject(entry) && isObject(entry.stream) ? entry.stream.name : undefined;
    if (typeof name !== 'string') {
      throw configError(`The catalog file ${path}: streams[${index}] has no stream.name.`);
    }
    const info = known.get(name);
    if (!info) {
      throw configError(`The catalog file ${path} names the stream ${JSON.stringify(name)}, which this connector does not have (it has: ${[...known.keys()].join(', ')}). Run discover and rebuild the catalog.`);
    }
    const asked = (entry as JsonObject).sync_mode ?? 'full_refresh';
    const syncMode = readMode(asked, info.supportedSyncModes);
    if (syncMode === undefined) {
      throw configError(`The catalog file ${path}: stream ${name} has sync_mode ${JSON.stringify(asked)}; it supports ${info.supportedSyncModes.join(' and ')}.`);
    }
    if (seen.has(name)) throw configError(`The catalog file ${path} lists the stream ${name} twice.`);
    seen.add(name);
    return { name, syncMode };
  });
}

/** Per-stream state objects by stream name; `null` means "reset this stream". */
export type StreamStates = Map<string, JsonObject | null>;

/**
 * Accepts every form Airbyte hands a source: an array of STREAM state messages
 * (with or without the message envelope, descriptor with or without namespace), a one-element
 * GLOBAL array, a legacy object keyed by stream name (or `{"data": {...}}`), an empty file, `[]`, `{}`.
 */
export function parseState(raw: unknown, path: string): StreamStates {
  const states: StreamStates = new Map();
  if (raw === undefined || raw === null) return states;
  const bad = (what: string) =>
    configError(`The state file ${path} is not an Airbyte state: ${what}. Pass the state Airbyte saved, or no --state to start from start_date.`);
  const addStreamState = (entry: unknown, where: string) => {
    if (!isObject(entry) || !isObject(entry.stream_descriptor) || typeof entry.stream_descriptor.name !== 'string') {
      throw bad(`${where} has no stream_descriptor.name`);
    }
    const streamState = entry.stream_state;
    if (streamState !== null && streamState !== undefined && !isObject(streamState)) throw bad(`${where}.stream_state is not an object`);
    states.set(entry.stream_descriptor.name, (streamState ?? null) as JsonObject | null);
  };
  const addLegacy = (data: unknown, where: string) => {
    if (!isObject(data)) throw bad(`${where} is not an object keyed by stream name`);
    for (const [name, value] of Object.entries(data)) {
      if (value !== null && !isObject(value)) throw bad(`${where}.${name} is not an object`);
      states.set(name, value as JsonObject | null);
    }
  };
  const addMessage = (message: unknown, where: string) => {
    const state = isObject(message) && message.type === 'STATE' && isObject(message.state) ? message.state : message;
    if (!isObject(state)) throw bad(`${where} is not an object`);
    if (isObject(state.stream)) addStreamState(state.stream, `${where}.stream`);
    else if (isObject(state.global)) {
      const streamStates = state.global.stream_states;
      if (!Array.isArray(streamStates)) throw bad(`${where}.global.stream_states is not an array`);
      streamStates.forEach((entry, i) => addStreamState(entry, `${where}.global.stream_states[${i}]`));
    } else if ('data' in state) addLegacy(state.data, `${where}.data`);
    else throw bad(`${where} is neither a STREAM, GLOBAL nor LEGACY state`);
  };
  if (Array.isArray(raw)) raw.forEach((message, i) => addMessage(message, `[${i}]`));
  else if (isObject(raw)) {
    if ('stream' in raw || 'global' in raw || raw.type === 'STATE' || raw.type === 'STREAM' || raw.type === 'GLOBAL') addMessage(raw, 'the state');
    else if ('data' in raw && Object.keys(raw).length <= 2 && isObject(raw.data)) addLegacy(raw.data, 'data');
    else addLegacy(raw, 'the state');
  } else throw bad('expected a JSON array or object');
  return states;
}

/** The `occurred_at` cursor of a stream's state, validated; undefined when there is none. */
export function cursorFromState(streamState: JsonObject | null | undefined, stream: string, path: string, key = 'occurred_at'): number | undefined {
  if (!streamState) return undefined;
  const value = streamState[key];
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseIsoInstant(value) : undefined;
  if (typeof ms !== 'number') {
    const what = ms instanceof TimeProblem && ms.component !== 'format' ? `which is not a real date-time (${ms.reason})` : 'which is not an ISO-8601 date-time';
    throw configError(`The state file ${path}: stream ${stream} has ${key} ${JSON.stringify(value)}, ${what}. Fix or remove the state for this stream to start from start_date.`);
  }
  return ms;
}
