/**
 * The pages of a Hyros list endpoint: a window's (`fromDate`/`toDate`, or the whole list), or a
 * partition's change pass, whose records are checked against the change filter (an API that ignores
 * the filter or rejects it ends the pass without moving `changed_at`, with one WARN).
 */
import type { HyrosClient } from '../../hyros/client.js';
import { failureOf } from '../../hyros/errors.js';
import { paginate } from '../../hyros/paginate.js';
import { toIsoUtc } from '../../common/time/index.js';
import type { Logger } from '../../protocol/logger.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { ChangePassOutcome, FetchContext, JsonPages, PageSource, PartitionPlan } from '../engine/types.js';
import type { Window } from '../engine/windows.js';
import type { ChangeQuery } from './changes.js';
import type { ChangeQueries } from './windowed-plan.js';

export interface ListSource {
  /** The stream the pages are read for (named in its WARN). */
  streamName: string;
  /** The list read: its name and path (a child stream reads its parent's). */
  listName: string;
  path: string;
  /** Whether a window's pages are asked for its dates (false: the whole list). */
  windowed: boolean;
  pageSize: number;
  changeQueries: ChangeQueries;
  lookbackDays: number;
}

export class ListPages implements PageSource {
  constructor(
    private readonly client: HyrosClient,
    private readonly logger: Logger,
    private readonly list: ListSource,
  ) {}

  async *window(partition: PartitionPlan, window: Window, context: FetchContext): JsonPages {
    const params: Array<readonly [string, string]> = this.list.windowed
      ? [
          ['fromDate', toIsoUtc(window.startMs)],
          ['toDate', toIsoUtc(window.endMs)],
        ]
      : [];
    const requestContext = { ...context, accountId: partition.accountId };
    for await (const page of paginate(this.client, this.list.path, params, this.list.pageSize, requestContext)) yield page.records;
  }

  /** The records of the change pass that the query keeps (only pages with some). */
  async *changes(partition: PartitionPlan, context: FetchContext, outcome: ChangePassOutcome): JsonPages {
    const query = this.list.changeQueries.get(partition.accountId);
    if (!query) return;
    const requestContext = { ...context, accountId: partition.accountId };
    try {
      for await (const page of paginate(this.client, this.list.path, query.params, this.list.pageSize, requestContext)) {
        const kept: JsonObject[] = [];
        for (const record of page.records) {
          const verdict = query.check(record);
          if (verdict === 'filter-ignored') return this.unsupported(outcome, query);
          if (verdict === 'keep') kept.push(record);
        }
        if (kept.length > 0) yield kept;
      }
    } catch (error) {
      if (failureOf(error)?.kind === 'unknown_parameter') return this.unsupported(outcome, query);
      throw error;
    }
  }

  private unsupported(outcome: ChangePassOutcome, query: ChangeQuery): void {
    const { streamName, listName, lookbackDays } = this.list;
    outcome.unsupported = true;
    this.logger.warnOnce(
      `${listName}.changes-unsupported`,
      `${streamName}: ${query.unsupportedMessage} Changes to older ${listName} are caught only within lookback_window_days (${lookbackDays} days) until the API supports it.`,
    );
  }
}
