/**
 * Streams are declarations (src/source/streams): plain data that the catalog, the plan and the
 * engine read, and that a generator could read too. A new incremental endpoint is one declaration.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createHyrosClient } from '../../../src/hyros/create.js';
import { Logger } from '../../../src/protocol/logger.js';
import { MessageWriter } from '../../../src/protocol/writer.js';
import { describeStream, streamDeclarations } from '../../../src/source/catalog.js';
import { resolveConfig } from '../../../src/source/config.js';
import { runStreams } from '../../../src/source/engine/run.js';
import { planStream } from '../../../src/source/read/plan-stream.js';
import type { PlanContext } from '../../../src/source/read/plan.js';
import { cursorSourceOf, type StreamDeclaration } from '../../../src/source/streams/declaration.js';
import { STREAMS } from '../../../src/source/streams/definitions.js';
import { timestampPaths } from '../../../src/source/streams/schema-builders.js';
import { MemorySink } from '../../helpers/memory-sink.js';
import { BASE_URL, FakeHyros, ms, type FakeRecord } from '../read/harness.js';

afterEach(() => {
  nock.cleanAll();
});

const withReports = resolveConfig({
  api_key: 'k',
  start_date: '2026-01-01',
  attribution_reports: [
    { name: 'ads', level: 'facebook_ad', fields: ['sales', 'revenue'] },
    { name: 'campaigns', level: 'facebook_campaign', fields: ['name', 'cost'], source_configuration: 'only_paid' },
  ],
});

describe('stream declarations', () => {
  it('are plain data: every declaration, the attribution reports included, survives a JSON round trip unchanged', () => {
    const declarations = streamDeclarations(withReports);
    expect(declarations.map((d) => d.name)).toEqual([...STREAMS.map((d) => d.name), 'attribution_ads', 'attribution_campaigns']);
    for (const declaration of declarations) expect(JSON.parse(JSON.stringify(declaration)), declaration.name).toEqual(declaration);
  });

  it('declare their cursor as a date-time field of their own schema, and a child its parent among the declarations', () => {
    for (const declaration of streamDeclarations(withReports)) {
      const cursor = cursorSourceOf(declaration);
      if (cursor !== undefined) expect(timestampPaths(declaration.properties), declaration.name).toContain(cursor);
      if (declaration.partitioning.kind === 'parent-records') expect(STREAMS).toContain(declaration.partitioning.parent);
    }
  });

  it('an attribution report by ad account asks for one account per request; by ad, for batches of ids', () => {
    const [ads, campaigns] = streamDeclarations(withReports).slice(-2) as [StreamDeclaration, StreamDeclaration];
    expect(ads.partitioning).toMatchObject({ kind: 'report-days', ids: { path: 'ads', platform: 'FACEBOOK', maxPerRequest: 50 }, level: 'facebook_ad', model: 'last_click' });
    expect(campaigns.partitioning).toMatchObject({ kind: 'report-days', ids: { path: 'ad-accounts', platform: 'FACEBOOK', maxPerRequest: 1 } });
    if (campaigns.partitioning.kind !== 'report-days') throw new Error('not a report');
    expect(campaigns.partitioning.options[0]).toEqual(['isAdAccountId', 'true']);
    expect(campaigns.partitioning.options.at(-1)).toEqual(['sourceConfiguration', 'only_paid']);
  });
});

describe('a new incremental Hyros endpoint', () => {
  /** Declared once; nothing else is written for it. */
  const refunds: StreamDeclaration = {
    name: 'refunds',
    path: 'refunds',
    primaryKey: [['id']],
    properties: { id: { type: 'string' }, refundDate: { type: ['null', 'string'], format: 'date-time' }, amount: { type: ['null', 'number'] } },
    role: 'Get Refunds',
    partitioning: { kind: 'date-windows', cursorSource: 'refundDate' },
  };
  const refund = (id: string, at: string): FakeRecord => ({ id, atMs: ms(at), data: { id, refundDate: at.replace('Z', '-00:00'), amount: 5 } });

  it('is discovered as an incremental stream and read in date windows with checkpoints, from the declaration alone', async () => {
    expect(describeStream(refunds, false)).toMatchObject({
      name: 'refunds',
      supported_sync_modes: ['full_refresh', 'incremental'],
      default_cursor_field: ['occurred_at'],
      source_defined_primary_key: [['id']],
    });

    const hyros = new FakeHyros();
    hyros.serve('refunds', [refund('r1', '2026-01-01T10:00:00Z'), refund('r2', '2026-01-03T10:00:00Z'), refund('r3', '2026-01-05T10:00:00Z')]);
    const config = resolveConfig({ api_key: 'k', base_url: BASE_URL, start_date: '2026-01-01', end_date: '2026-01-04T00:00:00Z', max_concurrency: 2, requests_per_second: 1000, requests_per_minute: 60000, max_retries: 0 });
    const sink = new MemorySink();
    const writer = new MessageWriter(sink);
    const logger = new Logger(writer);
    const handle = createHyrosClient(config);
    try {
      const context: PlanContext = { config, client: handle.client, logger, states: new Map(), statePath: '', accounts: [undefined], syncEndMs: ms('2026-01-04T00:00:00Z'), windowedPartitions: 1 };
      const stream = await planStream(refunds, { name: 'refunds', syncMode: 'incremental' }, context);
      const result = await runStreams([stream], { concurrency: 2, writer, logger });
      await writer.flush();
      expect(result.failedStreams).toEqual([]);
    } finally {
      await handle.close();
    }
    const messages = sink.messages();
    const records = messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data);
    expect(records.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      { id: 'r1', refundDate: '2026-01-01T10:00:00Z', amount: 5, occurred_at: '2026-01-01T10:00:00Z' },
      { id: 'r2', refundDate: '2026-01-03T10:00:00Z', amount: 5, occurred_at: '2026-01-03T10:00:00Z' },
    ]);
    const states = messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state);
    expect(states.at(-1)).toEqual({ occurred_at: '2026-01-04T00:00:00Z' });
    // Two windows (one per worker), each asked for its own dates.
    expect(hyros.windows('refunds')).toEqual([
      ['2026-01-01T00:00:00Z', '2026-01-02T12:00:00Z'],
      ['2026-01-02T12:00:00Z', '2026-01-04T00:00:00Z'],
    ]);
  });
});
