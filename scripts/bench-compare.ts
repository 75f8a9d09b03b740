/**
 * Bench sections side by side against another built checkout, on one machine in one sitting:
 *
 *   node dist/scripts/bench-compare.js --baseline /path/to/checkout [--sections 1,7,2] [--rounds 3]
 *
 * Each round runs every chosen section once for each checkout, alternating which goes first, so
 * that load from elsewhere falls on both alike. The harness (this checkout's bench and sandbox) is
 * the same for both: only the connector under test differs (BENCH_CONNECTOR). Section W is the
 * write bench's W1 (`bench-write.js`). Prints one table: per figure the median and spread (min–max)
 * of each side, and the ratio of the medians, flagged when this checkout is worse by more than 5 %.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, out } from './bench-lib.js';

const here = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { values } = parseArgs({ options: { baseline: { type: 'string' }, sections: { type: 'string', default: '1,2,5,6,7,8' }, rounds: { type: 'string', default: '3' } } });
if (values.baseline === undefined) {
  process.stderr.write('usage: node dist/scripts/bench-compare.js --baseline <built checkout> [--sections 1,2,4,5,6,7,8,W] [--rounds 3]\n');
  process.exit(2);
}
const sides: Array<[string, string]> = [
  ['baseline', resolve(values.baseline)],
  ['this', here],
];
const sections = (values.sections ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const rounds = Math.max(1, Number(values.rounds));
const work = mkdtempSync(join(tmpdir(), 'bench-compare-'));

type Figures = Record<string, { lower: boolean; values: number[] }>;

/** The middle value (of two middle values, their mean). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[half] as number) : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}
/** figure name → side → values over rounds. */
const table = new Map<string, { lower: boolean; bySide: Map<string, number[]> }>();

/** Runs one section of the bench for one checkout's connector; returns its figures. */
function runSection(section: string, connector: string, file: string): Promise<Figures> {
  const script = section === 'W' ? 'bench-write.js' : 'bench.js';
  const env = {
    ...process.env,
    BENCH_CONNECTOR: connector,
    BENCH_JSON: file,
    BENCH_SECTIONS: section,
    BENCH_WRITE_SECTIONS: 'W1',
    BENCH_RUNS: '1',
    BENCH_CPU_RUNS: '1',
    BENCH_SKIP_SEQUENTIAL: '1',
  };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(here, 'dist', 'scripts', script)], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`section ${section} for ${connector} exited ${code}`));
      else resolvePromise(JSON.parse(readFileSync(file, 'utf8')) as Figures);
    });
  });
}

try {
  for (let round = 1; round <= rounds; round++) {
    for (const section of sections) {
      const order = round % 2 === 1 ? sides : [...sides].reverse();
      for (const [name, dir] of order) {
        const started = Date.now();
        const figures = await runSection(section, dir, join(work, `${name}-${section}-${round}.json`));
        out(`round ${round}, section ${section}, ${name}: ${fmt((Date.now() - started) / 1000)} s`);
        for (const [figure, { lower, values: runValues }] of Object.entries(figures)) {
          const row = table.get(figure) ?? { lower, bySide: new Map<string, number[]>() };
          row.bySide.set(name, [...(row.bySide.get(name) ?? []), ...runValues]);
          table.set(figure, row);
        }
      }
    }
  }
  const cell = (runs: number[] | undefined) => {
    if (!runs || runs.length === 0) return '—';
    const digits = Math.abs(median(runs)) >= 100 ? 0 : 3;
    return `${fmt(median(runs), digits)} (${fmt(Math.min(...runs), digits)}–${fmt(Math.max(...runs), digits)})`;
  };
  const rows: string[][] = [['figure', 'baseline median (min–max)', 'this median (min–max)', 'this ÷ baseline', '']];
  for (const [figure, { lower, bySide }] of [...table].sort(([a], [b]) => a.localeCompare(b))) {
    const base = bySide.get('baseline');
    const mine = bySide.get('this');
    const ratio = base && mine && median(base) !== 0 ? median(mine) / median(base) : undefined;
    const worse = ratio !== undefined && (lower ? ratio > 1.05 : ratio < 1 / 1.05);
    rows.push([figure, cell(base), cell(mine), ratio === undefined ? '—' : fmt(ratio, 3), worse ? 'WORSE by > 5 %' : '']);
  }
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  out(`\n${rounds} round(s), alternated; baseline ${sides[0]?.[1]}, this ${here}`);
  for (const row of rows) out(row.map((text, i) => text.padEnd(widths[i] as number)).join('  '));
} finally {
  rmSync(work, { recursive: true, force: true });
}
