/**
 * What the change pass of an incremental run emits (README, "What each stream catches after the
 * fact"), computed from the sandbox's records: the expectation the integration tests hold the
 * connector to.
 */
import { parseHyrosTimestamp } from '../../src/hyros/timestamps.js';

const DAY = 86_400_000;
const ACTIVE = new Set(['ACTIVE', 'TRIALING']);

type Rec = Record<string, unknown>;

export interface IncrementalRun {
  /** start_date */
  startMs: number;
  /** the incoming state's occurred_at and changed_at (changed_at defaults to occurred_at) */
  cursorMs: number;
  changedMs?: number;
  /** the sync end (end_date clamped to now) */
  endMs: number;
  lookbackDays: number;
  refundDays?: number;
  subscriptionDays?: number;
}

const at = (value: unknown): number | undefined => parseHyrosTimestamp(value);

/** The records of `stream` the change pass of `run` emits (records created before its creation windows that changed since changed_at − lookback). */
export function changePassRecords(stream: 'leads' | 'sales' | 'subscriptions', records: readonly Rec[], run: IncrementalRun): Rec[] {
  const changedFrom = (run.changedMs ?? run.cursorMs) - run.lookbackDays * DAY;
  const createdBefore = Math.max(run.startMs, run.cursorMs - run.lookbackDays * DAY);
  if (changedFrom > run.endMs) return [];
  const createdIn = (ms: number | undefined, fromMs: number) => ms !== undefined && ms >= fromMs && ms < createdBefore;
  if (stream === 'leads') {
    return records.filter((r) => {
      const updated = at(r.lastUpdatedDate) as number;
      return createdIn(at(r.creationDate), run.startMs) && updated >= Math.max(changedFrom, run.startMs) && updated <= run.endMs;
    });
  }
  if (stream === 'sales') {
    const from = Math.max(run.startMs, run.endMs - (run.refundDays ?? 90) * DAY);
    return records.filter((r) => r.refundDate != null && createdIn(at(r.creationDate), from) && (at(r.refundDate) as number) >= changedFrom && (at(r.refundDate) as number) <= run.endMs);
  }
  const from = Math.max(run.startMs, run.endMs - (run.subscriptionDays ?? 365) * DAY);
  return records.filter((r) => {
    if (ACTIVE.has(String(r.status)) || !createdIn(at(r.startDate), from)) return false;
    const changed = at(r.cancelAtDate ?? r.endDate);
    return changed === undefined || changed >= changedFrom;
  });
}

export const idsOf = (records: readonly Rec[]): string[] => records.map((r) => r.id as string).sort();
