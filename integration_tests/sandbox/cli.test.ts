/**
 * The sandbox's command line as a newcomer meets it: `--write-configs DIR` writes a ready configuration
 * of each connector before the one stdout line (the base URL) appears, aimed at that URL, with the
 * source's dates on the sandbox's data; the built source then checks and reads with it as it stands.
 * Needs `npm run build`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_DATA } from './configs.js';

let dir: string;
let child: ReturnType<typeof spawn>;
let stdout = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
  child = spawn(process.execPath, ['dist/integration_tests/sandbox/cli.js', '--write-configs', join(dir, 'configs'), '--no-rate-limit'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  for (let i = 0; i < 300 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
}, 30_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run sandbox -- --write-configs DIR', () => {
  it('prints one line, the base URL, and has written both configurations by then', () => {
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const baseUrl = lines[0]!;
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/api\/v1\.0$/);
    const source = JSON.parse(readFileSync(join(dir, 'configs', 'source.json'), 'utf8')) as unknown;
    const destination = JSON.parse(readFileSync(join(dir, 'configs', 'destination.json'), 'utf8')) as unknown;
    expect(source).toEqual({ api_key: 'sandbox-key', base_url: baseUrl, start_date: '2026-01-01', end_date: '2026-03-01' });
    expect(destination).toEqual({ api_key: 'sandbox-key', base_url: baseUrl });
    expect(SANDBOX_DATA).toEqual({ start: '2026-01-01T00:00:00Z', end: '2026-03-01T00:00:00Z' });
  });

  it('writes files the connector images (another uid) can read', () => {
    for (const name of ['source.json', 'destination.json']) expect(statSync(join(dir, 'configs', name)).mode & 0o777).toBe(0o644);
  });

  it('gives the source a configuration it checks and reads with, every stream returning records', () => {
    const config = join(dir, 'configs', 'source.json');
    const check = spawnSync(process.execPath, ['dist/src/source/main.js', 'check', '--config', config], { encoding: 'utf8', timeout: 60_000 });
    expect(check.stdout.trim()).toBe('{"type":"CONNECTION_STATUS","connectionStatus":{"status":"SUCCEEDED"}}');
    const read = spawnSync(process.execPath, ['dist/src/source/main.js', 'read', '--config', config, '--catalog', 'integration_tests/configured_catalog.json'], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(read.status, read.stderr).toBe(0);
    const messages = read.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; record?: { stream: string }; log?: { level: string } });
    const streams = JSON.parse(readFileSync('integration_tests/configured_catalog.json', 'utf8')) as { streams: Array<{ stream: { name: string } }> };
    const withRecords = new Set(messages.filter((m) => m.type === 'RECORD').map((m) => m.record!.stream));
    expect([...withRecords].sort()).toEqual(streams.streams.map((s) => s.stream.name).sort());
    // No stream reads a window outside the sandbox's data: no warning of empty windows, none at all.
    expect(messages.filter((m) => m.type === 'LOG' && m.log!.level !== 'INFO' && m.log!.level !== 'DEBUG')).toEqual([]);
  }, 150_000);
});
