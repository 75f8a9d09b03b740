/**
 * The key's rate limiter against a server that counts requests when they ARRIVE, over a network
 * whose delay varies per request (the sandbox: 200 ms ± 50 %, half on the way in before the count).
 * The production client (real undici dispatcher, write-time counting, default margin) must not get
 * a single 429 over a few hundred requests, neither as a write runs it (8 chains, each request as
 * soon as a slot frees, 100 ms margin) nor as a read runs it (15 chains in waves, 60 ms margin);
 * the same client with no margin does, which is what makes the first results mean something.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/source/config.js';
import { createHyrosClient, type ClientOverrides } from '../../src/hyros/create.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

const REQUESTS = 240;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ latencyMs: 200, latencyJitter: 0.5, rateLimit: { perSecond: 30, perMinute: 1000 } });
});
afterAll(async () => {
  await sandbox.close();
});

/** REQUESTS GETs from `chains` chains (each waits for its answer), as the engine's workers do. */
async function drive(chains: number, overrides: ClientOverrides = {}): Promise<{ tooMany: number; seconds: number }> {
  const config = resolveConfig({ api_key: 'sandbox-key', start_date: '2026-01-01', base_url: sandbox.baseUrl, max_rate_limit_wait_seconds: 120, max_concurrency: chains });
  const handle = createHyrosClient(config, overrides);
  sandbox.resetStats();
  sandbox.resetRateLimit();
  const started = Date.now();
  let issued = 0;
  try {
    await Promise.all(
      Array.from({ length: chains }, async () => {
        while (issued < REQUESTS) {
          issued++;
          await handle.client.getJson('stages', [['pageSize', '250']]);
        }
      }),
    );
  } finally {
    await handle.close();
  }
  return { tooMany: sandbox.stats().status['429'] ?? 0, seconds: (Date.now() - started) / 1000 };
}

describe('rate limiting under network jitter (server counts arrivals)', () => {
  it('requests sent as slots free (8 chains, 100 ms margin) get no 429 over 240 requests, at close to the limit', async () => {
    const { tooMany, seconds } = await drive(8);
    expect(tooMany).toBe(0);
    // 240 requests at 30/s: 7 full windows after the first burst; the margin costs ~10 % of that.
    expect(seconds).toBeGreaterThan(7);
    expect(seconds).toBeLessThan(7 * 1.1 + 2);
  }, 30_000);

  it("requests sent in waves, as a read sends them (15 chains, 60 ms margin), get no 429 either, and finish sooner", async () => {
    const { tooMany, seconds } = await drive(15, { waves: { requesters: 15, holdMs: 150 } });
    expect(tooMany).toBe(0);
    // The 8th window's wave leaves 7 × 1.06 s after the first (then a round trip; slack for a busy CI).
    expect(seconds).toBeGreaterThan(7);
    expect(seconds).toBeLessThan(7 * 1.06 + 2);
  }, 30_000);

  it('without a margin the same traffic is answered 429 (the jitter bunches arrivals)', async () => {
    const { tooMany } = await drive(8, { safetyMs: 0 });
    expect(tooMany).toBeGreaterThan(0);
  }, 60_000);
});
