/**
 * Destination image tests (`npm run test:image`, after image.test.ts; run-image-tests.sh builds both
 * images). The destination image runs the way Airbyte runs it: files under a read-only /data, the
 * command through the ENTRYPOINT, Airbyte messages piped on stdin for `write`. The sandbox runs in this
 * process on 127.0.0.1 (containers use --network host). What the destination wrote is then read back
 * through the source image, as a user chaining the two connectors would see it.
 *
 * The input is the destination's acceptance files (integration_tests/destination-hyros/): six streams,
 * orders with a refund of one of them, STREAM states.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { DESTINATION_METADATA_FILE, readMetadata } from './packaging-facts.js';
import {
  DESTINATION_IMAGE as IMAGE,
  SOURCE_IMAGE,
  dockerRun,
  explain,
  imageConfig,
  makeDataDir,
  messages,
  probeEntrypoint,
  root,
  run,
  writeData,
  writeNodeShim,
  type Message,
} from './support.js';

type Json = Record<string, any>;

const metadata = readMetadata(root, DESTINATION_METADATA_FILE);
const CAT = join(root, 'integration_tests/destination-hyros');
const sampleMessages = readFileSync(join(CAT, 'sample_messages.jsonl'), 'utf8');
const input: Json[] = sampleMessages.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Json);
const inputStates = input.filter((m) => m.type === 'STATE').map((m) => m.state as Json);
const inputRecords = (stream: string): Json[] => input.filter((m) => m.type === 'RECORD' && m.record.stream === stream).map((m) => m.record.data as Json);

let sandbox: Sandbox;
let dataDir: string;
let shimDir: string;

/** `IMAGE args` with /data mounted; `input` piped on stdin. */
const destination = (args: string[], stdin?: string) => dockerRun(IMAGE, dataDir, args, stdin === undefined ? {} : { input: stdin });
const of = (msgs: Message[], type: string): Message[] => msgs.filter((m) => m.type === type);

beforeAll(async () => {
  for (const image of [IMAGE, SOURCE_IMAGE]) {
    const inspect = await run('docker', ['image', 'inspect', image]);
    if (inspect.code !== 0) throw new Error(`image ${image} not found: run integration_tests/image/run-image-tests.sh\n${inspect.stderr}`);
  }
  sandbox = await startSandbox({ port: 0 });
  dataDir = makeDataDir('destination-hyros-image-');
  const sampleConfig = JSON.parse(readFileSync(join(CAT, 'sample_config.json'), 'utf8')) as Json;
  writeData(dataDir, 'config.json', { ...sampleConfig, base_url: sandbox.baseUrl });
  writeData(dataDir, 'invalid_config.json', { ...(JSON.parse(readFileSync(join(CAT, 'invalid_config.json'), 'utf8')) as Json), base_url: sandbox.baseUrl });
  writeData(dataDir, 'catalog.json', readFileSync(join(CAT, 'configured_catalog.json'), 'utf8'));
  writeData(dataDir, 'source_config.json', { api_key: 'sandbox-key', start_date: '2026-01-01', end_date: '2026-03-01', base_url: sandbox.baseUrl });
  shimDir = makeDataDir('destination-hyros-shim-');
  writeNodeShim(shimDir);
});

afterAll(async () => {
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (shimDir) rmSync(shimDir, { recursive: true, force: true });
});

describe(`image ${IMAGE}: Airbyte commands through the ENTRYPOINT`, () => {
  it('spec prints exactly one SPEC message equal to spec/destination-spec.json', async () => {
    const r = await destination(['spec']);
    expect(r.code, explain(r)).toBe(0);
    const msgs = messages(r.stdout).filter((m) => m.type !== 'LOG');
    expect(msgs.map((m) => m.type)).toEqual(['SPEC']);
    expect(msgs[0]!.spec).toEqual(JSON.parse(readFileSync(join(root, 'spec/destination-spec.json'), 'utf8')));
  });

  // The pair of the acceptance connection suite; a wrong key goes through the same HTTP layer the source image tests.
  it('check: SUCCEEDED with the sandbox key, FAILED naming the bad field of the acceptance invalid config, exit 0', async () => {
    const status = async (config: string) => {
      const r = await destination(['check', '--config', `/data/${config}`]);
      expect(r.code, explain(r)).toBe(0);
      const found = of(messages(r.stdout), 'CONNECTION_STATUS');
      expect(found, explain(r)).toHaveLength(1);
      return found[0]!.connectionStatus as { status: string; message?: string };
    };
    expect((await status('config.json')).status).toBe('SUCCEEDED');
    const badField = await status('invalid_config.json');
    expect(badField.status).toBe('FAILED');
    expect(badField.message).toMatch(/\bwrite_confirmation\b/);
  });

  it('discover (the metadata declares supportsDataActivation): the same DESTINATION_CATALOG as the host build', async () => {
    expect(metadata.data.supportsDataActivation).toBe(true);
    const [inImage, onHost] = await Promise.all([
      destination(['discover', '--config', '/data/config.json']),
      run('node', ['dist/src/destination/main.js', 'discover', '--config', join(dataDir, 'config.json')]),
    ]);
    expect(inImage.code, explain(inImage)).toBe(0);
    const catalogs = of(messages(inImage.stdout), 'DESTINATION_CATALOG');
    expect(catalogs).toHaveLength(1);
    const objects = (catalogs[0]!.destination_catalog.operations as Json[]).map((o) => o.object_name).sort();
    expect(objects).toEqual(['call', 'cart', 'lead', 'order', 'refund', 'subscription']);
    expect(catalogs).toEqual(of(messages(onHost.stdout), 'DESTINATION_CATALOG'));
  });

  describe('write of sample_messages.jsonl on stdin, then a read of sales through the source image', () => {
    let states: Json[];

    beforeAll(async () => {
      const r = await destination(['write', '--config', '/data/config.json', '--catalog', '/data/catalog.json'], sampleMessages);
      expect(r.code, explain(r)).toBe(0);
      const out = messages(r.stdout);
      expect(out.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR'), explain(r)).toEqual([]);
      states = of(out, 'STATE').map((m) => m.state as Json);
    });

    it('echoes every STATE, per stream in order, with destinationStats equal to the source counts', () => {
      expect(states).toHaveLength(inputStates.length);
      const streams = [...new Set(inputStates.map((s) => s.stream.stream_descriptor.name as string))];
      for (const name of streams) {
        const ofStream = (list: Json[]) => list.filter((s) => s.stream.stream_descriptor.name === name);
        expect(ofStream(states), name).toEqual(
          ofStream(inputStates).map((s) => ({ ...s, destinationStats: { recordCount: s.sourceStats.recordCount, rejectedRecordCount: 0 } })),
        );
      }
    });

    it('the sandbox received each order once', async () => {
      const orderIds = inputRecords('orders').map((o) => String(o.sale_id ?? o.order_id));
      const posted = sandbox.writes().filter((w) => w.method === 'POST' && w.object === 'order');
      expect(posted.map((w) => w.key).sort()).toEqual([...orderIds].sort());
      await sandbox.settle();
      expect(sandbox.duplicates()).toEqual([]);
    });

    it('the source image reads the written orders back from sales once Hyros processed them (refund included)', async () => {
      await sandbox.settle();
      const disc = await run('node', ['dist/src/source/main.js', 'discover', '--config', join(dataDir, 'source_config.json')]);
      const sales = (of(messages(disc.stdout), 'CATALOG')[0]?.catalog.streams as Json[] | undefined)?.find((s) => s.name === 'sales');
      if (!sales) throw new Error(`source discover (host run) listed no sales stream\n${explain(disc)}`);
      writeData(dataDir, 'source_catalog.json', { streams: [{ stream: sales, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] });

      const r = await dockerRun(SOURCE_IMAGE, dataDir, ['read', '--config', '/data/source_config.json', '--catalog', '/data/source_catalog.json']);
      expect(r.code, explain(r)).toBe(0);
      const read = of(messages(r.stdout), 'RECORD').map((m) => m.record.data as Json);
      const refunds = new Map(inputRecords('refunds').map((x) => [String(x.order_id), Number(x.refunded_amount)]));
      for (const order of inputRecords('orders')) {
        const orderId = String(order.sale_id ?? order.order_id);
        const lines = read.filter((s) => s.orderId === orderId);
        expect(lines.length, orderId).toBeGreaterThan(0);
        // What the warehouse row said: customer, time, and the order's total (one sale per item).
        const items: Json[] = order.items ?? [{ price: order.amount, quantity: 1 }];
        const total = items.reduce((sum, item) => sum + Number(item.price) * Number(item.quantity ?? 1), 0);
        const sold = lines.reduce((sum, s) => sum + Number(s.price.price) * Number(s.quantity), 0);
        expect(sold, orderId).toBeCloseTo(total, 2);
        expect(lines.length, orderId).toBe(items.length);
        for (const line of lines) {
          expect(line.lead.email, orderId).toBe(order.email);
          const at = /[zZ]|[+-]\d\d:\d\d$/.test(order.occurred_at) ? order.occurred_at : `${order.occurred_at}Z`; // naive: the config's UTC
          expect(Date.parse(line.creationDate), orderId).toBe(Date.parse(at));
        }
        const refunded = lines.reduce((sum, s) => sum + Number(s.price.refunded ?? 0), 0);
        expect(refunded, orderId).toBeCloseTo(refunds.get(orderId) ?? 0, 2);
      }
    });
  });
});

describe(`image ${IMAGE}: packaging`, () => {
  it('runs as a non-root user', async () => {
    const r = await run('docker', ['run', '--rm', '--entrypoint', 'id', IMAGE, '-u']);
    expect(r.code, explain(r)).toBe(0);
    expect(Number.isInteger(Number(r.stdout.trim()))).toBe(true);
    expect(Number(r.stdout.trim())).not.toBe(0);
  });

  it(`ENTRYPOINT, AIRBYTE_ENTRYPOINT and io.airbyte labels match ${DESTINATION_METADATA_FILE}`, async () => {
    const config = await imageConfig(IMAGE);
    expect(config.entrypoint).toEqual(['/airbyte/entrypoint.sh']);
    expect(config.env.AIRBYTE_ENTRYPOINT).toBe(config.entrypoint!.join(' '));
    expect(config.labels['io.airbyte.name']).toBe(metadata.data.dockerRepository);
    expect(config.labels['io.airbyte.version']).toBe(String(metadata.data.dockerImageTag));
  });

  it('the entrypoint runs the destination bin, with the heap sized from the memory limit', async () => {
    const p = await probeEntrypoint(IMAGE, shimDir, ['--memory', '512m']);
    expect(p.argv).toEqual(['/airbyte/dist/src/destination/main.js', 'spec']);
    expect(p.nodeOptions).toBe('--max-old-space-size=384');
  });

  it('shares every filesystem layer with the source image (one build, no extra disk)', async () => {
    const layers = async (image: string) => {
      const r = await run('docker', ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', image]);
      expect(r.code, explain(r)).toBe(0);
      return JSON.parse(r.stdout) as string[];
    };
    expect(await layers(IMAGE)).toEqual(await layers(SOURCE_IMAGE));
    const size = await run('docker', ['image', 'inspect', '--format', '{{.Size}}', IMAGE]);
    console.log(`[image] ${IMAGE}: ${(Number(size.stdout.trim()) / 1e6).toFixed(1)} MB (the source image's layers)`);
  });
});
