/**
 * Records → outcomes. Each record is mapped and validated (invalid: never sent), then written under
 * the exactly-once rules of the destination (docs/integrations/destinations/hyros.md, "Limitations"):
 * - writes for one natural key go one after another, and a later one waits until the earlier request
 *   is PROCESSED (status API) or `ambiguous_retry_after_seconds` have passed since its answer came
 *   (Hyros duplicates an order or call re-sent while the first is PENDING; leads upsert, so they only
 *   keep their order);
 * - a write whose answer was lost is sent again only after that same delay, counted from the loss
 *   (the lost request reached Hyros, if at all, before that moment, whatever the network delay);
 * - at most `max_concurrency` requests are in flight, all under the key's one rate budget, and at most
 *   MAX_OUTSTANDING records wait for an outcome: past that, `submit` waits, and stdin is not read.
 */
import { sleep } from '../hyros/backoff.js';
import type { HyrosClient } from '../hyros/client.js';
import type { WriteOutcome } from '../hyros/request.js';
import { ConnectorError, configError } from '../common/errors.js';
import type { Logger } from '../protocol/logger.js';
import { streamId, type StreamBinding } from './catalog.js';
import type { ResolvedDestinationConfig } from './config.js';
import { mapRecord, type Payload } from './mapping.js';
import type { ObjectDef } from './objects.js';
import type { OutcomeReport } from './report.js';
import { RequestStatusPoller } from './request-status.js';
import type { RecordTicket, StateLedger } from './states.js';
import { maskEmailsIn } from './values.js';
import { KeyOrder, type KeyTrack } from './key-order.js';
import { rejectionReason, requestFor } from './requests.js';
import { Semaphore } from '../common/wait-queue.js';

const MAX_OUTSTANDING = 2000;
const DRY_RUN_PAYLOADS_LOGGED = 3;
/** Hyros keeps request statuses for 2 hours: a confirmation never waits longer. */
const MAX_CONFIRMATION_WAIT_MS = 2 * 3600_000;

export interface PipelineDeps {
  config: ResolvedDestinationConfig;
  client: HyrosClient | undefined;
  dryRun: boolean;
  logger: Logger;
  report: OutcomeReport;
  ledger: StateLedger;
  /** Called after any record got its outcome (the state echo runs there). */
  onSettled: () => void;
}

export class WritePipeline {
  /** Records admitted and not yet settled (MAX_OUTSTANDING). */
  private readonly room = new Semaphore(MAX_OUTSTANDING);
  /** Requests in flight (max_concurrency). */
  private readonly slots: Semaphore;
  private readonly keys: KeyOrder;
  private readonly tasks = new Set<Promise<void>>();
  private readonly aborter = new AbortController();
  private readonly poller: RequestStatusPoller | undefined;
  private readonly dryRunLogged = new Map<string, number>();
  private readonly ambiguousMs: number;
  private fatal: unknown;

  constructor(private readonly deps: PipelineDeps) {
    this.slots = new Semaphore(deps.config.max_concurrency);
    this.poller = deps.client ? new RequestStatusPoller(deps.client) : undefined;
    this.ambiguousMs = deps.config.ambiguous_retry_after_seconds * 1000;
    this.keys = new KeyOrder(this.ambiguousMs);
  }

  /** The error that stopped the run, if any: nothing after it is written or echoed. */
  get failure(): unknown {
    return this.fatal;
  }

  get statusPolls(): number {
    return this.poller?.polls ?? 0;
  }

  /** Takes one record; resolves when there is room for the next one. */
  async submit(binding: StreamBinding, record: Payload): Promise<void> {
    const { ledger, report, config } = this.deps;
    const ticket = ledger.record(streamId(binding.name, binding.namespace));
    const mapped = mapRecord(binding.object, record, { clock: config.clock, ...(binding.renames ? { renames: binding.renames } : {}) });
    if (!mapped.ok) {
      await report.failed({ stream: binding.label, object: binding.object.name, key: mapped.key, outcome: 'invalid', reasons: mapped.problems, record });
      this.settle(ticket, 'rejected');
      return;
    }
    if (this.deps.dryRun) {
      this.logDryRun(binding, mapped.payload);
      report.accepted(binding.label);
      this.settle(ticket, 'accepted');
      return;
    }
    let leaveRoom: () => void;
    try {
      leaveRoom = await this.room.acquire(this.aborter.signal);
    } catch {
      // The run failed while this record waited: nothing after the failure is written.
      return;
    }
    const task = this.keys.admit(mapped.key, (previous, track) => this.write(binding, record, mapped.payload, mapped.key, ticket, previous, track));
    this.tasks.add(task);
    void task.then(() => {
      this.tasks.delete(task);
      leaveRoom();
    });
  }

  /** Resolves when every admitted record has its outcome (or the run failed). */
  async finish(): Promise<void> {
    for (let round = 0; this.tasks.size > 0 && round < 1_000_000; round++) await Promise.all([...this.tasks]);
  }

  private settle(ticket: RecordTicket, outcome: 'accepted' | 'rejected'): void {
    this.deps.ledger.settle(ticket, outcome);
    this.deps.onSettled();
  }

  private fail(error: unknown): void {
    if (this.fatal !== undefined) return;
    this.fatal = error;
    this.aborter.abort(error);
  }

  private async write(
    binding: StreamBinding,
    record: Payload,
    payload: Payload,
    key: string,
    ticket: RecordTicket,
    previous: Promise<void>,
    track: KeyTrack,
  ): Promise<void> {
    const object = binding.object;
    try {
      await previous;
      if (this.fatal !== undefined) return;
      await this.waitForEarlierWrite(object, track);
      const outcome = await this.send(binding, payload, track);
      if (outcome.kind === 'rejected') {
        await this.deps.report.failed({ stream: binding.label, object: object.name, key, outcome: 'rejected', reasons: [rejectionReason(object, payload, outcome)], record });
        this.settle(ticket, 'rejected');
        return;
      }
      if (this.deps.config.write_confirmation === 'processed') {
        const failure = await this.confirm(outcome, track);
        if (failure !== undefined) {
          await this.deps.report.failed({ stream: binding.label, object: object.name, key, outcome: 'rejected', reasons: [`Hyros could not process the write: ${failure}`], record });
          this.settle(ticket, 'rejected');
          return;
        }
      }
      this.deps.report.accepted(binding.label);
      this.settle(ticket, 'accepted');
    } catch (error) {
      this.fail(error);
    }
  }

  /** Sends one write; a lost answer is resent only once `ambiguous_retry_after_seconds` have passed. */
  private async send(binding: StreamBinding, payload: Payload, track: KeyTrack): Promise<Exclude<WriteOutcome, { kind: 'ambiguous' }>> {
    const client = this.deps.client as HyrosClient;
    const { object } = binding;
    const request = requestFor(object, payload);
    const context = {
      observer: this.deps.report.observer(binding.label),
      signal: this.aborter.signal,
      ...(this.deps.config.account_id === undefined ? {} : { accountId: this.deps.config.account_id }),
    };
    const maxResends = this.deps.config.max_retries;
    for (let resend = 0; ; resend++) {
      // After a failure the signal is aborted with it: a waiting write throws it and sends nothing.
      const leaveSlot = await this.slots.acquire(this.aborter.signal);
      let outcome: WriteOutcome;
      try {
        outcome = await client.write(object.method, request.path, request.body, context, request.params);
      } finally {
        leaveSlot();
      }
      if (outcome.kind === 'accepted') {
        track.last = { requestId: outcome.requestId, sentAtMs: outcome.sentAtMs, settledAtMs: outcome.settledAtMs, processed: false };
        return outcome;
      }
      if (outcome.kind === 'rejected') return outcome;
      // The write may have reached Hyros: treat it as pending until the delay has passed.
      track.last = { requestId: undefined, sentAtMs: outcome.sentAtMs, settledAtMs: outcome.settledAtMs, processed: false };
      if (resend >= maxResends) {
        throw new ConnectorError(
          `${object.method} /${request.path}: the answer was lost ${resend + 1} times (${outcome.reason}). The writes sent so far may have reached Hyros; the next attempt resends them from the last saved state, which updates rather than duplicates once Hyros has processed them.`,
          'transient_error',
        );
      }
      const waitMs = Math.max(0, outcome.settledAtMs + this.ambiguousMs - Date.now());
      this.deps.logger.warn(
        `${object.method} /${request.path}: the answer was lost (${outcome.reason}); Hyros may have accepted the write, so it is sent again only after ${Math.round(waitMs / 1000)} s (ambiguous_retry_after_seconds), when a resend updates instead of duplicating.`,
      );
      await sleep(waitMs, this.aborter.signal);
    }
  }

  /** Same natural key: wait until the earlier write is PROCESSED or its resend window has passed. */
  private async waitForEarlierWrite(object: ObjectDef, track: KeyTrack): Promise<void> {
    const last = track.last;
    // Leads upsert on email/phone whatever the earlier request's state: keeping their order is enough.
    if (last === undefined || last.processed || object.name === 'lead') return;
    const deadline = last.settledAtMs + this.ambiguousMs;
    if (last.requestId !== undefined && this.poller && this.poller.unavailable === undefined) {
      const status = await this.poller.waitFor(last.requestId, last.sentAtMs, deadline, this.context());
      if (status !== undefined && status.status !== 'PENDING') {
        last.processed = true;
        return;
      }
    }
    const waitMs = deadline - Date.now();
    if (waitMs > 0) await sleep(waitMs, this.aborter.signal);
  }

  /** write_confirmation processed: the request's fate; a reason when it FAILED. */
  private async confirm(outcome: Extract<WriteOutcome, { kind: 'accepted' }>, track: KeyTrack): Promise<string | undefined> {
    const poller = this.poller as RequestStatusPoller;
    if (outcome.requestId === undefined) {
      // Hyros accepted but its answer carried no request id (cut body): nothing to poll.
      return undefined;
    }
    const status = await poller.waitFor(outcome.requestId, outcome.sentAtMs, outcome.sentAtMs + MAX_CONFIRMATION_WAIT_MS, this.context());
    if (status === undefined) {
      throw configError(
        `write_confirmation is processed, but GET /requests/{id} cannot be used: ${poller.unavailable ?? 'unknown reason'}. It needs Hyros API v1.41+ and the key's "Get Request Status" role; add the role, or set write_confirmation to accepted.`,
      );
    }
    if (status.status === 'PENDING') {
      throw new ConnectorError(`Hyros still reports request ${outcome.requestId} as PENDING after ${MAX_CONFIRMATION_WAIT_MS / 3600_000} h; it is not resent (that would duplicate it).`, 'transient_error');
    }
    if (track.last) track.last.processed = true;
    return status.status === 'FAILED' ? status.reason : undefined;
  }

  private context() {
    return { signal: this.aborter.signal, ...(this.deps.config.account_id === undefined ? {} : { accountId: this.deps.config.account_id }) };
  }

  private logDryRun(binding: StreamBinding, payload: Payload): void {
    const logged = this.dryRunLogged.get(binding.label) ?? 0;
    if (logged >= DRY_RUN_PAYLOADS_LOGGED) return;
    this.dryRunLogged.set(binding.label, logged + 1);
    const request = requestFor(binding.object, payload);
    const query = request.params.length > 0 ? `?${new URLSearchParams(request.params).toString()}` : '';
    const body = request.body === undefined ? '' : ` ${JSON.stringify(request.body)}`;
    this.deps.logger.info(maskEmailsIn(`Dry run, stream ${binding.label}: would send ${binding.object.method} /${request.path}${query}${body}`));
  }
}
