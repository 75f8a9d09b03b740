/**
 * The Docker examples of the docs (`<!-- example: docker -->`), run as written in the image stage
 * (`npm run test:image`): each document's own `sandbox-start` command starts the sandbox on this host,
 * then its Docker blocks run in order in a folder that looks like a clone (the build context copied,
 * since `docker build` sends no link targets), building the images under the documented names, and
 * running them against the sandbox. A block passes when it exits 0 and no Airbyte message it printed
 * or wrote reports a failure or a warning. The images the blocks built are removed afterwards, and
 * every file they left must be git-ignored.
 *
 * The machine's Docker engine has no bridge network: integration_tests/airbyte/docker-host-network/docker,
 * first on PATH, adds `--network host` to `docker build` and to a `docker run` that names no network.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesByDocument, sandboxStart } from '../docs/examples.js';
import {
  blockProblems,
  createdFiles,
  makeWorkspace,
  notIgnored,
  runShell,
  startDocumentedSandbox,
  type RunningSandbox,
  type Workspace,
} from '../docs/workspace.js';
import { explain, root, run } from './support.js';

/** What `docker build .` needs as real files (the Dockerfile's COPY sources and the ignore file). */
const BUILD_CONTEXT = ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'spec', 'src', 'scripts'];
const BLOCK_TIMEOUT_MS = 900_000;
const documents = [...examplesByDocument(root, ['docker']).entries()];
const env = {
  ...process.env,
  PATH: `${join(root, 'integration_tests', 'airbyte', 'docker-host-network')}:${process.env.PATH ?? ''}`,
  NO_UPDATE_NOTIFIER: '1',
  npm_config_update_notifier: 'false',
};

async function imageTags(): Promise<Set<string>> {
  const listed = await run('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}']);
  expect(listed.code, explain(listed)).toBe(0);
  return new Set(listed.stdout.split('\n').filter((t) => t && !t.includes('<none>')));
}

describe('the documents with Docker examples', () => {
  it('include both connector pages', () => {
    expect(documents.map(([file]) => file)).toEqual(
      expect.arrayContaining(['docs/integrations/sources/hyros.md', 'docs/integrations/destinations/hyros.md']),
    );
  });
});

describe.each(documents)('%s: its Docker examples, as written', (file, blocks) => {
  let workspace: Workspace;
  let sandbox: RunningSandbox | undefined;
  let tagsBefore: Set<string>;

  beforeAll(async () => {
    tagsBefore = await imageTags();
    workspace = makeWorkspace(root, 'hyros-doc-docker-', BUILD_CONTEXT);
    sandbox = await startDocumentedSandbox(sandboxStart(root, file).code, workspace.dir, env);
  }, 180_000);

  afterAll(async () => {
    await sandbox?.stop();
    const built = [...(await imageTags())].filter((tag) => !tagsBefore.has(tag));
    if (built.length > 0) await run('docker', ['rmi', ...built]);
    if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
  }, 120_000);

  it.each(blocks.map((block) => [`line ${block.line}`, block] as const))('the block at %s runs', async (_where, block) => {
    const started = Date.now() - 1000;
    const result = await runShell(block.code, workspace.dir, env, BLOCK_TIMEOUT_MS);
    const report = `${file}:${block.line}\n${block.code}\n--- exit ${result.code}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`;
    expect(result.code, report).toBe(0);
    expect(blockProblems(block.reason, result.stdout, workspace, started), report).toEqual([]);
  }, BLOCK_TIMEOUT_MS + 10_000);

  it('leaves only files that .gitignore covers', () => {
    expect(notIgnored(root, createdFiles(workspace))).toEqual([]);
  });
});
