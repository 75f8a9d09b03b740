/**
 * The shell examples of the README and the docs, run as written against the sandbox, the way a reader
 * runs them: the document's own `sandbox-start` command starts the sandbox (on a free port; it writes
 * the configurations the examples use), then each `<!-- example: sandbox -->` block runs in order in a
 * clone-like folder (needs `npm run build`). A block passes when it exits 0 and no Airbyte message it
 * printed, or wrote to a file, reports a failure or a warning. Last, every file the blocks created
 * must be ignored by `.gitignore`. A block known to log a warning says so in its marker,
 * `<!-- example: sandbox (warns: TEXT) -->`. Python blocks run in integration_tests/airbyte/, Docker blocks in
 * integration_tests/image/.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesByDocument, sandboxStart } from './examples.js';
import {
  blockProblems,
  createdFiles,
  makeWorkspace,
  notIgnored,
  runShell,
  startDocumentedSandbox,
  type RunningSandbox,
  type Workspace,
} from './workspace.js';
import { repoRoot } from '../image/packaging-facts.js';

const root = repoRoot();
const documents = [...examplesByDocument(root, ['sandbox']).entries()];
const BLOCK_TIMEOUT_MS = 240_000;
const env = { ...process.env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false' };

describe('the documents with sandbox examples', () => {
  it('include the README and both connector pages', () => {
    expect(documents.map(([file]) => file)).toEqual(
      expect.arrayContaining(['README.md', 'docs/integrations/sources/hyros.md', 'docs/integrations/destinations/hyros.md']),
    );
  });
});

describe.each(documents)('%s: its sandbox examples, as written', (file, blocks) => {
  let workspace: Workspace;
  let sandbox: RunningSandbox | undefined;

  beforeAll(async () => {
    workspace = makeWorkspace(root, 'hyros-doc-examples-');
    sandbox = await startDocumentedSandbox(sandboxStart(root, file).code, workspace.dir, env);
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
  }, 30_000);

  it.each(blocks.map((block) => [`line ${block.line}`, block] as const))('the block at %s runs', async (_where, block) => {
    const started = Date.now() - 1000;
    const result = await runShell(block.code, workspace.dir, env, BLOCK_TIMEOUT_MS);
    const report = `${file}:${block.line}\n${block.code}\n--- exit ${result.code}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`;
    expect(result.code, report).toBe(0);
    expect(blockProblems(block.reason, result.stdout, workspace, started), report).toEqual([]);
  }, BLOCK_TIMEOUT_MS + 10_000);

  it('leaves only files that .gitignore covers', () => {
    const created = createdFiles(workspace);
    expect(created.length).toBeGreaterThan(0);
    expect(notIgnored(root, created)).toEqual([]);
  });
});
