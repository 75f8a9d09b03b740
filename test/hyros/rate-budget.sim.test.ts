/**
 * The rate budget against a server that counts requests when they ARRIVE, over networks whose
 * one-way delays vary per request (integration_tests/sandbox/sim-network.ts): simulated time and
 * seeded delays, so every figure here is the same on any machine. A read's request chains must get
 * no 429 and stay close to the rate-limit bound; the same traffic with no margin does get 429s,
 * which is what makes the first results mean something.
 */
import { describe, expect, it } from 'vitest';
import { RateBudget, type Rate } from '../../src/hyros/rate-budget.js';
import { JITTERED, PIECES, simulateBackfill, type BackfillResult, type Network } from '../../integration_tests/sandbox/sim-network.js';

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
const rates = (perMinute = 1000): Rate[] => [
  { limit: 30, perMs: 1000 },
  { limit: perMinute, perMs: 60_000 },
];

async function backfills(network: Network, chains: number, pages: number, perMinute?: number): Promise<BackfillResult[]> {
  const results: BackfillResult[] = [];
  for (const seed of SEEDS) results.push(await simulateBackfill({ pages, chains, rates: rates(perMinute), network, seed, budget: (clock) => new RateBudget(rates(perMinute), clock) }));
  return results;
}

describe('rate budget on a simulated network (server counts arrivals)', () => {
  it.each([
    ['jittered (200 ms ± 50 %, half each way)', JITTERED],
    ['per-piece (20–100 ms each way, 150 ms of server work)', PIECES],
  ])('15 chains reading 255 pages, %s: no 429 in any backfill, within 1.05× the bound', async (_name, network) => {
    const results = await backfills(network, 15, 255);
    expect(results.map((r) => r.tooMany)).toEqual(SEEDS.map(() => 0));
    expect(results.map((r) => r.requests)).toEqual(SEEDS.map(() => 255));
    // 255 pages at 30/s: 8.5 s; the margins, the first request's trip and the last answer cost the rest.
    for (const result of results) expect(result.wallMs / 8_500).toBeLessThan(1.05);
  });

  it('8 chains (fewer than half the limit): no 429, as fast as the chains allow', async () => {
    const results = await backfills(JITTERED, 8, 255);
    expect(results.map((r) => r.tooMany)).toEqual(SEEDS.map(() => 0));
    for (const result of results) expect(result.wallMs / 8_500).toBeLessThan(1.12);
  });

  it('a minute-bound backfill (30/s + 250/min, 600 pages) crosses two minute boundaries with no 429, at the bound', async () => {
    const results = await backfills(JITTERED, 15, 600, 250);
    expect(results.map((r) => r.tooMany)).toEqual(SEEDS.map(() => 0));
    // The earliest time both windows allow 600 requests: 120 s plus the last burst's 3 s.
    for (const result of results) expect(result.wallMs / 123_000).toBeLessThan(1.01);
  });

  it('3 000 writes across two minute boundaries (16 writers, 50 ms answers, the server sending its remaining count): at the bound', async () => {
    // The server's X-RateLimit-Remaining sits near 0 once the minute is full: every one of those
    // counts is ours, and none may be taken for another client's requests.
    const steady: Network = { wayIn: () => 0, wayOut: (draw) => 50 + 3 * draw, body: () => 0 };
    const result = await simulateBackfill({ pages: 3_000, chains: 16, rates: rates(), network: steady, seed: 1, budget: (clock) => new RateBudget(rates(), clock) });
    expect(result.tooMany).toBe(0);
    // 1 000 a minute in bursts of 30 a second: the 3 000th leaves at 153 s, its answer 50 ms later.
    expect(result.wallMs / 1_000).toBeLessThan(153.6);
  });

  it('writes whose way in stalls now and then (2 % of them, up to 40 ms): the 429s that draws give their slots back, and the run still ends at its bound', async () => {
    const stalling: Network = { wayIn: (draw) => (draw < 0.02 ? 2_000 * draw : 0), wayOut: (draw) => 50 + 3 * draw, body: () => 0 };
    const result = await simulateBackfill({ pages: 3_000, chains: 16, rates: rates(), network: stalling, seed: 1, budget: (clock) => new RateBudget(rates(), clock) });
    // A refused request held a minute slot otherwise, and the last ones would wait a minute more.
    expect(result.tooMany).toBeGreaterThan(0);
    expect(result.wallMs / 1_000).toBeLessThan(153 * 1.02);
  });

  it('with no delay measured the budget keeps no margin, and the same traffic is answered 429', async () => {
    let tooMany = 0;
    for (const seed of SEEDS.slice(0, 4)) {
      const result = await simulateBackfill({
        pages: 255,
        chains: 15,
        rates: rates(),
        network: JITTERED,
        seed,
        budget: (clock) => {
          const budget = new RateBudget(rates(), clock);
          // The delays never reach the budget.
          return { acquire: () => budget.acquire().then((grant) => ({ ...grant, sentAtMs: grant.sentAtMs, written: grant.written, answered: () => {}, done: grant.done })), update: (grant, answer) => budget.update(grant, answer) };
        },
      });
      tooMany += result.tooMany;
    }
    expect(tooMany).toBeGreaterThan(0);
  });
});
