/**
 * Packaging consistency without Docker: package.json, metadata.yaml and the Dockerfile agree
 * (the same facts CAT checks on the built image: labels and AIRBYTE_ENTRYPOINT).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KNOWN_DATA_KEYS,
  REQUIRED_DATA_KEYS,
  parseSimpleYaml,
  readDockerfile,
  readMetadata,
  repoRoot,
} from '../integration_tests/image/packaging-facts.js';

const root = repoRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; name: string };
const metadata = readMetadata(root);
const dockerfile = readDockerfile(root);

describe('metadata.yaml', () => {
  it('uses metadataSpecVersion "1.0" and has every required data key', () => {
    expect(metadata.metadataSpecVersion).toBe('1.0');
    for (const key of REQUIRED_DATA_KEYS) {
      expect(metadata.data[key], `data.${key}`).toBeTruthy();
    }
  });

  it('has no keys outside the schema (additionalProperties: false)', () => {
    expect(Object.keys(metadata).sort()).toEqual(['data', 'metadataSpecVersion']);
    const unknown = Object.keys(metadata.data).filter((k) => !KNOWN_DATA_KEYS.has(k));
    expect(unknown).toEqual([]);
  });

  it('describes this connector', () => {
    const d = metadata.data;
    expect(d.name).toBe('Hyros');
    expect(d.connectorType).toBe('source');
    expect(d.connectorSubtype).toBe('api');
    expect(d.dockerRepository).toBe(`airbyte/${pkg.name}`);
    expect(d.githubIssueLabel).toBe(pkg.name);
    expect(String(d.definitionId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(['alpha', 'beta', 'generally_available', 'custom']).toContain(d.releaseStage);
    expect(['community', 'certified', 'archived']).toContain(d.supportLevel);
    expect(String(d.documentationUrl)).toMatch(/^https:\/\//);
    expect(String(d.releaseDate)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(d.tags).toContain('language:typescript');
    expect(d.allowedHosts).toEqual({ hosts: ['api.hyros.com'] });
    expect(d.suggestedStreams).toEqual({ streams: ['leads', 'sales'] });
    expect(typeof d.maxSecondsBetweenMessages).toBe('number');
  });

  it('dockerImageTag equals the package.json version', () => {
    expect(String(metadata.data.dockerImageTag)).toBe(pkg.version);
  });
});

describe('Dockerfile', () => {
  it('label build-arg defaults equal metadata.yaml dockerRepository / dockerImageTag', () => {
    expect(dockerfile.args.AIRBYTE_NAME).toBe(metadata.data.dockerRepository);
    expect(dockerfile.args.AIRBYTE_VERSION).toBe(String(metadata.data.dockerImageTag));
    expect(dockerfile.labels['io.airbyte.name']).toBe('${AIRBYTE_NAME}');
    expect(dockerfile.labels['io.airbyte.version']).toBe('${AIRBYTE_VERSION}');
  });

  it('AIRBYTE_ENTRYPOINT equals the space-joined exec-form ENTRYPOINT', () => {
    expect(dockerfile.entrypoint).not.toBeNull();
    expect(dockerfile.env.AIRBYTE_ENTRYPOINT).toBe(dockerfile.entrypoint!.join(' '));
  });

  it('uses only legacy-builder syntax', () => {
    const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(text).not.toMatch(/^\s*#\s*syntax=/m);
    expect(text).not.toMatch(/RUN\s+--mount/);
    expect(text).not.toMatch(/COPY\s+[^\n]*--chmod/);
    expect(text).not.toMatch(/<<-?\s*['"]?\w+/);
  });

  it('defaults to the Debian slim Node LTS base and runs as a non-root user', () => {
    expect(dockerfile.args.NODE_IMAGE).toBe('node:22-bookworm-slim');
    const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(0|root)(:|$)/);
  });
});

describe('parseSimpleYaml', () => {
  it('reads mappings, sequences (indented or not), quoted scalars and comments', () => {
    const doc = parseSimpleYaml(
      [
        'a:',
        '  b: "1.0" # comment',
        '  c:',
        '    - x',
        '    - "y z"',
        '  d:',
        '  - k: v',
        '    n: 3',
        'e: true',
      ].join('\n'),
    );
    expect(doc).toEqual({ a: { b: '1.0', c: ['x', 'y z'], d: [{ k: 'v', n: 3 }] }, e: true });
  });

  it('rejects duplicate keys', () => {
    expect(() => parseSimpleYaml('a: 1\na: 2\n')).toThrow(/duplicate/);
  });
});
