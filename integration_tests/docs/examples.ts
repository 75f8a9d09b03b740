/**
 * The code blocks of the repository's Markdown files, read as the tests that run them see them.
 *
 * Every fenced block in a language a reader would paste (shell, Python, JSON) carries a marker, an
 * HTML comment on the nearest non-blank line above it, that says how it is tested:
 *
 *   <!-- example: sandbox-start -->       shell: starts the sandbox (run in the background until it prints its URL)
 *   <!-- example: sandbox -->             shell: runs against that sandbox (vitest, integration_tests/docs/);
 *                                         `sandbox (warns: TEXT)`: it is known to log a WARN containing TEXT
 *   <!-- example: python-sandbox -->      Python: runs against that sandbox (pytest, integration_tests/airbyte/)
 *   <!-- example: docker -->              shell with docker: runs against that sandbox in the image stage
 *   <!-- example: source-config -->       JSON: validated as a source configuration
 *   <!-- example: destination-config -->  JSON: validated as a destination configuration
 *   <!-- example: not-run (why) -->       shown, not run; the reason is required
 *
 * A block is taken from the document as written: the tests never keep a copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const SHELL_LANGS = ['bash', 'sh', 'shell', 'console'] as const;
export const PYTHON_LANGS = ['python', 'py'] as const;
export const JSON_LANGS = ['json', 'jsonc'] as const;

/** The kinds each language may be marked with. */
const KINDS_BY_FAMILY = {
  shell: ['sandbox-start', 'sandbox', 'docker', 'not-run'],
  python: ['python-sandbox', 'not-run'],
  json: ['source-config', 'destination-config', 'not-run'],
} as const;

type Family = keyof typeof KINDS_BY_FAMILY;
export type ExampleKind = (typeof KINDS_BY_FAMILY)[Family][number];

export interface Example {
  /** Path relative to the repository root, with `/`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  kind: ExampleKind;
  /** The text in brackets after the kind: why a `not-run` block is not run; `warns: TEXT` on a `sandbox` block. */
  reason?: string;
  code: string;
}

export interface DocumentExamples {
  examples: Example[];
  /** What is wrong with the document's blocks: a checked block without a (valid) marker. */
  problems: string[];
}

function family(lang: string): Family | undefined {
  if ((SHELL_LANGS as readonly string[]).includes(lang)) return 'shell';
  if ((PYTHON_LANGS as readonly string[]).includes(lang)) return 'python';
  if ((JSON_LANGS as readonly string[]).includes(lang)) return 'json';
  return undefined;
}

const MARKER = /^<!--\s*example:\s*([a-z-]+)\s*(?:\((.*)\))?\s*-->$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;

/** The blocks of one Markdown text; `file` names it in problems. */
export function parseExamples(text: string, file: string): DocumentExamples {
  const lines = text.split('\n');
  const examples: Example[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, rawLang] = open as unknown as [string, string, string, string];
    let end = i + 1;
    while (end < lines.length && !(lines[end]!.trim().startsWith(fence) && lines[end]!.trim().replace(/[`~]/g, '') === '')) end++;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
    const lang = rawLang.toLowerCase();
    const where = `${file}:${i + 1}`;
    const fam = family(lang);
    if (fam) {
      let k = i - 1;
      while (k >= 0 && lines[k]!.trim() === '') k--;
      const marker = k >= 0 ? MARKER.exec(lines[k]!.trim()) : null;
      if (!marker) {
        problems.push(`${where}: a ${lang} block without an <!-- example: … --> marker on the line above it`);
      } else {
        const kind = marker[1]!;
        const reason = marker[2]?.trim();
        if (!(KINDS_BY_FAMILY[fam] as readonly string[]).includes(kind)) {
          problems.push(`${where}: "${kind}" is not a marker of a ${lang} block (one of ${KINDS_BY_FAMILY[fam].join(', ')})`);
        } else if (kind === 'not-run' && !reason) {
          problems.push(`${where}: a not-run block must say why: <!-- example: not-run (why) -->`);
        } else {
          examples.push({ file, line: i + 1, lang, kind: kind as ExampleKind, ...(reason ? { reason } : {}), code: `${body.join('\n')}\n` });
        }
      }
    }
    i = end;
  }
  return { examples, problems };
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'out', 'secrets', '.cache', 'coverage']);

/** Every Markdown file of the repository (not dependencies, build output or local environments), sorted. */
export function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.venv')) walk(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.md')) {
        found.push(relative(root, join(dir, entry.name)).split('\\').join('/'));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** The examples of one repository file (path relative to `root`). */
export function readExamples(root: string, file: string): DocumentExamples {
  return parseExamples(readFileSync(join(root, file), 'utf8'), file);
}

/** Each document's examples of the given kinds, documents in order, blocks in document order. */
export function examplesByDocument(root: string, kinds: readonly ExampleKind[]): Map<string, Example[]> {
  const byDoc = new Map<string, Example[]>();
  for (const file of markdownFiles(root)) {
    const wanted = readExamples(root, file).examples.filter((e) => kinds.includes(e.kind));
    if (wanted.length > 0) byDoc.set(file, wanted);
  }
  return byDoc;
}

/** The one `sandbox-start` block of a document; an error when there is none or more than one. */
export function sandboxStart(root: string, file: string): Example {
  const starts = readExamples(root, file).examples.filter((e) => e.kind === 'sandbox-start');
  if (starts.length !== 1) throw new Error(`${file}: expected exactly one <!-- example: sandbox-start --> block, found ${starts.length}`);
  return starts[0]!;
}
