/**
 * What the bench's sections share: running a connector (or the bare loop) as a child while
 * sampling its RSS, writing its config and catalog, printing "median (min–max)" of runs, and
 * recording each run's figures for BENCH_JSON (scripts/bench-compare.ts reads them).
 * BENCH_CONNECTOR=<checkout> measures that checkout's built connector with this harness.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../integration_tests/sandbox/server.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The checkout whose connectors are measured: this one, or BENCH_CONNECTOR. */
export const connectorRoot = resolve(process.env.BENCH_CONNECTOR ?? root);
export const cli = join(connectorRoot, 'dist', 'src', 'source', 'main.js');
export const bareLoop = join(root, 'dist', 'scripts', 'bare-loop.js');
export const RANGE = { start_date: '2026-01-01', end_date: '2026-03-01' };
export const PAGE = 250;

export interface RunFigures {
  seconds: number;
  lines: number;
  records: number;
  peakRssMb: number;
  code: number | null;
}

/** How a child is started: the bin itself (its shebang applies, as with npx and the image) or `node <script>`. */
export type Launch = { bin: string } | { script: string };

/** Runs a child, counts stdout lines (and RECORD lines), samples its RSS high-water mark. */
export function runChild(launch: Launch, args: string[]): Promise<RunFigures> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const stdio = ['ignore', 'pipe', 'inherit'] as const;
    const child = 'bin' in launch ? spawn(launch.bin, args, { stdio: [...stdio] }) : spawn(process.execPath, [launch.script, ...args], { stdio: [...stdio] });
    let lines = 0;
    let records = 0;
    let peakKb = 0;
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peakKb = Math.max(peakKb, hwm);
      } catch {
        // the process has exited
      }
    };
    const sampler = setInterval(sample, 50);
    // Counted on the raw bytes: the bench process also hosts the sandbox, and decoding and
    // scanning a connector's output as text would stall its event loop (the rate-limit sections
    // would then see arrivals bunched by the harness, not by the connector).
    const RECORD_PREFIX = Buffer.from('{"type":"RECORD"');
    let atLineStart = true;
    let lineStart = Buffer.alloc(0);
    let lastSampleMs = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      let from = 0;
      for (;;) {
        if (atLineStart || lineStart.length > 0) {
          // The first bytes of a line may straddle chunks: keep them until the prefix is decided.
          lineStart = Buffer.concat([lineStart, chunk.subarray(from, from + RECORD_PREFIX.length - lineStart.length)]);
          atLineStart = false;
          if (lineStart.length >= RECORD_PREFIX.length || chunk.indexOf(10, from) !== -1) {
            if (lineStart.subarray(0, RECORD_PREFIX.length).equals(RECORD_PREFIX)) records++;
            lineStart = Buffer.alloc(0);
          }
        }
        const index = chunk.indexOf(10, from);
        if (index === -1) break;
        lines++;
        from = index + 1;
        atLineStart = true;
        if (from >= chunk.length) break;
      }
      const now = Date.now();
      if (now - lastSampleMs >= 10) {
        lastSampleMs = now;
        sample();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolvePromise({ seconds, lines, records, peakRssMb: peakKb / 1024, code });
    });
  });
}

/** Writes the config (base URL, RANGE, `extra`) and a sales-only catalog; returns the `read` arguments. */
export function connectorFiles(work: string, name: string, baseUrl: string, extra: Record<string, unknown>): string[] {
  const config = join(work, `${name}-config.json`);
  const catalog = join(work, `${name}-catalog.json`);
  writeFileSync(config, JSON.stringify({ api_key: 'sandbox-key', base_url: baseUrl, ...RANGE, ...extra }));
  writeFileSync(
    catalog,
    JSON.stringify({ streams: [{ stream: { name: 'sales', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] }),
  );
  return ['read', '--config', config, '--catalog', catalog];
}

export const onlySales = (sales: number) => ({ leads: 0, sales, calls: 0, subscriptions: 0, carts: 0 });
export const out = (text: string) => process.stdout.write(`${text}\n`);
export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** "median (min–max)" of the runs' values. */
export function spread(values: number[], digits: number, unit = ''): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  if (sorted.length === 1) return `${fmt(median, digits)}${unit}`;
  return `${fmt(median, digits)}${unit} (${fmt(sorted[0] as number, digits)}–${fmt(sorted[sorted.length - 1] as number, digits)})`;
}
/** Each figure's value per run, by name; `lower`: whether a lower value is better. */
export const figures = new Map<string, { lower: boolean; values: number[] }>();
export function record(name: string, value: number, lower = true): void {
  const figure = figures.get(name) ?? { lower, values: [] };
  figure.values.push(value);
  figures.set(name, figure);
}

/** Writes the recorded figures to BENCH_JSON, if set. */
export function writeFigures(): void {
  const path = process.env.BENCH_JSON;
  if (path) writeFileSync(path, JSON.stringify(Object.fromEntries(figures)));
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] as number;

/** One connector run against `sandbox` from empty rate-limit windows: the figures and the sandbox's counts. */
export async function limitedRun(sandbox: Sandbox, work: string, name: string, extra: Record<string, unknown>, baseUrl = sandbox.baseUrl) {
  sandbox.resetStats();
  sandbox.resetRateLimit();
  const run = await runChild({ bin: cli }, connectorFiles(work, name, baseUrl, extra));
  const stats = sandbox.stats();
  const tooMany = stats.status['429'] ?? 0;
  return { run, stats, tooMany, requests: (stats.byPath['/sales'] ?? stats.requests) - tooMany };
}
