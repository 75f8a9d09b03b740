/**
 * Dagger pipeline for source-hyros and destination-hyros: build → unit tests → both images (the one
 * Dockerfile, one target each) → spec smoke test of each → source check / discover / read and
 * destination check / write against the Hyros sandbox, the write read back through the source image →
 * image tarballs in ./out/.
 *
 *   npm run ci:dagger              (= tsc -p ci/dagger/tsconfig.json && node dist/ci/dagger/pipeline.js)
 *   dagger run node dist/ci/dagger/pipeline.js
 *
 * THIS PIPELINE CANNOT EXECUTE ON THE PROJECT'S OWN MACHINES: the Dagger engine is a container image
 * pulled from a registry and the SDK downloads the dagger CLI at first use; those machines have
 * neither a container registry nor general internet access.
 * There, the same steps run through the local Docker path: `npm test` then scripts/ci/image-stage.sh
 * (`npm run test:image`). This file is type-checked with the rest of the project (tsconfig.json
 * includes ci/**), and it stays thin: it calls the project's npm scripts, Dockerfile and scripts
 * rather than restating them.
 *
 * Why the sandbox runs inside the connector container: the connectors refuse plain http to a
 * non-loopback host, so a sandbox bound as a Dagger service (http://hyros:8080) would be rejected.
 * scripts/docker/with-sandbox.sh starts the compiled sandbox on 127.0.0.1 in the same container,
 * writes the configs with that base_url and then runs the connector's entrypoint. The destination's
 * write and the source's read-back share one sandbox, so they run in one container: the destination
 * image with the source image's /airbyte added at /source-image.
 */
import { readFileSync } from 'node:fs';
import { connection, dag, type Container, type Directory } from '@dagger.io/dagger';
import {
  DESTINATION_METADATA_FILE,
  DOCKER_TARGETS,
  SOURCE_METADATA_FILE,
  readMetadata,
  repoRoot,
} from '../../integration_tests/image/packaging-facts.js';

const NODE_IMAGE = process.env.NODE_IMAGE ?? 'node:22-bookworm-slim';
const OUT_TARBALL = process.env.OUT_TARBALL ?? './out/source-hyros.tar';
const OUT_DESTINATION_TARBALL = process.env.OUT_DESTINATION_TARBALL ?? './out/destination-hyros.tar';
/** The destination's acceptance files: configured catalog and messages written in step 5. */
const DESTINATION_CAT = 'integration_tests/destination-hyros';
/** Host paths never sent to the engine (the Dockerfile's .dockerignore applies to dockerBuild as well). */
const EXCLUDE = ['node_modules/', 'dist/', 'out/', '.git/', 'secrets/', 'coverage/', '**/*.log', '.env'];
/** Streams read in the pipeline (full refresh). */
const READ_STREAMS = ['leads', 'sales'];

/** Each image: its Dockerfile target, its Airbyte metadata file and the spec its `spec` prints. */
const CONNECTORS = {
  source: { target: DOCKER_TARGETS.source, metadataFile: SOURCE_METADATA_FILE, specFile: 'spec/spec.json' },
  destination: { target: DOCKER_TARGETS.destination, metadataFile: DESTINATION_METADATA_FILE, specFile: 'spec/destination-spec.json' },
} as const;
type ConnectorKind = keyof typeof CONNECTORS;

type Message = { type: string } & Record<string, any>;

function parseMessages(stdout: string): Message[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Message;
      } catch {
        throw new Error(`connector printed a non-JSON stdout line: ${line.slice(0, 200)}`);
      }
    });
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`pipeline assertion failed: ${message}`);
}

/** npm ci + build + unit tests, exactly the project's npm scripts. */
function builder(source: Directory): Container {
  return dag
    .container()
    .from(NODE_IMAGE)
    .withMountedCache('/root/.npm', dag.cacheVolume('source-hyros-npm'))
    .withDirectory('/src', source)
    .withWorkdir('/src')
    .withExec(['npm', 'ci', '--no-audit', '--no-fund'])
    .withExec(['npm', 'run', 'build'])
    .withExec(['npm', 'test']);
}

/** The connector image with the compiled sandbox and with-sandbox.sh added (test-only layer, never exported). */
function withSandbox(image: Container, dist: Directory, source: Directory, config: object): Container {
  return image
    .withDirectory('/airbyte/dist/integration_tests/sandbox', dist.directory('integration_tests/sandbox'))
    .withFile('/airbyte/with-sandbox.sh', source.file('scripts/docker/with-sandbox.sh'))
    .withNewFile('/data/config.template.json', JSON.stringify(config))
    .withEnvVariable('SANDBOX_CONFIG_OUT', '/tmp/hyros-sandbox-config.json');
}

/** Run a connector command (through the image's entrypoint) next to the sandbox; returns its messages. */
async function connector(ctr: Container, args: string[], stdinFile?: string): Promise<Message[]> {
  const stdout = await ctr
    .withExec(['sh', '/airbyte/with-sandbox.sh', '/airbyte/entrypoint.sh', ...args], stdinFile ? { redirectStdin: stdinFile } : {})
    .stdout();
  return parseMessages(stdout);
}

/** The image of one connector, from the same Dockerfile users build; labels from its metadata file. */
function buildImage(source: Directory, kind: ConnectorKind): Container {
  const metadata = readMetadata(repoRoot(), CONNECTORS[kind].metadataFile);
  return source.dockerBuild({
    target: CONNECTORS[kind].target,
    buildArgs: [
      { name: 'NODE_IMAGE', value: NODE_IMAGE },
      { name: 'AIRBYTE_NAME', value: String(metadata.data.dockerRepository) },
      { name: 'AIRBYTE_VERSION', value: String(metadata.data.dockerImageTag) },
    ],
  });
}

/** `spec` through the ENTRYPOINT (what airbyte-ci does after every build), AIRBYTE_ENTRYPOINT and labels. */
async function smokeTest(image: Container, kind: ConnectorKind): Promise<void> {
  const root = repoRoot();
  const metadata = readMetadata(root, CONNECTORS[kind].metadataFile);
  const expectedSpec: unknown = JSON.parse(readFileSync(`${root}/${CONNECTORS[kind].specFile}`, 'utf8'));
  const spec = parseMessages(await image.withExec(['spec'], { useEntrypoint: true }).stdout());
  assert(spec.length === 1 && spec[0]?.type === 'SPEC', `${kind}: spec prints exactly one SPEC message`);
  assert(JSON.stringify(spec[0]?.spec) === JSON.stringify(expectedSpec), `${kind}: SPEC equals ${CONNECTORS[kind].specFile}`);
  const entrypoint = await image.entrypoint();
  const airbyteEntrypoint = await image.envVariable('AIRBYTE_ENTRYPOINT');
  assert(airbyteEntrypoint === entrypoint.join(' '), `${kind}: AIRBYTE_ENTRYPOINT equals the space-joined ENTRYPOINT`);
  assert((await image.label('io.airbyte.name')) === metadata.data.dockerRepository, `${kind}: io.airbyte.name label`);
  assert((await image.label('io.airbyte.version')) === String(metadata.data.dockerImageTag), `${kind}: io.airbyte.version label`);
}

const hasTraceError = (messages: Message[]): boolean => messages.some((m) => m.type === 'TRACE' && m.trace?.type === 'ERROR');

/**
 * In one container (one sandbox): the destination writes the acceptance messages with
 * write_confirmation processed, so when it exits every write is processed; then the source image's own
 * files (/source-image, its entrypoint and bin) read `sales` back. Outputs go to files under /tmp.
 */
const WRITE_THEN_READ = [
  'set -e',
  '/airbyte/entrypoint.sh write --config /tmp/hyros-sandbox-config.json --catalog /data/catalog.json < /data/messages.jsonl > /tmp/write.jsonl',
  'CONNECTOR_BIN="$SOURCE_IMAGE_BIN" /source-image/entrypoint.sh read --config /tmp/source-config.json --catalog /data/source-catalog.json > /tmp/read.jsonl',
].join('\n');

async function pipeline(): Promise<void> {
  const root = repoRoot();
  const source = dag.host().directory(root, { exclude: EXCLUDE });

  // 1. build + unit tests (also produces the compiled sandbox).
  const dist = builder(source).directory('/src/dist');

  // 2. both images, from the same Dockerfile users build (the second target reuses the first's layers).
  const sourceImage = buildImage(source, 'source');
  const destinationImage = buildImage(source, 'destination');

  // 3. spec smoke test, entrypoint and labels of each.
  await smokeTest(sourceImage, 'source');
  await smokeTest(destinationImage, 'destination');

  // 4. source: check / discover / read against the sandbox (same container, loopback URL).
  const sourceConfig = { api_key: 'sandbox-key', start_date: '2026-01-01', end_date: '2026-03-01' };
  const testCtr = withSandbox(sourceImage, dist, source, sourceConfig);
  const config = ['--config', '/tmp/hyros-sandbox-config.json'];

  const check = (await connector(testCtr, ['check', ...config])).find((m) => m.type === 'CONNECTION_STATUS');
  assert(check?.connectionStatus?.status === 'SUCCEEDED', 'source check SUCCEEDED');

  const catalogMsg = (await connector(testCtr, ['discover', ...config])).find((m) => m.type === 'CATALOG');
  const streams = ((catalogMsg?.catalog?.streams ?? []) as Array<{ name: string }>).filter((s) => READ_STREAMS.includes(s.name));
  assert(streams.length === READ_STREAMS.length, `discover lists ${READ_STREAMS.join(', ')}`);
  const catalogOf = (names: string[]) => ({
    streams: streams
      .filter((s) => names.includes(s.name))
      .map((stream) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })),
  });
  const read = await connector(testCtr.withNewFile('/data/catalog.json', JSON.stringify(catalogOf(READ_STREAMS))), [
    'read', ...config, '--catalog', '/data/catalog.json',
  ]);
  for (const name of READ_STREAMS) {
    const records = read.filter((m) => m.type === 'RECORD' && m.record?.stream === name);
    assert(records.length > 0, `read emits ${name} records`);
    console.error(`[dagger] read ${name}: ${records.length} records`);
  }
  assert(!hasTraceError(read), 'source read emits no TRACE ERROR');

  // 5. destination: check, then a write of the acceptance messages on stdin, read back by the source image.
  const input = parseMessages(readFileSync(`${root}/${DESTINATION_CAT}/sample_messages.jsonl`, 'utf8'));
  const destinationCtr = withSandbox(destinationImage, dist, source, { api_key: 'sandbox-key', write_confirmation: 'processed' });
  const destinationCheck = (await connector(destinationCtr, ['check', ...config])).find((m) => m.type === 'CONNECTION_STATUS');
  assert(destinationCheck?.connectionStatus?.status === 'SUCCEEDED', 'destination check SUCCEEDED');

  const sourceBin = await sourceImage.envVariable('CONNECTOR_BIN');
  const ran = destinationCtr
    .withFile('/data/catalog.json', source.file(`${DESTINATION_CAT}/configured_catalog.json`))
    .withFile('/data/messages.jsonl', source.file(`${DESTINATION_CAT}/sample_messages.jsonl`))
    .withNewFile('/data/source-config.template.json', JSON.stringify(sourceConfig))
    .withNewFile('/data/source-catalog.json', JSON.stringify(catalogOf(['sales'])))
    .withDirectory('/source-image', sourceImage.directory('/airbyte'))
    .withEnvVariable('SOURCE_IMAGE_BIN', sourceBin.replace(/^\/airbyte\//, '/source-image/'))
    .withEnvVariable('SANDBOX_CONFIGS', '/data/source-config.template.json:/tmp/source-config.json')
    .withExec(['sh', '/airbyte/with-sandbox.sh', 'sh', '-c', WRITE_THEN_READ]);
  const written = parseMessages(await ran.file('/tmp/write.jsonl').contents());
  const inputStates = input.filter((m) => m.type === 'STATE');
  const echoed = written.filter((m) => m.type === 'STATE');
  assert(!hasTraceError(written), 'destination write emits no TRACE ERROR');
  assert(echoed.length === inputStates.length, `destination echoes every STATE (${echoed.length}/${inputStates.length})`);
  for (const state of echoed) {
    const stats = state.state?.destinationStats;
    assert(
      stats?.rejectedRecordCount === 0 && stats?.recordCount === state.state?.sourceStats?.recordCount,
      `destinationStats of ${JSON.stringify(state.state?.stream?.stream_descriptor)} equal the source counts, none rejected`,
    );
  }
  const orderIds = input
    .filter((m) => m.type === 'RECORD' && m.record?.stream === 'orders')
    .map((m) => String(m.record.data.sale_id ?? m.record.data.order_id));
  const readBack = parseMessages(await ran.file('/tmp/read.jsonl').contents());
  const salesOrderIds = new Set(readBack.filter((m) => m.type === 'RECORD').map((m) => m.record?.data?.orderId));
  assert(!hasTraceError(readBack), 'source read-back emits no TRACE ERROR');
  for (const orderId of orderIds) assert(salesOrderIds.has(orderId), `the source reads order ${orderId} back from sales`);
  console.error(`[dagger] destination wrote ${orderIds.length} orders (+ leads, calls, refunds, subscriptions, carts); the source read them back`);

  // 6. the image tarballs (docker load -i out/source-hyros.tar; docker load -i out/destination-hyros.tar).
  console.error(`[dagger] images exported to ${await sourceImage.export(OUT_TARBALL)} and ${await destinationImage.export(OUT_DESTINATION_TARBALL)}`);
}

await connection(pipeline, { LogOutput: process.stderr });
