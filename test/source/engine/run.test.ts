/**
 * The engine contract (src/source/engine): it runs planned declarations. Each test hands
 * `runStreams` a declaration, its partitions and an in-memory page source, and checks what a user
 * sees on stdout: records, states with their recordCount, statuses, traces and warnings.
 */
import { describe, expect, it } from 'vitest';
import { HyrosApiError } from '../../../src/hyros/errors.js';
import { Logger } from '../../../src/protocol/logger.js';
import { MessageWriter } from '../../../src/protocol/writer.js';
import { runStreams } from '../../../src/source/engine/run.js';
import type { ChangePassOutcome, PageSource, PartitionPlan, PlannedStream } from '../../../src/source/engine/types.js';
import type { Window } from '../../../src/source/engine/windows.js';
import type { Partitioning, StreamDeclaration } from '../../../src/source/streams/declaration.js';
import { MemorySink } from '../../helpers/memory-sink.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
type Row = Record<string, unknown>;

/** A date-windowed declaration of `things`, whose `createdAt` is the cursor. */
function declaration(partitioning: Partitioning, extra: Partial<StreamDeclaration> = {}): StreamDeclaration {
  return {
    name: 'things',
    path: 'things',
    primaryKey: [['id']],
    properties: { id: { type: 'string' }, createdAt: { type: ['null', 'string'], format: 'date-time' } },
    role: 'Get Things',
    partitioning,
    ...extra,
  };
}
const DATE_WINDOWS: Partitioning = { kind: 'date-windows', cursorSource: 'createdAt' };

/** Pages per window start (one page each unless given as several), and per account for the change pass. */
class MemoryPages implements PageSource {
  readonly asked: string[] = [];
  /** Window start → the window whose pages must all have been taken first (to make windows finish out of order). */
  readonly after = new Map<number, number>();
  private readonly drained = new Map<number, { promise: Promise<void>; resolve: () => void }>();
  failAt: number | undefined;
  changePages: Row[][] = [];
  changeUnsupported = false;

  constructor(private readonly byWindowStart: Map<number, Row[][]>) {}

  async *window(partition: PartitionPlan, window: Window): AsyncGenerator<Row[]> {
    this.asked.push(`${partition.accountId ?? 'own'} ${iso(window.startMs)}`);
    const after = this.after.get(window.startMs);
    if (after !== undefined) {
      await this.drainedOf(after).promise;
      // The engine completes a drained window without waiting on anything outside the process.
      await new Promise((resolve) => setImmediate(resolve));
    }
    try {
      if (window.startMs === this.failAt) throw new HyrosApiError({ kind: 'forbidden', status: 403, endpoint: 'GET /things', apiMessage: 'Forbidden' });
      for (const page of this.byWindowStart.get(window.startMs) ?? []) yield page.map((row) => ({ ...row }));
    } finally {
      this.drainedOf(window.startMs).resolve();
    }
  }

  private drainedOf(start: number): { promise: Promise<void>; resolve: () => void } {
    let entry = this.drained.get(start);
    if (!entry) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      entry = { promise, resolve };
      this.drained.set(start, entry);
    }
    return entry;
  }

  async *changes(partition: PartitionPlan, _context: unknown, outcome: ChangePassOutcome): AsyncGenerator<Row[]> {
    this.asked.push(`${partition.accountId ?? 'own'} changes`);
    if (this.changeUnsupported) {
      outcome.unsupported = true;
      return;
    }
    for (const page of this.changePages) yield page.map((row) => ({ ...row }));
  }
}

function planned(decl: StreamDeclaration, partitions: PartitionPlan[], pages: PageSource, extra: Partial<PlannedStream> = {}): PlannedStream {
  return { declaration: decl, syncMode: 'incremental', partitions, floorMs: T0, hadState: false, pageSize: 100, pages, ...extra };
}

const twoDays = (): Window[] => [
  { startMs: T0, endMs: T0 + DAY, inclusiveEnd: false },
  { startMs: T0 + DAY, endMs: T0 + 2 * DAY, inclusiveEnd: true },
];

async function run(streams: PlannedStream[], concurrency = 2) {
  const sink = new MemorySink();
  const writer = new MessageWriter(sink);
  const result = await runStreams(streams, { concurrency, writer, logger: new Logger(writer) });
  await writer.flush();
  const messages = sink.messages();
  return {
    result,
    messages,
    records: messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data),
    states: messages.filter((m) => m.type === 'STATE').map((m) => [m.state.stream.stream_state, m.state.sourceStats.recordCount]),
    statuses: messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS').map((m) => m.trace.stream_status.status),
    errors: messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error),
    warnings: messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message),
  };
}

describe('the engine runs a date-windowed declaration', () => {
  it('normalises the declared timestamps, keeps each record in its own window, and checkpoints the low-water mark with exact counts', async () => {
    const [first, second] = twoDays() as [Window, Window];
    const pages = new MemoryPages(
      new Map([
        // Hyros' bounds are inclusive: the first window's answer also holds a record of the second.
        [first.startMs, [[{ id: 'a', createdAt: '2026-01-01T10:00:00-05:00' }, { id: 'b', createdAt: iso(second.startMs) }]]],
        [second.startMs, [[{ id: 'b', createdAt: iso(second.startMs) }, { id: 'c', createdAt: 'Fri Jan 02 20:00:00 UTC 2026' }]]],
      ]),
    );
    // The newer window finishes first: the cursor must wait for the older one.
    pages.after.set(first.startMs, second.startMs);
    const partition: PartitionPlan = { accountId: undefined, windows: [first, second], initialCursorMs: undefined };
    const { records, states, statuses, result } = await run([planned(declaration(DATE_WINDOWS), [partition], pages)]);

    expect(records).toEqual([
      { id: 'b', createdAt: '2026-01-02T00:00:00Z', occurred_at: '2026-01-02T00:00:00Z' },
      { id: 'c', createdAt: '2026-01-02T20:00:00Z', occurred_at: '2026-01-02T20:00:00Z' },
      { id: 'a', createdAt: '2026-01-01T15:00:00Z', occurred_at: '2026-01-01T15:00:00Z' },
    ]);
    expect(states).toEqual([[{ occurred_at: iso(second.endMs) }, 3]]);
    expect(statuses).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(result.failedStreams).toEqual([]);
  });

  it('reads the change pass first; an API that ignores the filter keeps changed_at where it was', async () => {
    const [first] = twoDays() as [Window];
    const changes = { initialMs: T0 - 5 * DAY, completedMs: first.endMs, pass: true };
    for (const unsupported of [false, true]) {
      const pages = new MemoryPages(new Map([[first.startMs, [[{ id: 'new', createdAt: iso(first.startMs + 1000) }]]]]));
      pages.changePages = [[{ id: 'old', createdAt: iso(T0 - 30 * DAY) }]];
      pages.changeUnsupported = unsupported;
      const partition: PartitionPlan = { accountId: undefined, windows: [first], initialCursorMs: undefined, changes };
      const { records, states } = await run([planned(declaration(DATE_WINDOWS), [partition], pages)], 1);

      expect(pages.asked).toEqual(['own changes', `own ${iso(first.startMs)}`]);
      // Change-pass records were created before the windows: they keep their own time.
      expect(records.map((r) => [r.id, r.occurred_at])).toEqual(unsupported ? [['new', iso(first.startMs + 1000)]] : [['old', iso(T0 - 30 * DAY)], ['new', iso(first.startMs + 1000)]]);
      const changedAt = iso(unsupported ? changes.initialMs : changes.completedMs);
      expect(states).toEqual(
        unsupported
          ? [[{ occurred_at: iso(first.endMs), changed_at: changedAt }, 1]]
          : [
              [{ occurred_at: iso(T0), changed_at: changedAt }, 1],
              [{ occurred_at: iso(first.endMs), changed_at: changedAt }, 1],
            ],
      );
    }
  });

  it('a failed window: INCOMPLETE, one TRACE ERROR with the role the declaration names, and no state past it', async () => {
    const [first, second] = twoDays() as [Window, Window];
    const pages = new MemoryPages(new Map([[first.startMs, [[{ id: 'a', createdAt: iso(first.startMs) }]]]]));
    pages.failAt = second.startMs;
    const partition: PartitionPlan = { accountId: undefined, windows: [first, second], initialCursorMs: undefined };
    const { states, statuses, errors, result } = await run([planned(declaration(DATE_WINDOWS), [partition], pages)], 1);

    expect(states).toEqual([[{ occurred_at: iso(first.endMs) }, 1]]);
    expect(statuses).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
    expect(errors.map((e) => [e.message, e.failure_type, e.stream_descriptor?.name])).toEqual([
      ['Stream things failed: Hyros refused GET /things (HTTP 403: Forbidden). Check the API key under Settings → API in Hyros. This stream needs the "Get Things" role on the API key.', 'config_error', 'things'],
    ]);
    expect(result.failedStreams).toEqual(['things']);
  });

  it('warns about silent days only when the stream has data elsewhere', async () => {
    const [first, second] = twoDays() as [Window, Window];
    for (const [rows, hadState, warned] of [
      [[{ id: 'a', createdAt: iso(second.startMs) }], false, 1],
      [[], false, 0],
      [[], true, 1],
    ] as const) {
      const pages = new MemoryPages(new Map([[second.startMs, [[...rows]]]]));
      const partition: PartitionPlan = { accountId: undefined, windows: [first, second], initialCursorMs: undefined };
      const { warnings } = await run([planned(declaration(DATE_WINDOWS), [partition], pages, { hadState })]);
      expect(warnings.filter((w) => w.includes('returned no records')), JSON.stringify({ rows, hadState })).toHaveLength(warned);
    }
  });

  it('agency: every record carries its account, and the state keeps a cursor per account (the top one is their minimum)', async () => {
    const [first] = twoDays() as [Window];
    const pages = new MemoryPages(new Map([[first.startMs, [[{ id: 'a', createdAt: iso(first.startMs) }]]]]));
    const partitions: PartitionPlan[] = ['acc-1', 'acc-2'].map((accountId) => ({ accountId, windows: [{ ...first }], initialCursorMs: undefined }));
    const { records, states } = await run([planned(declaration(DATE_WINDOWS), partitions, pages)], 1);

    expect(states[0]).toEqual([{ occurred_at: iso(T0), accounts: { 'acc-1': { occurred_at: iso(first.endMs) }, 'acc-2': { occurred_at: iso(T0) } } }, 1]);
    expect(records.map((r) => [r.id, r.account_id])).toEqual([
      ['a', 'acc-1'],
      ['a', 'acc-2'],
    ]);
    expect(states.at(-1)).toEqual([
      { occurred_at: iso(first.endMs), accounts: { 'acc-1': { occurred_at: iso(first.endMs) }, 'acc-2': { occurred_at: iso(first.endMs) } } },
      1,
    ]);
  });
});

describe('the engine runs the other partitioning kinds from their declarations', () => {
  it('a whole list: no occurred_at, the nested key copied to the top, one state without a cursor at the end', async () => {
    const decl = declaration({ kind: 'whole-list' }, { primaryKey: [['key']], keyCopy: { field: 'key', from: ['source', 'id'] } });
    const window: Window = { startMs: T0, endMs: T0 + 2 * DAY, inclusiveEnd: true };
    const pages = new MemoryPages(new Map([[T0, [[{ id: 'x', source: { id: 42 } }], [{ id: 'y', source: null }]]]]));
    const { records, states, statuses } = await run([planned(decl, [{ accountId: undefined, windows: [window], initialCursorMs: undefined }], pages, { syncMode: 'full_refresh' })]);

    expect(records).toEqual([
      { id: 'x', source: { id: 42 }, key: '42' },
      { id: 'y', source: null },
    ]);
    expect(states).toEqual([[{ __ab_no_cursor_state_message: true }, 2]]);
    expect(statuses).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
  });

  it('parent records: the children keep their own time wherever it falls, and the window is never split or cut short', async () => {
    const parent = { ...declaration(DATE_WINDOWS, { name: 'parents' }), partitioning: { kind: 'date-windows' as const, cursorSource: 'createdAt' } };
    const decl = declaration(
      {
        kind: 'parent-records',
        parent,
        cursorSource: 'createdAt',
        ids: { parentKey: 'id', batchParam: 'ids', maxPerRequest: 50, maxChars: 1000, batchSince: 'v1', singleParam: 'id', childKey: 'parentId', parentNoun: 'parent', childNoun: 'child' },
      },
      { name: 'children' },
    );
    const [first] = twoDays() as [Window];
    const pages = new MemoryPages(new Map([[first.startMs, [[{ id: 'late', createdAt: iso(first.endMs + 5 * DAY) }, { id: 'early', createdAt: iso(T0 - DAY) }]]]]));
    const { records, states } = await run([planned(decl, [{ accountId: undefined, windows: [first], initialCursorMs: undefined }], pages)]);

    expect(records.map((r) => [r.id, r.occurred_at])).toEqual([
      ['late', iso(first.endMs + 5 * DAY)],
      ['early', iso(T0 - DAY)],
    ]);
    expect(states).toEqual([[{ occurred_at: iso(first.endMs) }, 2]]);
  });

  it('report days: a 403 on the ids endpoint names the role that endpoint needs', async () => {
    const decl = declaration(
      {
        kind: 'report-days',
        cursorSource: 'occurred_at',
        lookbackDays: 7,
        ids: { path: 'ads', platform: 'FACEBOOK', maxPerRequest: 50 },
        model: 'last_click',
        level: 'facebook_ad',
        fields: ['sales'],
        options: [],
      },
      { name: 'attribution_r', properties: { occurred_at: { type: 'string', format: 'date-time' } } },
    );
    const failing: PageSource = {
      window: async function* () {
        yield* [];
        throw new HyrosApiError({ kind: 'forbidden', status: 403, endpoint: 'GET /ads', apiMessage: 'Forbidden' });
      },
      changes: async function* () {},
    };
    const [first] = twoDays() as [Window];
    const { errors } = await run([planned(decl, [{ accountId: undefined, windows: [first], initialCursorMs: undefined }], failing)]);
    expect(errors.map((e) => e.message)).toEqual(['Stream attribution_r failed: Hyros refused GET /ads (HTTP 403: Forbidden). Check the API key under Settings → API in Hyros. This report needs the "Get Ads" role on the API key.']);
  });
});
