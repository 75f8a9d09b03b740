/**
 * The silent-gap judgement: date windows of a day or more that returned nothing, while the stream has
 * data elsewhere, usually mean a broken integration or a missing role, not a quiet day.
 */
import { DAY_MS, toIsoUtc } from '../../common/time/index.js';
import type { Logger } from '../../protocol/logger.js';
import type { Window } from './windows.js';

export class SilentGaps {
  /** Windows of at least a day that returned nothing, in the order they finished. */
  private readonly emptyDays: Window[] = [];

  /** A window finished with `records` records. */
  note(window: Window, records: number): void {
    if (records === 0 && window.endMs - window.startMs >= DAY_MS) this.emptyDays.push(window);
  }

  /** Warns about the empty windows when the stream has data elsewhere (this run, or a saved cursor). */
  warn(logger: Logger, name: string, hasData: boolean): void {
    const first = this.emptyDays[0];
    const last = this.emptyDays[this.emptyDays.length - 1];
    if (first === undefined || last === undefined || !hasData) return;
    logger.warn(
      `${name}: ${this.emptyDays.length} date window(s) of a day or more returned no records (between ${toIsoUtc(first.startMs)} and ${toIsoUtc(last.endMs)}) although the stream has data elsewhere. If that is unexpected, check the Hyros integration feeding this data and the API key's roles.`,
    );
  }
}
