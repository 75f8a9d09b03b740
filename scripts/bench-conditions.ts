/**
 * The bench's sections for the conditions real accounts bring (a key shared by the minute limit, uneven days, a real network, an agency), each run BENCH_RUNS
 * times from empty rate-limit windows, default connector config unless said:
 *   5. minute-bound backfill: BENCH_MINUTE_PAGES (600) pages at 200 ms ± 50 %, the sandbox counting
 *      30/s and BENCH_MINUTE_LIMIT (250) per minute at arrival. The minute limit is scaled down (the
 *      window stays 60 s) so the backfill crosses two minute boundaries in about two minutes; the
 *      connector is told the same limit (`requests_per_minute`, what an account with that limit
 *      would set). Bound: the earliest time both windows allow that many requests;
 *   6. uneven days: BENCH_UNEVEN_SALES (125 000: 500 pages) sales with the `launches` volume (empty
 *      weekends, launch days 20× a median day, burst seconds), 200 ms ± 50 %, 30/s + 1000/min:
 *      requests vs the pages the data needs (and wall vs pages ÷ 30/s). Every window or split ends on
 *      a partial page, about half a page each, and a read starts with 15 windows: at 250 pages that
 *      alone is 3 %, so the target is measured on a backfill twice that size;
 *   7. real network: BENCH_NETWORK_SALES (62 500) sales, 150 ms of server time, behind a proxy
 *      delaying every 16 KiB piece of every request and response independently by 20–100 ms: wall
 *      vs pages ÷ 30/s;
 *   8. agency: one key reading BENCH_AGENCY_ACCOUNTS (20) client accounts of BENCH_AGENCY_SALES
 *      (4 000) sales each, under the key's one 30/s + 1000/min, on the network of section 7: wall vs
 *      pages ÷ 30/s, requests vs pages.
 */
import { startDelayProxy } from '../integration_tests/sandbox/net-delay.js';
import { BASE_PATH, startSandbox, type SandboxOptions } from '../integration_tests/sandbox/server.js';
import { fmt, limitedRun, onlySales, out, PAGE, record, spread } from './bench-lib.js';
import { rateLimitBoundSeconds } from './bench-write.js';

export interface ConditionContext {
  work: string;
  runs: number;
  rows: string[][];
}

const SALES = 62_500;
const JITTERED: SandboxOptions = { latencyMs: 200, latencyJitter: 0.5 };

/** Runs the connector `runs` times; pushes a row per run and the summary rows (wall ÷ bound, 429s, requests ÷ pages). */
async function measure(
  id: string,
  context: ConditionContext,
  options: SandboxOptions & { sales: number; pages?: number; boundSeconds: number; boundText: string; wallTarget?: string; requestsTarget?: string },
  extra: Record<string, unknown> = {},
  proxied?: { minMs: number; maxMs: number },
): Promise<void> {
  const { sales, boundSeconds, boundText, wallTarget, requestsTarget, ...sandboxOptions } = options;
  const sandbox = await startSandbox({ ...sandboxOptions, counts: onlySales(sales) });
  const accounts = sandboxOptions.accounts?.length ?? 0;
  // With client accounts, each holds `sales` and the key's own account is not read.
  const total = accounts > 0 ? sales * accounts : sales;
  const proxy = proxied && (await startDelayProxy({ targetPort: Number(new URL(sandbox.url).port), ...proxied }));
  const baseUrl = proxy ? `http://127.0.0.1:${proxy.port}${BASE_PATH}` : sandbox.baseUrl;
  const pages = options.pages ?? Math.ceil(sales / PAGE);
  const walls: number[] = [];
  const tooMany: number[] = [];
  const requests: number[] = [];
  try {
    for (let run = 1; run <= context.runs; run++) {
      const result = await limitedRun(sandbox, context.work, `c${id}`, extra, baseUrl);
      if (result.run.code !== 0 || result.run.records !== total) throw new Error(`section ${id}: exit ${result.run.code}, ${result.run.records} of ${total} records`);
      walls.push(result.run.seconds);
      tooMany.push(result.tooMany);
      requests.push(result.requests);
      record(`${id} wall ÷ bound`, result.run.seconds / boundSeconds);
      record(`${id} 429 responses`, result.tooMany);
      record(`${id} requests ÷ pages`, result.requests / pages);
      context.rows.push([
        id,
        `run ${run}: wall, 429s, requests, server peak`,
        `${fmt(result.run.seconds)} s → ${fmt(result.run.seconds / boundSeconds, 3)}×`,
        `${result.tooMany} × 429, ${result.requests} requests (${fmt(result.requests / pages, 3)}× ${pages} pages), peak ${result.stats.maxPerSecond}/s, ${result.stats.maxPerMinute}/min`,
      ]);
    }
  } finally {
    await proxy?.close();
    await sandbox.close();
  }
  context.rows.push([id, 'wall ÷ bound', spread(walls.map((w) => w / boundSeconds), 3, '×'), `bound ${fmt(boundSeconds, 2)} s (${boundText})${wallTarget ? `; target ${wallTarget}` : ''}`]);
  context.rows.push([id, '429 responses', spread(tooMany, 0), 'target 0']);
  context.rows.push([id, 'requests ÷ pages the data needs', spread(requests.map((r) => r / pages), 3, '×'), `${pages} pages${requestsTarget ? `; target ${requestsTarget}` : ''}`]);
}

export async function minuteSection(context: ConditionContext): Promise<void> {
  const perMinute = Number(process.env.BENCH_MINUTE_LIMIT ?? 250);
  const pages = Number(process.env.BENCH_MINUTE_PAGES ?? 600);
  const bound = rateLimitBoundSeconds(pages, 30, perMinute);
  out(`5. minute-bound backfill: ${pages} pages at 200 ms ± 50 %, sandbox counting 30/s + ${perMinute}/min at arrival; ${context.runs} run(s) of ~${Math.round(bound)} s`);
  await measure('5', context, {
    ...JITTERED, rateLimit: { perSecond: 30, perMinute }, sales: pages * PAGE, boundSeconds: bound,
    boundText: `the earliest time 30/s and ${perMinute}/min allow ${pages} requests`, wallTarget: '≤ 1.03×',
  }, { requests_per_minute: perMinute });
}

export async function unevenSection(context: ConditionContext): Promise<void> {
  const sales = Number(process.env.BENCH_UNEVEN_SALES ?? 125_000);
  out(`6. uneven days: ${sales} sales, volume 'launches', 200 ms ± 50 %, 30/s + 1000/min; ${context.runs} run(s)`);
  await measure('6', context, {
    ...JITTERED, volume: 'launches', sales, boundSeconds: Math.ceil(sales / PAGE) / 30,
    boundText: 'pages ÷ 30/s', requestsTarget: '≤ 1.03×',
  });
}

export async function networkSection(context: ConditionContext): Promise<void> {
  const sales = Number(process.env.BENCH_NETWORK_SALES ?? SALES);
  out(`7. real network: ${sales} sales, 150 ms server time, every 16 KiB piece delayed 20–100 ms both ways, 30/s + 1000/min; ${context.runs} run(s)`);
  await measure('7', context, {
    latencyMs: 150, sales, boundSeconds: Math.ceil(sales / PAGE) / 30, boundText: 'pages ÷ 30/s', wallTarget: '≤ 1.1×',
  }, {}, { minMs: 20, maxMs: 100 });
}

export async function agencySection(context: ConditionContext): Promise<void> {
  const accounts = Array.from({ length: Number(process.env.BENCH_AGENCY_ACCOUNTS ?? 20) }, (_, i) => `acct-${String(i + 1).padStart(2, '0')}`);
  const sales = Number(process.env.BENCH_AGENCY_SALES ?? 4000);
  const pages = accounts.length * Math.ceil(sales / PAGE);
  out(`8. agency: ${accounts.length} client accounts × ${sales} sales, 150 ms server time, every 16 KiB piece delayed 20–100 ms both ways, one 30/s + 1000/min; ${context.runs} run(s)`);
  await measure('8', context, {
    latencyMs: 150, accounts, sales, pages, boundSeconds: Math.max(pages / 30, rateLimitBoundSeconds(pages)), boundText: 'pages ÷ 30/s (or the minute window, when later)',
    wallTarget: '≤ 1.1×', requestsTarget: '≤ 1.03×',
  }, { account_ids: accounts }, { minMs: 20, maxMs: 100 });
}
