/**
 * The model behind the rate budget's margin (src/hyros/arrival-margin.ts): the real budget on a
 * simulated clock, against a server counting 30 arrivals per sliding second (and a minute limit),
 * over the networks of integration_tests/sandbox/sim-network.ts (and a write's), many seeded runs each.
 * Prints per case the wall time ÷ the rate-limit bound (median, 90th percentile) and the share of
 * backfills that drew any 429.
 *
 *   node dist/scripts/sim-rate.js [backfills per case, default 300]
 *
 * A model, not a measurement: the sandbox bench (`npm run bench`) is the measurement.
 */
import { RateBudget, type Rate } from '../src/hyros/rate-budget.js';
import { JITTERED, PIECES, simulateBackfill, type Network } from '../integration_tests/sandbox/sim-network.js';
import { rateLimitBoundSeconds } from './bench-write.js';

const backfills = Number(process.argv[2] ?? 300);
const reads: Array<[string, Network]> = [
  ['jittered', JITTERED],
  ['per-piece', PIECES],
];
/** Writes: 50 ms answers; now and then (2 %) a stall of up to 40 ms on the way in. */
const writes: Array<[string, Network]> = [
  ['steady', { wayIn: () => 0, wayOut: (draw) => 50 + 3 * draw, body: () => 0 }],
  ['stalls', { wayIn: (draw) => (draw < 0.02 ? 2_000 * draw : 0), wayOut: (draw) => 50 + 3 * draw, body: () => 0 }],
];
const cases: Array<{ name: string; chains: number; pages: number; perMinute: number; networks: Array<[string, Network]> }> = [
  { name: 'read, 15 chains, 255 pages', chains: 15, pages: 255, perMinute: 1000, networks: reads },
  { name: 'read, 8 chains, 255 pages', chains: 8, pages: 255, perMinute: 1000, networks: reads },
  { name: 'read, 30 chains, 255 pages', chains: 30, pages: 255, perMinute: 1000, networks: reads },
  { name: 'minute-bound, 15 chains, 600 pages, 250/min', chains: 15, pages: 600, perMinute: 250, networks: reads },
  { name: 'writes, 16 at once, 3 000', chains: 16, pages: 3000, perMinute: 1000, networks: writes },
];

const at = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] as number;
process.stdout.write(`${backfills} seeded backfills per case\ncase                                          network     wall ÷ bound (median, p90)  backfills with a 429\n`);
for (const { name, chains, pages, perMinute, networks } of cases) {
  const rates: Rate[] = [
    { limit: 30, perMs: 1000 },
    { limit: perMinute, perMs: 60_000 },
  ];
  // As the bench: pages ÷ 30/s, or the minute window's bound when that is later.
  const bound = Math.max(pages / 30, rateLimitBoundSeconds(pages, 30, perMinute)) * 1000;
  for (const [networkName, network] of networks) {
    const ratios: number[] = [];
    let with429 = 0;
    for (let seed = 1; seed <= backfills; seed++) {
      const result = await simulateBackfill({ pages, chains, rates, network, seed, budget: (clock) => new RateBudget(rates, clock) });
      ratios.push(result.wallMs / bound);
      if (result.tooMany > 0) with429++;
    }
    ratios.sort((a, b) => a - b);
    const figures = `${at(ratios, 0.5).toFixed(3)}×, ${at(ratios, 0.9).toFixed(3)}×`;
    process.stdout.write(`${name.padEnd(45)} ${networkName.padEnd(11)} ${figures.padEnd(26)} ${((100 * with429) / backfills).toFixed(1)} %\n`);
  }
}
