/**
 * The records of a set of parent records from a child endpoint (`GET /leads/clicks` for
 * leads). Newer APIs (v1.41 for clicks) take several parent ids per request and name
 * each child's parent; older ones take exactly one and answer 400 to the batch parameter. Which one
 * this API is gets detected once per run, by the first request, while the other callers wait.
 */
import type { HyrosClient } from '../../hyros/client.js';
import { errorMessage } from '../../common/errors.js';
import { failureOf } from '../../hyros/errors.js';
import type { RequestContext } from '../../hyros/request.js';
import { paginate } from '../../hyros/paginate.js';
import type { Logger } from '../../protocol/logger.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { ParentIds } from '../streams/declaration.js';
import { batchIds } from './batch-ids.js';

type Mode = 'batch' | 'single';

export interface ChildEndpoint {
  /** The child stream (named in its WARN). */
  name: string;
  path: string;
  ids: ParentIds;
  pageSize: number;
}

export class ChildRecords {
  private mode: Promise<Mode> | undefined;

  constructor(
    private readonly client: HyrosClient,
    private readonly logger: Logger,
    private readonly child: ChildEndpoint,
  ) {}

  /** Pages of the children of these parent records, each child naming its parent. */
  async *of(parents: readonly JsonObject[], context: RequestContext): AsyncGenerator<JsonObject[]> {
    const { parentKey, maxPerRequest, maxChars } = this.child.ids;
    const ids = parents.map((parent) => parent[parentKey]).filter((id): id is string => typeof id === 'string' && id !== '');
    if (ids.length === 0) return;
    for (const batch of batchIds([...new Set(ids)], maxPerRequest, maxChars)) {
      if ((await this.modeFor(batch, context)) === 'batch') {
        const pages = await this.batchPages(batch, context);
        if (pages) {
          yield* pages;
          continue;
        }
      }
      for (const id of batch) yield* this.singleParent(id, context);
    }
  }

  /**
   * The mode of this run. The first caller asks for its batch's first page with several ids: a 400
   * means this API wants one id per request. Later callers wait for that answer.
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
      await this.client.getJson(this.child.path, [[this.child.ids.batchParam, batch.join(',')], ['pageSize', '1']], context);
      return 'batch';
    } catch (error) {
      // A request Hyros refused for its parameters (not the key, not a role): it wants one id.
      const failure = failureOf(error);
      if (failure?.status !== 400 || (failure.kind !== 'bad_request' && failure.kind !== 'unknown_parameter')) throw error;
      this.useSingleRequests(errorMessage(error));
      return 'single';
    }
  }

  private useSingleRequests(why: string): void {
    const { name, path, ids } = this.child;
    this.mode = Promise.resolve('single');
    this.logger.warnOnce(
      `${name}.single`,
      `${name}: this Hyros API does not take several ${ids.parentNoun} ids per GET /${path} (API ${ids.batchSince}+ does). ${why} Asking for one ${ids.parentNoun} per request for the rest of this sync (about 1 request per ${ids.parentNoun} instead of 1 per ${ids.maxPerRequest}).`,
    );
  }

  /** All pages of one batch, or undefined when a child came back without its parent (then the batch is read per parent). */
  private async batchPages(batch: readonly string[], context: RequestContext): Promise<JsonObject[][] | undefined> {
    const { path, pageSize, ids } = this.child;
    const pages: JsonObject[][] = [];
    for await (const page of paginate(this.client, path, [[ids.batchParam, batch.join(',')]], pageSize, context)) {
      if (page.records.some((child) => !isOneOf(child[ids.childKey], batch))) {
        this.useSingleRequests(`Its ${ids.childNoun}s did not name their ${ids.parentNoun}.`);
        return undefined;
      }
      pages.push(page.records);
    }
    return pages;
  }

  private async *singleParent(id: string, context: RequestContext): AsyncGenerator<JsonObject[]> {
    const { path, pageSize, ids } = this.child;
    for await (const page of paginate(this.client, path, [[ids.singleParam, id]], pageSize, context)) {
      for (const child of page.records) child[ids.childKey] = id;
      yield page.records;
    }
  }
}

function isOneOf(value: unknown, ids: readonly string[]): boolean {
  return typeof value === 'string' && ids.includes(value);
}
