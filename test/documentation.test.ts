/**
 * The documentation as a reader meets it: the README is a short front door that links the connector
 * pages; the pages follow Airbyte's connector-documentation template and agree with the specs and
 * metadata; every example block says how it is tested (the runs are in integration_tests/docs/,
 * integration_tests/airbyte/ and integration_tests/image/); configuration examples load; no link or
 * path leads outside the repository, and no internal issue number is cited.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDestinationConfig } from '../src/destination/config.js';
import { resolveConfig } from '../src/source/config.js';
import { markdownFiles, readExamples } from '../integration_tests/docs/examples.js';
import { anchors, links, section, templateOrderProblems } from '../integration_tests/docs/markdown.js';
import { DESTINATION_METADATA_FILE, readMetadata, repoRoot } from '../integration_tests/image/packaging-facts.js';

const root = repoRoot();
const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const readJson = <T>(file: string): T => JSON.parse(read(file)) as T;
const pkg = readJson<{ repository: { url: string }; homepage: string; scripts: Record<string, string> }>('package.json');
const docs = markdownFiles(root);
const README_MAX_LINES = 250;

/** The repository's web address, from package.json (`git+https://…/x.git` → `https://…/x`). */
const repositoryUrl = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

const PAGES = [
  { kind: 'source', page: 'docs/integrations/sources/hyros.md', spec: 'spec/spec.json', metadataFile: 'metadata.yaml' },
  { kind: 'destination', page: 'docs/integrations/destinations/hyros.md', spec: 'spec/destination-spec.json', metadataFile: DESTINATION_METADATA_FILE },
] as const;

describe('README: a front door', () => {
  const readme = read('README.md');

  it(`has at most ${README_MAX_LINES} lines`, () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('links both connector pages and the development guide', () => {
    const targets = links(readme).map((l) => l.target.split('#')[0]);
    for (const page of [...PAGES.map((p) => p.page), 'docs/development.md']) expect(targets).toContain(page);
  });

  it('says what `npm test` installs and needs, and names the quicker command', () => {
    const start = section(readme, 'Quick start');
    for (const needed of ['npm run test:node', 'Python 3.10 or 3.11', 'root', 'postgresql', 'docker.io', 'dockerd']) expect(start).toContain(needed);
  });
});

describe.each(PAGES)('the $kind page ($page)', ({ kind, page, spec, metadataFile }) => {
  const text = read(page);
  const metadata = readMetadata(root, metadataFile).data as Record<string, unknown>;
  const name = String(metadata.name);
  const specJson = readJson<{ documentationUrl: string; connectionSpecification: { required: string[]; properties: Record<string, { title: string }> } }>(spec);

  it("follows Airbyte's template: its headings, in its order, the first one the connector's name", () => {
    expect(text.split('\n')[0]).toBe(`# ${name}`);
    expect(templateOrderProblems(text, name)).toEqual([]);
    expect(text).toContain(`This page contains the setup guide and reference information for the [${name}](`);
  });

  it('names every required field of the spec, by its title, under Prerequisites, and where the key comes from', () => {
    const prerequisites = section(text, 'Prerequisites').toLowerCase();
    const { required, properties } = specJson.connectionSpecification;
    expect(required.length).toBeGreaterThan(0);
    for (const field of required) expect(prerequisites, field).toContain(properties[field]!.title.toLowerCase());
    expect(prerequisites).toContain('settings → api');
  });

  it("opens Supported sync modes with the template's sentence", () => {
    expect(section(text, 'Supported sync modes')).toContain(
      `The ${name} ${kind} connector supports the following [sync modes](https://docs.airbyte.com/cloud/core-concepts/#connection-sync-modes):`,
    );
  });

  it("has a Changelog entry for metadata.yaml's version", () => {
    const rows = section(text, 'Changelog').split('\n').filter((l) => l.startsWith('|'));
    expect(rows.some((row) => row.split('|')[1]!.trim() === String(metadata.dockerImageTag))).toBe(true);
  });

  it("is what the spec's and the metadata's documentationUrl point at: the page's path in the repository", () => {
    expect(specJson.documentationUrl).toBe(`${repositoryUrl}/blob/main/${page}`);
    expect(metadata.documentationUrl).toBe(specJson.documentationUrl);
  });

  it('has an icon.svg in its connector folder, named by its metadata', () => {
    expect(metadata.icon).toBe('icon.svg');
    const icon = read(join(dirname(metadataFile), 'icon.svg'));
    expect(icon.trimStart().startsWith('<svg')).toBe(true);
    expect(icon).toContain('viewBox=');
  });
});

describe('package.json names the repository the documentation URLs live in', () => {
  it('homepage and repository agree', () => {
    expect(repositoryUrl).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    expect(pkg.homepage).toBe(`${repositoryUrl}#readme`);
  });
});

describe.each(docs)('%s', (file) => {
  const text = read(file);

  it('marks every shell, Python and JSON block with how it is tested', () => {
    expect(readExamples(root, file).problems).toEqual([]);
  });

  it('has configuration examples that the connectors load', () => {
    for (const example of readExamples(root, file).examples) {
      if (example.kind === 'source-config') expect(() => resolveConfig(JSON.parse(example.code)), `${file}:${example.line}`).not.toThrow();
      if (example.kind === 'destination-config') expect(() => resolveDestinationConfig(JSON.parse(example.code)), `${file}:${example.line}`).not.toThrow();
    }
  });

  it('links only to files and headings that exist in the repository', () => {
    const broken: string[] = [];
    for (const { target, line } of links(text)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const resolved = path === '' ? file : normalize(join(dirname(file), path));
      if (resolved.startsWith('..') || !existsSync(join(root, resolved))) {
        broken.push(`${file}:${line}: ${target} (no such file in the repository)`);
      } else if (anchor && statSync(join(root, resolved)).isFile() && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor)) {
        broken.push(`${file}:${line}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names no document outside the repository and cites no internal issue number', () => {
    const problems: string[] = [];
    text.split('\n').forEach((line, i) => {
      if (/\/work\/|\.\.\/shared\//.test(line)) problems.push(`${file}:${i + 1}: a path outside the repository`);
      if (/\bissues? #?\d+/i.test(line)) problems.push(`${file}:${i + 1}: an issue number`);
      for (const m of line.matchAll(/[\w./-]+\.md\b/g)) {
        const named = m[0];
        const candidates = [normalize(join(dirname(file), named)), normalize(named)];
        if (!candidates.some((c) => !c.startsWith('..') && existsSync(join(root, c))) && !docs.some((d) => d.endsWith(`/${named}`) || d === named)) {
          problems.push(`${file}:${i + 1}: ${named} is not a file of the repository`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it('runs only npm scripts that exist', () => {
    const scripts = [...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(scripts.filter((s) => !(s in pkg.scripts))).toEqual([]);
  });
});

describe('the Airbyte metadata names nothing outside the repository', () => {
  it.each(['metadata.yaml', DESTINATION_METADATA_FILE])('%s', (file) => {
    expect(read(file)).not.toMatch(/\/work\/|\.\.\/shared\/|§|\bissues? #?\d+/i);
  });
});
