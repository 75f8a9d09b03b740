/**
 * Bench section "change passes" (`npm run bench`): what catching later changes costs in requests
 * on a 60-day account with 60 000 sales. A counting proxy in front of the sandbox sorts every
 * request into the creation windows, the change pass (it carries updatedFromDate,
 * saleRefundedState or subscriptionStates) and the click requests.
 *   a. a daily incremental run (state one day before the end, lookback 3) of leads, sales,
 *      subscriptions and lead_clicks: requests per pass, records the passes emitted;
 *   b. the alternative the change passes replace: the same sales run with lookback 60;
 *   c. lead_clicks on a full read: requests per 1 000 leads.
 */
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../integration_tests/sandbox/server.js';
import { record } from './bench-lib.js';

const CHANGE_FILTERS = ['updatedFromDate', 'saleRefundedState', 'subscriptionStates'];
const COUNTS = { leads: 20_000, sales: 60_000, calls: 0, subscriptions: 3_000, carts: 0 };
const RANGE = { start_date: '2026-01-01', end_date: '2026-03-01' };
const DAILY_CURSOR = '2026-02-28T00:00:00Z';

/** Forwards to the sandbox and counts requests by `<path> <pass>`. */
async function countingProxy(target: Sandbox): Promise<{ server: Server; baseUrl: string; counts: Map<string, number> }> {
  const counts = new Map<string, number>();
  const upstream = new URL(target.url);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy.local');
    const path = url.pathname.replace(/^\/v1\/api\/v1\.0/, '');
    const pass = path === '/leads/clicks' ? 'clicks' : CHANGE_FILTERS.some((name) => url.searchParams.has(name)) ? 'change pass' : 'creation windows';
    counts.set(`${path} ${pass}`, (counts.get(`${path} ${pass}`) ?? 0) + 1);
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/api/v1.0`, counts };
}

/** Runs the connector; returns its records per stream. */
function read(cli: string, work: string, name: string, config: object, streams: string[], state?: object): Promise<Map<string, number>> {
  const files = { config: join(work, `${name}-config.json`), catalog: join(work, `${name}-catalog.json`), state: join(work, `${name}-state.json`) };
  writeFileSync(files.config, JSON.stringify(config));
  writeFileSync(files.catalog, JSON.stringify({ streams: streams.map((s) => ({ stream: { name: s, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' })) }));
  const args = ['read', '--config', files.config, '--catalog', files.catalog];
  if (state) {
    writeFileSync(files.state, JSON.stringify(state));
    args.push('--state', files.state);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const records = new Map<string, number>();
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) {
        const stream = /^\{"type":"RECORD","record":\{"stream":"([^"]+)"/.exec(line)?.[1];
        if (stream) records.set(stream, (records.get(stream) ?? 0) + 1);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(records) : reject(new Error(`${name}: the connector exited ${code}`))));
  });
}

const stateOf = (streams: string[], cursor: string) =>
  streams.map((name) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: { occurred_at: cursor, changed_at: cursor } } }));

export async function benchChangePasses(cli: string, work: string): Promise<string[][]> {
  const rows: string[][] = [];
  const sandbox = await startSandbox({ counts: COUNTS, rateLimit: false });
  const proxy = await countingProxy(sandbox);
  const config = { api_key: 'sandbox-key', base_url: proxy.baseUrl, ...RANGE, requests_per_second: 1000, requests_per_minute: 60000 };
  const n = (key: string) => proxy.counts.get(key) ?? 0;
  try {
    const streams = ['leads', 'sales', 'subscriptions', 'lead_clicks'];
    const daily = await read(cli, work, 'daily', config, streams, stateOf(streams, DAILY_CURSOR));
    const refundedSales = sandbox.records('sales').filter((s) => s.refundDate !== undefined).length;
    rows.push(['4', 'daily run (lookback 3): /sales creation windows', `${n('/sales creation windows')} requests`, `${daily.get('sales') ?? 0} sales emitted in all`]);
    rows.push(['4', 'daily run: /sales refund pass (refund_lookback_days 90)', `${n('/sales change pass')} requests`, `pages of the ${refundedSales} refunded sales`]);
    rows.push(['4', 'daily run: /leads creation windows + updated pass', `${n('/leads creation windows')} + ${n('/leads change pass')} requests`, `${daily.get('leads') ?? 0} leads emitted (×2: leads and lead_clicks read them)`]);
    rows.push(['4', 'daily run: /subscriptions creation windows + ended pass', `${n('/subscriptions creation windows')} + ${n('/subscriptions change pass')} requests`, `${daily.get('subscriptions') ?? 0} subscriptions emitted`]);
    rows.push(['4', 'daily run: /leads/clicks', `${n('/leads/clicks clicks')} requests`, `${daily.get('lead_clicks') ?? 0} clicks emitted`]);
    record('4 daily run: requests', [...proxy.counts.values()].reduce((a, b) => a + b, 0));

    proxy.counts.clear();
    await read(cli, work, 'lookback60', { ...config, lookback_window_days: 60 }, ['sales'], stateOf(['sales'], DAILY_CURSOR));
    record('4 sales run with lookback 60: requests', n('/sales creation windows') + n('/sales change pass'));
    rows.push(['4', 'the same sales run with lookback 60 instead', `${n('/sales creation windows') + n('/sales change pass')} requests`, 're-reads every sale of the 60 days']);

    proxy.counts.clear();
    const full = await read(cli, work, 'clicks', config, ['lead_clicks']);
    const leadPages = n('/leads creation windows');
    const clickRequests = n('/leads/clicks clicks');
    record('4 lead_clicks full read: requests', leadPages + clickRequests);
    rows.push(['4', 'lead_clicks, full read of 20 000 leads', `${leadPages + clickRequests} requests`, `${leadPages} /leads pages + ${clickRequests} /leads/clicks → ${((1000 * (leadPages + clickRequests)) / COUNTS.leads).toFixed(1)} per 1 000 leads (${full.get('lead_clicks') ?? 0} clicks)`]);
  } finally {
    await new Promise((resolve) => proxy.server.close(resolve));
    proxy.server.closeAllConnections();
    await sandbox.close();
  }
  return rows;
}
