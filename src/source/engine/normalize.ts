/**
 * Per-record work on the hot path: rewrite every declared timestamp field to ISO-8601 UTC in
 * place (no copying of the record), and compute `occurred_at`. Paths are split once per stream.
 */
import { toIsoUtc } from '../../common/time/index.js';
import { parseHyrosTimestamp } from '../../hyros/timestamps.js';
import type { JsonObject } from '../../protocol/messages.js';

export type UnparseableReporter = (path: string, value: unknown) => void;

export class RecordNormalizer {
  private readonly paths: ReadonlyArray<readonly string[]>;
  private readonly cursorPathIndex: number;

  /** `cursorSource` must be one of `timestampPaths` when set. */
  constructor(timestampPaths: readonly string[], cursorSource: string | undefined, private readonly report: UnparseableReporter) {
    this.paths = timestampPaths.map((path) => path.split('.'));
    this.cursorPathIndex = cursorSource === undefined ? -1 : timestampPaths.indexOf(cursorSource);
    if (cursorSource !== undefined && this.cursorPathIndex < 0) throw new Error(`cursor field ${cursorSource} is not a timestamp field`);
  }

  /** Normalises the record in place; returns the epoch ms of its cursor field, if it has one. */
  normalize(record: JsonObject): number | undefined {
    let cursorMs: number | undefined;
    for (let i = 0; i < this.paths.length; i++) {
      const path = this.paths[i] as readonly string[];
      let holder: JsonObject = record;
      for (let depth = 0; depth < path.length - 1; depth++) {
        const next = holder[path[depth] as string];
        if (next === null || typeof next !== 'object') {
          holder = undefined as unknown as JsonObject;
          break;
        }
        holder = next as JsonObject;
      }
      if (holder === undefined) continue;
      const key = path[path.length - 1] as string;
      const value = holder[key];
      if (value === undefined || value === null || value === '') continue;
      const ms = parseHyrosTimestamp(value);
      if (ms === undefined) {
        this.report(path.join('.'), value);
        continue;
      }
      holder[key] = toIsoUtc(ms);
      if (i === this.cursorPathIndex) cursorMs = ms;
    }
    return cursorMs;
  }
}
