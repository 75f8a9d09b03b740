/**
 * Dagger pipeline for source-hyros: build → unit tests → image (Dockerfile) → spec smoke test →
 * check / discover / read against the Hyros sandbox → image tarball in ./out/source-hyros.tar.
 *
 *   npm run ci:dagger              (= tsc -p ci/dagger/tsconfig.json && node dist/ci/dagger/pipeline.js)
 *   dagger run node dist/ci/dagger/pipeline.js
 *
 * THIS PIPELINE CANNOT EXECUTE ON THE PROJECT'S OWN MACHINES: the Dagger engine is a container image
 * pulled from a registry and the SDK downloads the dagger CLI at first use; those machines have
 * neither a container registry nor general internet access (see /work/shared/design/offline-docker.md).
 * There, the same steps run through the local Docker path: `npm test` then scripts/ci/image-stage.sh
 * (`npm run test:image`). This file is type-checked with the rest of the project (tsconfig.json
 * includes ci/**), and it stays thin: it calls the project's npm scripts, Dockerfile and scripts
 * rather than restating them.
 *
 * Why the sandbox runs inside the connector container: the connector refuses plain http to a
 * non-loopback host, so a sandbox bound as a Dagger service (http://hyros:8080) would be rejected.
 * scripts/docker/with-sandbox.sh starts the compiled sandbox on 127.0.0.1 in the same container,
 * writes the config with that base_url and then runs the connector's entrypoint.
 */
import { readFileSync } from 'node:fs';
import { connection, dag, type Container, type Directory } from '@dagger.io/dagger';
import { readMetadata, repoRoot } from '../../integration_tests/image/packaging-facts.js';

const NODE_IMAGE = process.env.NODE_IMAGE ?? 'node:22-bookworm-slim';
const OUT_TARBALL = process.env.OUT_TARBALL ?? './out/source-hyros.tar';
/** Host paths never sent to the engine (the Dockerfile's .dockerignore applies to dockerBuild as well). */
const EXCLUDE = ['node_modules/', 'dist/', 'out/', '.git/', 'secrets/', 'coverage/', '**/*.log', '.env'];
/** Streams read in the pipeline (full refresh). */
const READ_STREAMS = ['leads', 'sales'];

type Message = { type: string } & Record<string, unknown>;

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
async function connector(ctr: Container, args: string[]): Promise<Message[]> {
  const stdout = await ctr
    .withExec(['sh', '/airbyte/with-sandbox.sh', '/airbyte/entrypoint.sh', ...args])
    .stdout();
  return parseMessages(stdout);
}

async function pipeline(): Promise<void> {
  const root = repoRoot();
  const metadata = readMetadata(root);
  const expectedSpec: unknown = JSON.parse(readFileSync(`${root}/spec/spec.json`, 'utf8'));
  const source = dag.host().directory(root, { exclude: EXCLUDE });

  // 1. build + unit tests (also produces the compiled sandbox).
  const dist = builder(source).directory('/src/dist');

  // 2. the image, from the same Dockerfile users build; labels from metadata.yaml.
  const image = source.dockerBuild({
    buildArgs: [
      { name: 'NODE_IMAGE', value: NODE_IMAGE },
      { name: 'AIRBYTE_NAME', value: String(metadata.data.dockerRepository) },
      { name: 'AIRBYTE_VERSION', value: String(metadata.data.dockerImageTag) },
    ],
  });

  // 3. spec smoke test through the ENTRYPOINT (what airbyte-ci does after every build).
  const spec = parseMessages(await image.withExec(['spec'], { useEntrypoint: true }).stdout());
  assert(spec.length === 1 && spec[0]?.type === 'SPEC', 'spec prints exactly one SPEC message');
  assert(JSON.stringify(spec[0]?.spec) === JSON.stringify(expectedSpec), 'SPEC equals spec/spec.json');
  const entrypoint = await image.entrypoint();
  const airbyteEntrypoint = await image.envVariable('AIRBYTE_ENTRYPOINT');
  assert(airbyteEntrypoint === entrypoint.join(' '), 'AIRBYTE_ENTRYPOINT equals the space-joined ENTRYPOINT');
  assert((await image.label('io.airbyte.name')) === metadata.data.dockerRepository, 'io.airbyte.name label');
  assert((await image.label('io.airbyte.version')) === String(metadata.data.dockerImageTag), 'io.airbyte.version label');

  // 4. check / discover / read against the sandbox (same container, loopback URL).
  const testCtr = withSandbox(image, dist, source, {
    api_key: 'sandbox-key',
    start_date: '2026-01-01',
    end_date: '2026-03-01',
  });
  const config = ['--config', '/tmp/hyros-sandbox-config.json'];

  const check = (await connector(testCtr, ['check', ...config])).find((m) => m.type === 'CONNECTION_STATUS');
  assert((check?.connectionStatus as { status?: string } | undefined)?.status === 'SUCCEEDED', 'check SUCCEEDED');

  const catalogMsg = (await connector(testCtr, ['discover', ...config])).find((m) => m.type === 'CATALOG');
  const streams = ((catalogMsg?.catalog as { streams?: Array<{ name: string }> } | undefined)?.streams ?? []).filter(
    (s) => READ_STREAMS.includes(s.name),
  );
  assert(streams.length === READ_STREAMS.length, `discover lists ${READ_STREAMS.join(', ')}`);
  const catalog = {
    streams: streams.map((stream) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })),
  };
  const read = await connector(testCtr.withNewFile('/data/catalog.json', JSON.stringify(catalog)), [
    'read', ...config, '--catalog', '/data/catalog.json',
  ]);
  for (const name of READ_STREAMS) {
    const records = read.filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === name);
    assert(records.length > 0, `read emits ${name} records`);
    console.error(`[dagger] read ${name}: ${records.length} records`);
  }
  assert(
    !read.some((m) => m.type === 'TRACE' && (m.trace as { type?: string }).type === 'ERROR'),
    'read emits no TRACE ERROR',
  );

  // 5. the image tarball (docker load -i out/source-hyros.tar).
  const written = await image.export(OUT_TARBALL);
  console.error(`[dagger] image exported to ${written}`);
}

await connection(pipeline, { LogOutput: process.stderr });
