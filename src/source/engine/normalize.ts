/**
 * Per-record work on the hot path: copy a nested natural key to its top-level field, rewrite every
 * declared timestamp field to ISO-8601 UTC in place (no copying of the record), and compute
 * `occurred_at`. Paths are split once per stream.
 */
import { toIsoUtc } from '../../common/time/index.js';
import { parseHyrosTimestamp } from '../../hyros/timestamps.js';
import type { Logger } from '../../protocol/logger.js';
import type { JsonObject } from '../../protocol/messages.js';
import { cursorSourceOf, type StreamDeclaration } from '../streams/declaration.js';
import { timestampPaths } from '../streams/schema-builders.js';
import { isJsonObject } from '../json.js';

export type UnparseableReporter = (path: string, value: unknown) => void;
type KeyCopy = NonNullable<StreamDeclaration['keyCopy']>;

/** One timestamp field: the objects on its way, its own key, and whether it is the cursor. */
interface TimestampField {
  parents: readonly string[];
  key: string;
  path: string;
  isCursor: boolean;
}

export class RecordNormalizer {
  private readonly fields: readonly TimestampField[];

  /** `cursorSource` must be one of `timestampPaths` when set. */
  constructor(
    timestampPaths: readonly string[],
    cursorSource: string | undefined,
    private readonly report: UnparseableReporter,
    private readonly keyCopy?: KeyCopy,
  ) {
    if (cursorSource !== undefined && !timestampPaths.includes(cursorSource)) throw new Error(`cursor field ${cursorSource} is not a timestamp field`);
    this.fields = timestampPaths.map((path) => {
      const parts = path.split('.');
      return { parents: parts.slice(0, -1), key: parts[parts.length - 1] ?? path, path, isCursor: path === cursorSource };
    });
  }

  /** Normalises the record in place; returns the epoch ms of its cursor field, if it has one. */
  normalize(record: JsonObject): number | undefined {
    if (this.keyCopy) copyKey(this.keyCopy, record);
    let cursorMs: number | undefined;
    for (const field of this.fields) {
      const holder = objectAt(record, field.parents);
      if (holder === undefined) continue;
      const value = holder[field.key];
      if (value === undefined || value === null || value === '') continue;
      const ms = parseHyrosTimestamp(value);
      if (ms === undefined) {
        this.report(field.path, value);
        continue;
      }
      holder[field.key] = toIsoUtc(ms);
      if (field.isCursor) cursorMs = ms;
    }
    return cursorMs;
  }
}

/** The object at `parents` inside the record (the record itself for none); undefined when one is missing. */
function objectAt(record: JsonObject, parents: readonly string[]): JsonObject | undefined {
  let holder = record;
  for (const part of parents) {
    const next = holder[part];
    if (!isJsonObject(next)) return undefined;
    holder = next;
  }
  return holder;
}

/** The normaliser of a declared stream: its `format: date-time` fields, its cursor, its key copy; odd values reported once per field. */
export function normalizerFor(declaration: StreamDeclaration, logger: Logger): RecordNormalizer {
  const { name } = declaration;
  return new RecordNormalizer(
    timestampPaths(declaration.properties),
    cursorSourceOf(declaration),
    (path, value) => logger.warnOnce(`${name}.${path}`, `${name}: ${path} value ${JSON.stringify(value)} is not a timestamp Hyros is known to send; kept as sent (reported once per field).`),
    declaration.keyCopy,
  );
}

/** Copies a stream's nested natural key to its top-level key field, in place. */
function copyKey(copy: KeyCopy, record: JsonObject): void {
  let value: unknown = record;
  for (const part of copy.from) value = isJsonObject(value) ? value[part] : undefined;
  if (value !== undefined && value !== null) record[copy.field] = typeof value === 'string' ? value : String(value);
}
