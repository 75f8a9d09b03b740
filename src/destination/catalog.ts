/**
 * The configured catalog as the destination uses it: which Hyros object each stream feeds (its
 * `streams` entry, else `destination_object_name`, else its name), and the sync modes Hyros can
 * honour. Everything wrong here is a config_error before any request.
 */
import { configError } from '../common/errors.js';
import type { ResolvedDestinationConfig } from './config.js';
import { OBJECT_NAMES, OBJECTS, objectForStreamName, type ObjectDef, type ObjectName } from './objects.js';

export interface StreamBinding {
  /** `namespace.name` or `name`: how logs and the summary name the stream. */
  label: string;
  name: string;
  namespace: string | undefined;
  object: ObjectDef;
  renames: Readonly<Record<string, string>> | undefined;
  /**
   * The catalog's `minimum_generation_id` when above 0: a refresh that would remove the records of
   * earlier generations. Hyros data cannot be bulk-deleted, so they stay, and this write updates
   * them by their natural key; the write says so in a WARN. Airbyte does not ask it of this
   * destination (its metadata says supportsRefreshes: false); PyAirbyte asks it of every one.
   */
  keepsGenerationsBefore?: number;
}

export const SUPPORTED_SYNC_MODES = ['append', 'append_dedup'] as const;

/** Streams are told apart by namespace and name, as Airbyte does. */
export function streamId(name: string, namespace: string | undefined | null): string {
  return namespace ? `${namespace}\u0000${name}` : name;
}

interface ConfiguredStreamInput {
  stream?: { name?: unknown; namespace?: unknown };
  destination_sync_mode?: unknown;
  minimum_generation_id?: unknown;
  destination_object_name?: unknown;
}

export function bindCatalog(raw: unknown, path: string, config: ResolvedDestinationConfig): Map<string, StreamBinding> {
  const streams = (raw as { streams?: unknown } | null)?.streams;
  if (!Array.isArray(streams)) {
    throw configError(`The catalog file ${path} is not an Airbyte configured catalog: expected {"streams": [...]}.`);
  }
  const bindings = new Map<string, StreamBinding>();
  const unmatched: string[] = [];
  for (const [index, entry] of (streams as ConfiguredStreamInput[]).entries()) {
    const name = entry?.stream?.name;
    if (typeof name !== 'string' || name === '') {
      throw configError(`The catalog file ${path}: streams[${index}].stream.name is missing.`);
    }
    const namespace = typeof entry.stream?.namespace === 'string' && entry.stream.namespace !== '' ? entry.stream.namespace : undefined;
    const label = namespace ? `${namespace}.${name}` : name;
    const mode = entry.destination_sync_mode ?? 'append';
    if (mode === 'overwrite') {
      throw configError(`Stream ${label}: destination_sync_mode overwrite is not supported: Hyros data cannot be bulk-deleted. Use append or append_dedup (both update Hyros by the natural key; with PyAirbyte, destination.write(…, write_strategy="append") or "merge").`);
    }
    if (!(SUPPORTED_SYNC_MODES as readonly unknown[]).includes(mode)) {
      throw configError(`Stream ${label}: destination_sync_mode ${JSON.stringify(mode)} is not supported; use append or append_dedup.`);
    }
    const minimumGeneration = typeof entry.minimum_generation_id === 'number' && entry.minimum_generation_id > 0 ? entry.minimum_generation_id : undefined;
    const mapping = config.streams?.find((m) => m.stream === name || m.stream === label);
    const declared = typeof entry.destination_object_name === 'string' ? entry.destination_object_name : undefined;
    let objectName: ObjectName | undefined = mapping?.object;
    if (objectName === undefined && declared !== undefined) {
      objectName = OBJECT_NAMES.find((o) => o === declared) ?? objectForStreamName(declared);
      if (objectName === undefined) {
        throw configError(`Stream ${label}: destination_object_name ${JSON.stringify(declared)} is not a Hyros object; use one of ${OBJECT_NAMES.join(', ')}.`);
      }
    }
    objectName ??= objectForStreamName(name);
    if (objectName === undefined) {
      unmatched.push(label);
      continue;
    }
    bindings.set(streamId(name, namespace), {
      label, name, namespace, object: OBJECTS[objectName], renames: mapping?.fields,
      ...(minimumGeneration === undefined ? {} : { keepsGenerationsBefore: minimumGeneration }),
    });
  }
  if (unmatched.length > 0) {
    throw configError(
      `No Hyros object for stream(s) ${unmatched.join(', ')}. Map each one in the streams setting, e.g. {"stream": "${unmatched[0]}", "object": "order"} (objects: ${OBJECT_NAMES.join(', ')}), or name the stream orders, leads, calls, refunds, subscriptions or carts.`,
    );
  }
  return bindings;
}
