/**
 * The clicks of a set of leads (`GET /leads/clicks`, hyros-api.md §2.1). API v1.41 takes up to 50
 * lead ids per request (`leadIds`) and names each click's lead; older APIs take exactly one
 * `leadId` and answer 400 to `leadIds`. Which one this API is gets detected once per run, by the
 * first request, while the other callers wait for the answer.
 */
import type { HyrosClient } from '../../hyros/client.js';
import { errorMessage } from '../../common/errors.js';
import { failureOf } from '../../hyros/errors.js';
import type { RequestContext } from '../../hyros/request.js';
import { paginate } from '../../hyros/paginate.js';
import type { Logger } from '../../protocol/logger.js';
import type { JsonObject } from '../../protocol/messages.js';
import { batchIds, MAX_IDS_PER_REQUEST } from './batch-ids.js';

const PATH = 'leads/clicks';
/** Lead ids are 64 hex characters: 50 of them, comma-joined and encoded, stay under 3.4 KB of URL. */
const MAX_LEAD_IDS_CHARS = 3400;

type Mode = 'batch' | 'single';

export class LeadClicksReader {
  private mode: Promise<Mode> | undefined;

  constructor(
    private readonly client: HyrosClient,
    private readonly pageSize: number,
    private readonly logger: Logger,
  ) {}

  /** Pages of clicks of these leads, each click carrying its `leadId`. */
  async *clicksOf(leadIds: readonly string[], context: RequestContext): AsyncGenerator<JsonObject[]> {
    for (const batch of batchIds([...new Set(leadIds)], MAX_IDS_PER_REQUEST, MAX_LEAD_IDS_CHARS)) {
      if ((await this.modeFor(batch, context)) === 'batch') {
        const pages = await this.batchPages(batch, context);
        if (pages) {
          yield* pages;
          continue;
        }
      }
      for (const leadId of batch) yield* this.singleLead(leadId, context);
    }
  }

  /**
   * The mode of this run. The first caller asks for its batch's first page with `leadIds`: a 400
   * means this API wants one `leadId` per request. Later callers wait for that answer.
   */
  private modeFor(batch: readonly string[], context: RequestContext): Promise<Mode> {
    if (this.mode === undefined) {
      this.mode = this.probe(batch, context);
      // A probe that failed for another reason (network, 5xx after retries) is retried by the next caller.
      this.mode.catch(() => (this.mode = undefined));
    }
    return this.mode;
  }

  private async probe(batch: readonly string[], context: RequestContext): Promise<Mode> {
    try {
      await this.client.getJson(PATH, [['leadIds', batch.join(',')], ['pageSize', '1']], context);
      return 'batch';
    } catch (error) {
      // A request Hyros refused for its parameters (not the key, not a role): it wants one leadId.
      const failure = failureOf(error);
      if (failure?.status !== 400 || (failure.kind !== 'bad_request' && failure.kind !== 'unknown_parameter')) throw error;
      this.useSingleLeadRequests(errorMessage(error));
      return 'single';
    }
  }

  private useSingleLeadRequests(why: string): void {
    this.mode = Promise.resolve('single');
    this.logger.warnOnce(
      'lead_clicks.single',
      `lead_clicks: this Hyros API does not take several lead ids per GET /leads/clicks (API v1.41+ does). ${why} Asking for one lead per request for the rest of this sync (about 1 request per lead instead of 1 per 50).`,
    );
  }

  /** All pages of one batch, or undefined when a click came back without its `leadId` (then the batch is read per lead). */
  private async batchPages(batch: readonly string[], context: RequestContext): Promise<JsonObject[][] | undefined> {
    const pages: JsonObject[][] = [];
    for await (const page of paginate(this.client, PATH, [['leadIds', batch.join(',')]], this.pageSize, context)) {
      if (page.records.some((click) => typeof click.leadId !== 'string' || !batch.includes(click.leadId))) {
        this.useSingleLeadRequests('Its clicks did not name their lead.');
        return undefined;
      }
      pages.push(page.records as JsonObject[]);
    }
    return pages;
  }

  private async *singleLead(leadId: string, context: RequestContext): AsyncGenerator<JsonObject[]> {
    for await (const page of paginate(this.client, PATH, [['leadId', leadId]], this.pageSize, context)) {
      for (const click of page.records) click.leadId = leadId;
      yield page.records as JsonObject[];
    }
  }
}
