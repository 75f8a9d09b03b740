/**
 * The change pass of an incremental run (`changed_at`): besides the creation windows, read the
 * records created before them that changed since the last run — leads updated
 * (`updatedFromDate`), sales refunded (`saleRefundedState=REFUNDED`), subscriptions no longer
 * active (`subscriptionStates`) — at the cost of those records' pages only.
 */
import type { ResolvedConfig } from '../config.js';
import { DAY_MS, toIsoUtc } from '../../common/time/index.js';
import type { ChangeCursorPlan } from '../engine/types.js';
import type { Window } from '../engine/windows.js';
import type { QueryParams } from '../../hyros/request.js';
import { parseHyrosTimestamp } from '../../hyros/timestamps.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { ChangeTracking } from '../streams/declaration.js';

/** Server clocks and second precision: a change this close before the asked start still counts as filtered. */
const FILTER_TOLERANCE_MS = 1000;

export interface ChangeQuery {
  params: QueryParams;
  /** `filter-ignored`: the record shows the API did not apply the change filter. */
  check(record: JsonObject): 'keep' | 'skip' | 'filter-ignored';
  /** What the WARN says when the API does not support the filter. */
  unsupportedMessage: string;
}

export interface ChangePassInput {
  config: ResolvedConfig;
  syncEndMs: number;
  /** The partition's creation windows (their start bounds the change pass from above). */
  windows: readonly Window[];
  /** The field `occurred_at` comes from (the creation time). */
  cursorSource: string;
  savedMs?: number;
  changedMs?: number;
}

export function changePass(changes: ChangeTracking, input: ChangePassInput): { plan: ChangeCursorPlan; query?: ChangeQuery } {
  const { config, syncEndMs, windows, savedMs } = input;
  // No incoming state: every record is read by the windows, current as of this run.
  if (savedMs === undefined) return { plan: { initialMs: undefined, completedMs: syncEndMs, pass: false } };
  // A state written before changed_at existed: its records were emitted as of its occurred_at.
  const savedChangedMs = input.changedMs ?? savedMs;
  const skip = { plan: { initialMs: Math.min(savedChangedMs, syncEndMs), completedMs: syncEndMs, pass: false } };
  const changedFromMs = savedChangedMs - config.lookback_window_days * DAY_MS;
  // Records created from here on are read by the windows, changes included.
  const createdBeforeMs = windows[0]?.startMs ?? syncEndMs;
  if (changedFromMs > syncEndMs) return skip; // a cursor in the future: nothing to look at
  const createdFromMs =
    changes.kind === 'updated-filter' ? config.startMs : Math.max(config.startMs, syncEndMs - config[changes.rangeOption] * DAY_MS);
  if (createdFromMs >= createdBeforeMs || (changes.kind === 'state-filter' && config[changes.rangeOption] === 0)) return skip;

  const created = (record: JsonObject) => parseHyrosTimestamp(record[input.cursorSource]);
  const createdInRange = (ms: number | undefined) => ms === undefined || (ms >= createdFromMs && ms < createdBeforeMs);
  const creationParams: QueryParams = [
    ['fromDate', toIsoUtc(createdFromMs)],
    ['toDate', toIsoUtc(createdBeforeMs)],
  ];
  const plan: ChangeCursorPlan = { ...skip.plan, pass: true };
  if (changes.kind === 'updated-filter') {
    const fromMs = Math.max(changedFromMs, config.startMs);
    return {
      plan,
      query: {
        params: [...creationParams, [changes.fromParam, toIsoUtc(fromMs)], [changes.toParam, toIsoUtc(syncEndMs)]],
        check(record) {
          const changedMs = parseHyrosTimestamp(record[changes.changedAt]);
          if (changedMs === undefined || changedMs < fromMs - FILTER_TOLERANCE_MS) return 'filter-ignored';
          return createdInRange(created(record)) ? 'keep' : 'skip';
        },
        unsupportedMessage: `this Hyros API does not filter on ${changes.fromParam} (Hyros API ${changes.since}+ does).`,
      },
    };
  }
  return {
    plan,
    query: {
      params: [...creationParams, ...changes.params],
      check(record) {
        if (!createdInRange(created(record))) return 'skip';
        // The change time: the first of the fields present; none known (e.g. a paused subscription): always emitted.
        const field = changes.changedAt.find((name) => record[name] !== undefined && record[name] !== null);
        const changedMs = field === undefined ? undefined : parseHyrosTimestamp(record[field]);
        if (changedMs === undefined) return 'keep';
        return changedMs < changedFromMs || (changes.eventTime && changedMs > syncEndMs) ? 'skip' : 'keep';
      },
      unsupportedMessage: `this Hyros API does not filter on ${changes.params.map(([name]) => name).join(', ')}.`,
    },
  };
}
