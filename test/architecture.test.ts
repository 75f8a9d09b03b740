/**
 * The layout's import rules (.dependency-cruiser.cjs), checked by dependency-cruiser itself: the
 * real tree has no violation, and a tree that breaks each rule is reported with the rule's name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

function cruise(cwd: string, paths: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [DEPCRUISE, ...paths, '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('import rules', () => {
  it('hold in src/, test/ and integration_tests/', () => {
    const result = cruise(ROOT, ['src', 'test', 'integration_tests']);
    expect(result.output).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  }, 60_000);

  const fixture = mkdtempSync(join(tmpdir(), 'layout-rules-'));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('report each broken rule by name', () => {
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
      'src/common/clock.ts': "import { x } from '../source/engine.js';\nexport const c = x;\n",
      'src/protocol/writer.ts': "import { h } from '../hyros/client.js';\nexport const w = h;\n",
      'src/hyros/client.ts': "import { d } from '../destination/write.js';\nexport const h = d;\n",
      'src/source/engine.ts': "import { d } from '../destination/write.js';\nexport const x = d;\n",
      'src/destination/write.ts': "export const d = 1;\nexport { s } from '../source/state.js';\n",
      'src/source/state.ts': "export const s = 2;\n",
      'src/source/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/source/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(fixture, path)), { recursive: true });
      writeFileSync(join(fixture, path), text);
    }
    const result = cruise(fixture, ['src']);
    expect(result.status).not.toBe(0);
    for (const rule of ['common-at-the-bottom', 'protocol-below-hyros', 'hyros-below-connectors', 'source-not-destination', 'destination-not-source', 'no-cycles']) {
      expect(result.output).toContain(rule);
    }
  }, 60_000);
});
