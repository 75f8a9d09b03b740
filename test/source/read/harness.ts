/**
 * Unit-test harness for `read`: the production path (runRead → plan → engine → HyrosClient → global
 * fetch) against a nock-backed fake Hyros that filters by fromDate/toDate (both inclusive, as Hyros
 * does), serves newest first and pages with nextPageId. Output goes to a MemorySink.
 */
import nock from 'nock';
import { expect } from 'vitest';
import { runRead } from '../../../src/source/commands/read.js';
import { Logger } from '../../../src/protocol/logger.js';
import { MessageWriter } from '../../../src/protocol/writer.js';
import { catalogFor, TempFiles } from '../../helpers/files.js';
import { MemorySink } from '../../helpers/memory-sink.js';

export const ORIGIN = 'https://api.hyros.test';
export const BASE_PATH = '/v1/api/v1.0';
export const BASE_URL = `${ORIGIN}${BASE_PATH}`;

export type Msg = Record<string, any>;

export const ms = (iso: string): number => {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`bad date in test: ${iso}`);
  return value;
};
export const iso = (value: number): string => new Date(value).toISOString().replace('.000Z', 'Z');

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Java `Date.toString()` of an instant in a zone `offsetMinutes` east of UTC, printed as `zone`. */
export function javaDate(instantMs: number, zone = 'UTC', offsetMinutes = 0): string {
  const d = new Date(instantMs + offsetMinutes * 60_000);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${zone} ${d.getUTCFullYear()}`;
}

/** ISO-8601 with an explicit offset (how /leads sends times), e.g. -05:00. */
export function isoWithOffset(instantMs: number, offsetMinutes = -300): string {
  const d = new Date(instantMs + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${d.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A lead whose creationDate is `at` rendered with a -05:00 offset. */
export function lead(id: string, at: string, extra: Record<string, unknown> = {}): FakeRecord {
  return { id, atMs: ms(at), data: { id, email: `${id}@example.com`, creationDate: isoWithOffset(ms(at)), ...extra } };
}

/** A sale whose creationDate is `at` as a Java date in UTC. */
export function sale(id: string, at: string, extra: Record<string, unknown> = {}): FakeRecord {
  return { id, atMs: ms(at), data: { id, orderId: `o-${id}`, creationDate: javaDate(ms(at)), ...extra } };
}

export interface FakeRecord {
  id: string;
  /** The instant the server filters on (the record's creation time). */
  atMs: number;
  data: Record<string, unknown>;
}

export interface LoggedRequest {
  path: string;
  query: URLSearchParams;
  startedAt: number;
}

export interface ServeOptions {
  /** Delay (ms) before answering a page of the window that starts at `fromMs`. */
  delayMs?: (fromMs: number, toMs: number) => number;
  /** Widen the server's filter by this much on each side (Hyros returning records outside the window). */
  slackMs?: number;
  /** Answer with this status + JSON body instead (every request, or those `failIf` picks). */
  failWith?: { status: number; body: unknown };
  failIf?: (fromMs: number, toMs: number) => boolean;
}

/** The parameters only a change pass sends. */
const CHANGE_FILTERS = ['updatedFromDate', 'saleRefundedState', 'subscriptionStates'];

/** A fake Hyros on ORIGIN: list endpoints backed by record arrays, every request logged. */
export class FakeHyros {
  readonly requests: LoggedRequest[] = [];

  constructor() {
    nock.disableNetConnect();
  }

  /** Serves `records` on GET /<path> until nock is cleaned. */
  serve(path: string, records: FakeRecord[], options: ServeOptions = {}): void {
    nock(ORIGIN)
      .persist()
      .get(`${BASE_PATH}/${path}`)
      .query(true)
      .reply(async (uri) => {
        const url = new URL(uri, ORIGIN);
        const q = url.searchParams;
        this.requests.push({ path, query: q, startedAt: Date.now() });
        const from = q.get('fromDate');
        const to = q.get('toDate');
        const fromMs = from === null ? Number.NEGATIVE_INFINITY : ms(from);
        const toMs = to === null ? Number.POSITIVE_INFINITY : ms(to);
        const slack = options.slackMs ?? 0;
        const delay = options.delayMs?.(fromMs, toMs) ?? 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        if (options.failWith && (options.failIf?.(fromMs, toMs) ?? true)) {
          return [options.failWith.status, JSON.stringify(options.failWith.body), { 'content-type': 'application/json' }];
        }
        const matching = records
          .filter((r) => r.atMs >= fromMs - slack && r.atMs <= toMs + slack)
          .sort((a, b) => b.atMs - a.atMs || (a.id < b.id ? 1 : -1));
        const size = Number(q.get('pageSize') ?? '100');
        const offset = q.get('pageId') === null ? 0 : Number(/^p(\d+)$/.exec(q.get('pageId') as string)?.[1]);
        const page = matching.slice(offset, offset + size).map((r) => structuredClone(r.data));
        const body: Record<string, unknown> = { result: page, request_id: '0'.repeat(32) };
        if (offset + size < matching.length) body.nextPageId = `p${offset + size}`;
        return [200, JSON.stringify(body), { 'content-type': 'application/json' }];
      });
  }

  /** The requests of the change pass (updated leads, refunded sales, ended subscriptions). */
  changeRequests(path: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path === path && CHANGE_FILTERS.some((name) => r.query.has(name)));
  }

  /** The [fromDate, toDate] pairs sent for `path`, first page of each creation window only, oldest first. */
  windows(path: string): Array<[string, string]> {
    return this.requests
      .filter((r) => r.path === path && !r.query.has('pageId') && !CHANGE_FILTERS.some((name) => r.query.has(name)))
      .map((r) => [r.query.get('fromDate') as string, r.query.get('toDate') as string] as [string, string])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

export interface ReadInput {
  config: Record<string, unknown>;
  streams: string[];
  fullRefresh?: string[];
  /** Written as JSON unless a string (written verbatim); omitted → no --state. */
  state?: unknown;
}

export interface ReadOutput {
  code: number | undefined;
  error: unknown;
  messages: Msg[];
  statePath: string | undefined;
}

/** Runs `read` in-process exactly as the CLI does, with temp config/catalog/state files. */
export async function read(input: ReadInput): Promise<ReadOutput> {
  const files = new TempFiles();
  try {
    const configPath = files.write('config.json', { api_key: 'test-key', base_url: BASE_URL, requests_per_second: 1000, requests_per_minute: 60000, max_retries: 0, ...input.config });
    const incrementalStreams = ['leads', 'sales', 'calls', 'subscriptions', 'carts'].filter((s) => !(input.fullRefresh ?? []).includes(s));
    const catalogPath = files.write('catalog.json', catalogFor(input.streams, { incrementalStreams }));
    const statePath = input.state === undefined ? undefined : files.write('state.json', input.state);
    const sink = new MemorySink();
    const writer = new MessageWriter(sink);
    const logger = new Logger(writer);
    let code: number | undefined;
    let error: unknown;
    try {
      code = await runRead({ config: configPath, catalog: catalogPath, state: statePath }, writer, logger);
    } catch (caught) {
      error = caught;
    }
    await writer.flush();
    return { code, error, messages: sink.messages(), statePath };
  } finally {
    files.cleanup();
  }
}

export const recordsOf = (messages: Msg[], stream: string): Array<Record<string, any>> =>
  messages.filter((m) => m.type === 'RECORD' && m.record.stream === stream).map((m) => m.record.data);
export const statesOf = (messages: Msg[], stream: string): Msg[] =>
  messages.filter((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === stream).map((m) => m.state);
export const statusesOf = (messages: Msg[], stream: string): string[] =>
  messages
    .filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === stream)
    .map((m) => m.trace.stream_status.status);
export const logsOf = (messages: Msg[], level: string): string[] =>
  messages.filter((m) => m.type === 'LOG' && m.log.level === level).map((m) => m.log.message);
export const idsOf = (messages: Msg[], stream: string): string[] => recordsOf(messages, stream).map((r) => r.id as string);

/**
 * The checkpoint contract (§5) over one stream's output, given every record the source holds in the
 * synced range: each state's recordCount is the number of records since the previous state; when a
 * state with cursor C goes out, every record with occurred_at < C has been emitted; the cursor never
 * passes the sync end, and never repeats (or goes back) after more records; counts add up.
 */
export function assertCheckpointContract(messages: Msg[], stream: string, expected: FakeRecord[], syncEndMs: number): void {
  const emitted = new Set<string>();
  let sinceState = 0;
  let total = 0;
  let countSum = 0;
  let previous: number | undefined;
  for (const m of messages) {
    if (m.type === 'RECORD' && m.record.stream === stream) {
      const id = m.record.data.id as string;
      expect(emitted.has(id), `${stream} record ${id} emitted twice`).toBe(false);
      emitted.add(id);
      sinceState++;
      total++;
      if (previous !== undefined) {
        expect(ms(m.record.data.occurred_at), `${stream} record ${id} after a state that covers it`).toBeGreaterThanOrEqual(previous);
      }
    }
    if (m.type === 'STATE' && m.state.stream.stream_descriptor.name === stream) {
      const count = m.state.sourceStats.recordCount as number;
      expect(count, `${stream} recordCount`).toBe(sinceState);
      countSum += count;
      const cursor = ms(m.state.stream.stream_state.occurred_at);
      expect(cursor, `${stream} state past the sync end`).toBeLessThanOrEqual(syncEndMs);
      const missing = expected.filter((r) => r.atMs < cursor && !emitted.has(r.id)).map((r) => r.id);
      expect(missing, `${stream} state ${iso(cursor)} went out before records it covers`).toEqual([]);
      if (previous !== undefined && sinceState > 0) expect(cursor, `${stream} state repeated after records`).toBeGreaterThan(previous);
      previous = cursor;
      sinceState = 0;
    }
  }
  expect(countSum, `${stream} sum of recordCount`).toBe(total);
  expect(sinceState, `${stream} records after the last state`).toBe(0);
}
