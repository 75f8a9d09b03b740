/** The bench's real-account conditions: uneven daily volume (volume.ts) and per-piece network delay (net-delay.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccount, DEFAULT_COUNTS } from './dataset.js';
import { startDelayProxy, type DelayProxy } from './net-delay.js';
import { BASE_PATH, startSandbox, type Sandbox } from './server.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const END = Date.parse('2026-03-01T00:00:00Z');
const OFFSET_MIN = -300;

function salesPerLocalDay(volume: 'even' | 'launches', seed = 42): { perDay: Map<string, number>; perSecond: Map<number, number>; times: number[] } {
  const account = buildAccount({ seed, counts: { ...DEFAULT_COUNTS, sales: 20_000 }, dataStart: START, dataEnd: END, offsetMin: OFFSET_MIN, volume }, '');
  const perDay = new Map<string, number>();
  const perSecond = new Map<number, number>();
  for (const row of account.rows.sales) {
    const day = new Date(row.t + OFFSET_MIN * 60_000).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    perSecond.set(row.t, (perSecond.get(row.t) ?? 0) + 1);
  }
  return { perDay, perSecond, times: account.rows.sales.map((r) => r.t) };
}

describe('volume: launches', () => {
  const { perDay, perSecond, times } = salesPerLocalDay('launches');
  const weekday = (day: string) => new Date(`${day}T12:00:00Z`).getUTCDay();

  it('is deterministic and stays inside the range on whole seconds', () => {
    expect(salesPerLocalDay('launches').times).toEqual(times);
    expect(times.every((t) => t >= START && t < END && t % 1000 === 0)).toBe(true);
  });

  it('leaves weekends empty (but for the fixed boundary records) and has launch days far above the median day', () => {
    const weekend = [...perDay].filter(([day]) => weekday(day) === 0 || weekday(day) === 6).reduce((sum, [, n]) => sum + n, 0);
    expect(weekend).toBeLessThanOrEqual(5);
    const weekdays = [...perDay].filter(([day]) => weekday(day) !== 0 && weekday(day) !== 6).map(([, n]) => n).sort((a, b) => a - b);
    const median = weekdays[Math.floor(weekdays.length / 2)] as number;
    expect(weekdays[weekdays.length - 1]).toBeGreaterThan(12 * median);
  });

  it('puts dozens of records into some single seconds', () => {
    const busiest = Math.max(...perSecond.values());
    expect(busiest).toBeGreaterThanOrEqual(12);
    expect(busiest).toBeLessThan(250);
  });

  it('leaves the even volume as it was (no weekend gap)', () => {
    const even = salesPerLocalDay('even').perDay;
    expect([...even].filter(([day]) => weekday(day) === 6).every(([, n]) => n > 100)).toBe(true);
  });
});

describe('startDelayProxy', () => {
  let sandbox: Sandbox;
  let proxy: DelayProxy;
  beforeAll(async () => {
    sandbox = await startSandbox({ counts: { sales: 600 }, rateLimit: false });
    proxy = await startDelayProxy({ targetPort: Number(new URL(sandbox.url).port), minMs: 20, maxMs: 60, pieceBytes: 4096 });
  });
  afterAll(async () => {
    await proxy.close();
    await sandbox.close();
  });

  it('delivers every byte, in order, in delayed pieces', async () => {
    const path = `${BASE_PATH}/sales?pageSize=250`;
    const direct = await (await fetch(`${sandbox.url}${path}`, { headers: { 'API-Key': 'sandbox-key' } })).json() as { result: unknown[] };
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${proxy.port}${path}`, { headers: { 'API-Key': 'sandbox-key' } });
    const body = await response.json() as { result: unknown[] };
    const elapsed = Date.now() - started;
    expect(body.result).toEqual(direct.result);
    // A request piece and at least one response piece, each 20–60 ms.
    expect(elapsed).toBeGreaterThanOrEqual(38);
    expect(proxy.pieces()).toBeGreaterThan(10);
  });

  it('serves concurrent requests on separate connections', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 6 }, () => fetch(`http://127.0.0.1:${proxy.port}${BASE_PATH}/sales?pageSize=100`, { headers: { 'API-Key': 'sandbox-key' } }).then((r) => r.json() as Promise<{ result: unknown[] }>)),
    );
    expect(bodies.every((b) => b.result.length === 100)).toBe(true);
  });
});
