/**
 * Container-image tests (`npm run test:image`; needs a Docker engine and the image built by
 * run-image-tests.sh). The image is run the way Airbyte/CAT runs it: files under a read-only /data,
 * the command through the image ENTRYPOINT, messages parsed from stdout. The Hyros sandbox runs in
 * this process on 127.0.0.1 and containers use --network host, so the connector sees a loopback URL.
 *
 * Every child process is spawned asynchronously: the sandbox answers on this event loop.
 */
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { readMetadata } from './packaging-facts.js';
import {
  SOURCE_IMAGE as IMAGE,
  dockerRun as dockerRunIn,
  explain,
  imageConfig,
  makeDataDir,
  messages,
  probeEntrypoint,
  root,
  run,
  writeData as writeDataIn,
  writeNodeShim,
  type RunResult,
} from './support.js';

const metadata = readMetadata(root);

let sandbox: Sandbox;
let dataDir: string;
let shimDir: string;
let discovered: Array<{ name: string; source_defined_primary_key?: string[][] } & Record<string, unknown>>;

/** `docker run --rm -i --network host -v dataDir:/data:ro [extra] IMAGE ...args` */
function dockerRun(args: string[], extra: string[] = []): Promise<RunResult> {
  return dockerRunIn(IMAGE, dataDir, args, { extra });
}

function writeData(name: string, value: unknown): void {
  writeDataIn(dataDir, name, value);
}

beforeAll(async () => {
  const inspect = await run('docker', ['image', 'inspect', IMAGE]);
  if (inspect.code !== 0) throw new Error(`image ${IMAGE} not found: run integration_tests/image/run-image-tests.sh\n${inspect.stderr}`);
  sandbox = await startSandbox({ port: 0 });
  dataDir = makeDataDir('source-hyros-image-');
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

  shimDir = makeDataDir('source-hyros-shim-');
  writeNodeShim(shimDir);
});

afterAll(async () => {
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (shimDir) rmSync(shimDir, { recursive: true, force: true });
});

describe(`image ${IMAGE}: Airbyte commands through the ENTRYPOINT`, () => {
  beforeAll(async () => {
    // The catalog comes from the connector's own discover (host run), restricted to leads + sales.
    const disc = await run('node', ['dist/src/source/main.js', 'discover', '--config', join(dataDir, 'config.json')]);
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
      run('node', ['dist/src/source/main.js', ...args.map((a) => a.replace(/^\/data\//, `${dataDir}/`))]),
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

  it('read --state-out into a mounted folder writes the same state file as the host run, and the next run takes it as --state', async () => {
    const stateDir = makeDataDir('source-hyros-state-');
    chmodSync(stateDir, 0o777); // the image's non-root user writes here
    try {
      const args = ['read', '--config', '/data/config.json', '--catalog', '/data/catalog.json'];
      const inImage = await dockerRun([...args, '--state-out', '/state/state.json'], ['-v', `${stateDir}:/state`]);
      expect(inImage.code, explain(inImage)).toBe(0);
      const onHost = await run('node', ['dist/src/source/main.js', ...args.map((a) => a.replace(/^\/data\//, `${dataDir}/`)), '--state-out', join(stateDir, 'host.json')]);
      expect(onHost.code, explain(onHost)).toBe(0);
      const file = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as Array<{ stream: { stream_descriptor: { name: string } } }>;
      expect(file.map((s) => s.stream.stream_descriptor.name).sort()).toEqual(['leads', 'sales']);
      expect(file).toEqual(JSON.parse(readFileSync(join(stateDir, 'host.json'), 'utf8')));
      const next = await dockerRun([...args, '--state', '/state/state.json', '--state-out', '/state/state.json'], ['-v', `${stateDir}:/state`]);
      expect(next.code, explain(next)).toBe(0);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
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
    const config = await imageConfig(IMAGE);
    expect(config.entrypoint).toEqual(['/airbyte/entrypoint.sh']);
    expect(config.env.AIRBYTE_ENTRYPOINT).toBe(config.entrypoint!.join(' '));
    expect(config.labels['io.airbyte.name']).toBe(metadata.data.dockerRepository);
    expect(config.labels['io.airbyte.version']).toBe(String(metadata.data.dockerImageTag));
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
  const probe = (extra: string[]) => probeEntrypoint(IMAGE, shimDir, extra);

  it('--memory 512m gives --max-old-space-size=384 (75 %) and Node honours it', async () => {
    const p = await probe(['--memory', '512m']);
    expect(p.nodeOptions).toBe('--max-old-space-size=384');
    expect(p.argv).toEqual(['/airbyte/dist/src/source/main.js', 'spec']);
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
