/**
 * Container-image tests (`npm run test:image`; needs a Docker engine and the image built by
 * run-image-tests.sh). The image is run the way Airbyte/CAT runs it: files under a read-only /data,
 * the command through the image ENTRYPOINT, messages parsed from stdout. The Hyros sandbox runs in
 * this process on 127.0.0.1 and containers use --network host, so the connector sees a loopback URL.
 *
 * Every child process is spawned asynchronously: the sandbox answers on this event loop.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { readMetadata, repoRoot } from './packaging-facts.js';

const IMAGE = process.env.SOURCE_HYROS_IMAGE ?? 'source-hyros:dev';
const root = repoRoot();
const metadata = readMetadata(root);

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeoutMs = 150_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

type Message = { type: string } & Record<string, unknown>;

/** Every stdout line must be one JSON AirbyteMessage. */
function messages(stdout: string): Message[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`stdout line is not JSON: ${line.slice(0, 200)}`);
      }
      expect(parsed, line).toHaveProperty('type');
      return parsed as Message;
    });
}

function explain(r: RunResult): string {
  return `exit ${r.code}\n--- stdout (tail) ---\n${r.stdout.slice(-2000)}\n--- stderr (tail) ---\n${r.stderr.slice(-2000)}`;
}

let sandbox: Sandbox;
let dataDir: string;
let shimDir: string;
let discovered: Array<{ name: string; source_defined_primary_key?: string[][] } & Record<string, unknown>>;

/** `docker run --rm -i --network host -v dataDir:/data:ro IMAGE ...args` */
function dockerRun(args: string[], extra: string[] = []): Promise<RunResult> {
  return run('docker', ['run', '--rm', '-i', '--network', 'host', '-v', `${dataDir}:/data:ro`, ...extra, IMAGE, ...args]);
}

function writeData(name: string, value: unknown): void {
  const file = join(dataDir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  chmodSync(file, 0o644); // readable by the image's uid 1000
}

beforeAll(async () => {
  const inspect = await run('docker', ['image', 'inspect', IMAGE]);
  if (inspect.code !== 0) throw new Error(`image ${IMAGE} not found: run integration_tests/image/run-image-tests.sh\n${inspect.stderr}`);
  sandbox = await startSandbox({ port: 0 });
  dataDir = mkdtempSync(join(tmpdir(), 'source-hyros-image-'));
  chmodSync(dataDir, 0o755); // mkdtemp makes 0700, which the container's non-root user cannot enter
  writeData('config.json', {
    api_key: 'sandbox-key',
    start_date: '2026-01-01',
    end_date: '2026-03-01',
    base_url: sandbox.baseUrl,
  });
  writeData('invalid_config.json', {
    api_key: 'not-the-sandbox-key',
    start_date: '2026-01-01',
    end_date: '2026-03-01',
    base_url: sandbox.baseUrl,
  });

  // A `node` stand-in that reports what the entrypoint handed to Node instead of running the connector.
  shimDir = mkdtempSync(join(tmpdir(), 'source-hyros-shim-'));
  chmodSync(shimDir, 0o755);
  const shim = join(shimDir, 'node');
  writeFileSync(
    shim,
    [
      '#!/bin/sh',
      "exec /usr/local/bin/node -e 'const v8 = require(\"node:v8\"); console.log(JSON.stringify({" +
        'nodeOptions: process.env.NODE_OPTIONS ?? null, heapLimit: v8.getHeapStatistics().heap_size_limit, ' +
        "argv: process.argv.slice(1) }))' \"$@\"",
      '',
    ].join('\n'),
  );
  chmodSync(shim, 0o755);
});

afterAll(async () => {
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (shimDir) rmSync(shimDir, { recursive: true, force: true });
});

describe(`image ${IMAGE}: Airbyte commands through the ENTRYPOINT`, () => {
  beforeAll(async () => {
    // The catalog comes from the connector's own discover (host run), restricted to leads + sales.
    const disc = await run('node', ['dist/src/main.js', 'discover', '--config', join(dataDir, 'config.json')]);
    const catalog = messages(disc.stdout).find((m) => m.type === 'CATALOG') as
      | { catalog: { streams: typeof discovered } }
      | undefined;
    if (!catalog) throw new Error(`discover (host run) printed no CATALOG\n${explain(disc)}`);
    discovered = catalog.catalog.streams.filter((s) => s.name === 'leads' || s.name === 'sales');
    expect(discovered.map((s) => s.name).sort()).toEqual(['leads', 'sales']);
    writeData('catalog.json', {
      streams: discovered.map((stream) => ({
        stream,
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
        ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}),
      })),
    });
  });

  it('spec prints exactly one SPEC message equal to spec/spec.json', async () => {
    const r = await dockerRun(['spec']);
    expect(r.code, explain(r)).toBe(0);
    const msgs = messages(r.stdout).filter((m) => m.type !== 'LOG');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.type).toBe('SPEC');
    const expected: unknown = JSON.parse(readFileSync(join(root, 'spec/spec.json'), 'utf8'));
    expect(msgs[0]!.spec).toEqual(expected);
  });

  it('check with the sandbox key: CONNECTION_STATUS SUCCEEDED', async () => {
    const r = await dockerRun(['check', '--config', '/data/config.json']);
    expect(r.code, explain(r)).toBe(0);
    const status = messages(r.stdout).filter((m) => m.type === 'CONNECTION_STATUS');
    expect(status, explain(r)).toHaveLength(1);
    expect((status[0]!.connectionStatus as { status: string }).status).toBe('SUCCEEDED');
  });

  it('check with a wrong key: CONNECTION_STATUS FAILED, exit 0', async () => {
    const r = await dockerRun(['check', '--config', '/data/invalid_config.json']);
    expect(r.code, explain(r)).toBe(0);
    const status = messages(r.stdout).filter((m) => m.type === 'CONNECTION_STATUS');
    expect(status, explain(r)).toHaveLength(1);
    expect((status[0]!.connectionStatus as { status: string }).status).toBe('FAILED');
  });

  it('read of leads + sales emits the same records as the host run', async () => {
    const args = ['read', '--config', '/data/config.json', '--catalog', '/data/catalog.json'];
    const [inImage, onHost] = await Promise.all([
      dockerRun(args),
      run('node', ['dist/src/main.js', ...args.map((a) => a.replace(/^\/data\//, `${dataDir}/`))]),
    ]);
    expect(inImage.code, explain(inImage)).toBe(0);
    expect(onHost.code, explain(onHost)).toBe(0);

    const pk = new Map(discovered.map((s) => [s.name, s.source_defined_primary_key ?? [['id']]]));
    const ids = (r: RunResult): string[] =>
      messages(r.stdout)
        .filter((m) => m.type === 'RECORD')
        .map((m) => {
          const rec = m.record as { stream: string; data: Record<string, unknown> };
          const key = (pk.get(rec.stream) ?? [['id']]).map((path) =>
            path.reduce<unknown>((v, p) => (v as Record<string, unknown> | undefined)?.[p], rec.data),
          );
          return `${rec.stream}:${JSON.stringify(key)}`;
        })
        .sort();
    const imageIds = ids(inImage);
    expect(imageIds.some((id) => id.startsWith('leads:'))).toBe(true);
    expect(imageIds.some((id) => id.startsWith('sales:'))).toBe(true);
    expect(new Set(imageIds).size).toBe(imageIds.length);
    expect(imageIds).toEqual(ids(onHost));

    const errors = messages(inImage.stdout).filter(
      (m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR',
    );
    expect(errors).toEqual([]);
    const states = messages(inImage.stdout).filter((m) => m.type === 'STATE');
    expect(states.length).toBeGreaterThanOrEqual(2);
  });
});

describe(`image ${IMAGE}: packaging`, () => {
  it('runs as a non-root user', async () => {
    const r = await run('docker', ['run', '--rm', '--entrypoint', 'id', IMAGE, '-u']);
    expect(r.code, explain(r)).toBe(0);
    expect(Number(r.stdout.trim())).not.toBe(0);
    expect(Number.isInteger(Number(r.stdout.trim()))).toBe(true);
  });

  it('ENTRYPOINT, AIRBYTE_ENTRYPOINT and io.airbyte labels match metadata.yaml', async () => {
    const r = await run('docker', ['image', 'inspect', '--format', '{{json .Config}}', IMAGE]);
    expect(r.code, explain(r)).toBe(0);
    const config = JSON.parse(r.stdout) as { Entrypoint: string[] | null; Env: string[]; Labels: Record<string, string> };
    expect(config.Entrypoint).toEqual(['/airbyte/entrypoint.sh']);
    const env = Object.fromEntries(config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    expect(env.AIRBYTE_ENTRYPOINT).toBe(config.Entrypoint!.join(' '));
    expect(config.Labels['io.airbyte.name']).toBe(metadata.data.dockerRepository);
    expect(config.Labels['io.airbyte.version']).toBe(String(metadata.data.dockerImageTag));
  });

  it('ships only the runtime: dist/src, spec, production node_modules', async () => {
    const r = await run('docker', [
      'run', '--rm', '--entrypoint', 'sh', IMAGE, '-c',
      'ls -A /airbyte; echo ---; ls -A /airbyte/dist; echo ---; cd /airbyte/node_modules && for f in */package.json @*/*/package.json; do if [ -f "$f" ]; then dirname "$f"; fi; done',
    ]);
    expect(r.code, explain(r)).toBe(0);
    const [top, dist, modules] = r.stdout.split('---\n').map((s) => s.trim().split('\n').filter(Boolean));
    expect(top!.sort()).toEqual(['dist', 'entrypoint.sh', 'node_modules', 'package.json', 'spec']);
    expect(dist).toEqual(['src']);
    expect(modules).toContain('yargs');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    for (const dev of Object.keys(pkg.devDependencies)) {
      expect(modules, `dev dependency ${dev} must not be in the image`).not.toContain(dev);
    }
    const size = await run('docker', ['image', 'inspect', '--format', '{{.Size}}', IMAGE]);
    console.log(`[image] ${IMAGE}: ${(Number(size.stdout.trim()) / 1e6).toFixed(1)} MB`);
  });
});

describe(`image ${IMAGE}: heap sizing in the entrypoint`, () => {
  /** Run the real entrypoint with the `node` shim first on PATH; returns what Node was given. */
  async function probe(extra: string[]): Promise<{ nodeOptions: string | null; heapLimit: number; argv: string[] }> {
    const r = await run('docker', [
      'run', '--rm', '-v', `${shimDir}:/shim:ro`, '-e', 'PATH=/shim:/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin',
      ...extra, IMAGE, 'spec',
    ]);
    expect(r.code, explain(r)).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { nodeOptions: string | null; heapLimit: number; argv: string[] };
  }

  it('--memory 512m gives --max-old-space-size=384 (75 %) and Node honours it', async () => {
    const p = await probe(['--memory', '512m']);
    expect(p.nodeOptions).toBe('--max-old-space-size=384');
    expect(p.argv).toEqual(['/airbyte/dist/src/main.js', 'spec']);
    expect(p.heapLimit).toBeGreaterThanOrEqual(384 * 1024 * 1024);
    expect(p.heapLimit).toBeLessThan(512 * 1024 * 1024);
  });

  it('keeps other NODE_OPTIONS and appends the heap size', async () => {
    const p = await probe(['--memory', '1g', '-e', 'NODE_OPTIONS=--enable-source-maps']);
    expect(p.nodeOptions).toBe('--enable-source-maps --max-old-space-size=768');
  });

  it('leaves an explicit --max-old-space-size alone', async () => {
    const p = await probe(['--memory', '512m', '-e', 'NODE_OPTIONS=--max-old-space-size=200']);
    expect(p.nodeOptions).toBe('--max-old-space-size=200');
  });

  it('adds nothing without a memory limit', async () => {
    const p = await probe([]);
    expect(p.nodeOptions ?? '').not.toContain('--max-old-space-size');
  });
});
