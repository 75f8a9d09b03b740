/**
 * Packaging consistency without Docker: package.json, the two Airbyte metadata files (metadata.yaml,
 * integration_tests/destination-hyros/metadata.yaml) and the Dockerfile's two targets agree (the same facts CAT checks on
 * a built image: labels and AIRBYTE_ENTRYPOINT).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DESTINATION_METADATA_FILE,
  DOCKER_TARGETS,
  KNOWN_DATA_KEYS,
  REQUIRED_DATA_KEYS,
  parseDockerfile,
  parseSimpleYaml,
  readDockerfile,
  readMetadata,
  repoRoot,
  type Metadata,
} from '../integration_tests/image/packaging-facts.js';

const root = repoRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  name: string;
  license: string;
  bin: Record<string, string>;
};
const metadata = readMetadata(root);
const destinationMetadata = readMetadata(root, DESTINATION_METADATA_FILE);
const dockerfile = readDockerfile(root);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(root, file), 'utf8')) as T;
}

describe.each([
  ['metadata.yaml', metadata],
  [DESTINATION_METADATA_FILE, destinationMetadata],
] as Array<[string, Metadata]>)('%s: Airbyte metadata schema', (_file, md) => {
  it('uses metadataSpecVersion "1.0" and has every required data key', () => {
    expect(md.metadataSpecVersion).toBe('1.0');
    for (const key of REQUIRED_DATA_KEYS) {
      expect(md.data[key], `data.${key}`).toBeTruthy();
    }
  });

  it('has no keys outside the schema (additionalProperties: false)', () => {
    expect(Object.keys(md).sort()).toEqual(['data', 'metadataSpecVersion']);
    const unknown = Object.keys(md.data).filter((k) => !KNOWN_DATA_KEYS.has(k));
    expect(unknown).toEqual([]);
  });

  it('dockerImageTag equals the package.json version, license the package license', () => {
    expect(String(md.data.dockerImageTag)).toBe(pkg.version);
    expect(md.data.license).toBe(pkg.license);
  });
});

describe('metadata.yaml (source)', () => {
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

  it('documentationUrl equals the spec\'s', () => {
    expect(metadata.data.documentationUrl).toBe(readJson<{ documentationUrl: string }>('spec/spec.json').documentationUrl);
  });
});

describe(`${DESTINATION_METADATA_FILE} (destination)`, () => {
  const d = destinationMetadata.data;

  it('describes the destination: its own definitionId, repository and issue label', () => {
    expect(d.name).toBe('Hyros');
    expect(d.connectorType).toBe('destination');
    expect(d.connectorSubtype).toBe('api');
    expect(Object.keys(pkg.bin)).toContain('destination-hyros');
    expect(d.dockerRepository).toBe('airbyte/destination-hyros');
    expect(d.githubIssueLabel).toBe('destination-hyros');
    expect(String(d.definitionId)).toMatch(UUID_V4);
    expect(d.definitionId).not.toBe(metadata.data.definitionId);
    expect(d.allowedHosts).toEqual({ hosts: ['api.hyros.com'] });
    expect(['alpha', 'beta', 'generally_available', 'custom']).toContain(d.releaseStage);
    expect(['community', 'certified', 'archived']).toContain(d.supportLevel);
    expect(String(d.releaseDate)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(d.tags).toContain('language:typescript');
  });

  it('declares what an API destination supports: no dbt, no normalization, no truncating refresh, field mapping', () => {
    expect(d.supportsDbt).toBe(false);
    expect(d.supportsNormalization).toBe(false);
    expect(d.supportsRefreshes).toBe(false);
    expect(d.supportsDataActivation).toBe(true);
  });

  it('has no source-only keys', () => {
    for (const key of ['suggestedStreams', 'maxSecondsBetweenMessages']) expect(d, key).not.toHaveProperty(key);
  });

  it('documentationUrl equals the destination spec\'s', () => {
    expect(d.documentationUrl).toBe(readJson<{ documentationUrl: string }>('spec/destination-spec.json').documentationUrl);
  });
});

describe.each([
  ['source', DOCKER_TARGETS.source, metadata, 'source-hyros'],
  ['destination', DOCKER_TARGETS.destination, destinationMetadata, 'destination-hyros'],
] as Array<[string, string, Metadata, string]>)('Dockerfile target of the %s (%s)', (_kind, target, md, bin) => {
  const stage = dockerfile.target(target);

  it('label build-arg defaults equal its metadata dockerRepository / dockerImageTag', () => {
    expect(stage.args.AIRBYTE_NAME).toBe(md.data.dockerRepository);
    expect(stage.args.AIRBYTE_VERSION).toBe(String(md.data.dockerImageTag));
    expect(stage.labels['io.airbyte.name']).toBe('${AIRBYTE_NAME}');
    expect(stage.labels['io.airbyte.version']).toBe('${AIRBYTE_VERSION}');
  });

  it('AIRBYTE_ENTRYPOINT equals the space-joined exec-form ENTRYPOINT', () => {
    expect(stage.entrypoint).not.toBeNull();
    expect(stage.env.AIRBYTE_ENTRYPOINT).toBe(stage.entrypoint!.join(' '));
  });

  it(`the entrypoint runs the package's ${bin} bin, as a non-root user`, () => {
    expect(stage.env.CONNECTOR_BIN).toBe(`/airbyte/${pkg.bin[bin]}`);
    expect(stage.user).not.toBeNull();
    expect(stage.user).not.toMatch(/^(0|root)(:|$)/);
  });
});

describe('Dockerfile', () => {
  it('a plain `docker build .` gives the source image (its target is the last stage)', () => {
    expect(dockerfile.name).toBe(DOCKER_TARGETS.source);
    expect(dockerfile.labels).toEqual(dockerfile.target(DOCKER_TARGETS.source).labels);
  });

  it('both targets start from one runtime stage (one build, shared layers)', () => {
    const from = [DOCKER_TARGETS.source, DOCKER_TARGETS.destination].map((t) => dockerfile.target(t).from);
    expect(from[0]).toBe(from[1]);
    expect(dockerfile.stages.map((s) => s.name)).toContain(from[0]);
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

describe('parseDockerfile', () => {
  it('gives each stage its own ARGs and what it inherits from a parent stage (ENV, LABEL, ENTRYPOINT, USER)', () => {
    const facts = parseDockerfile(
      [
        'ARG BASE=debian',
        'FROM ${BASE} AS common',
        'ARG ONLY_HERE=1',
        'ENV A=1 \\',
        '    B="two words"',
        'USER 1000:1000',
        'ENTRYPOINT ["/e.sh"]',
        'FROM common AS child',
        'ARG NAME=x',
        'ENV B=2',
        'LABEL k="${NAME}"',
        'FROM debian AS other',
      ].join('\n'),
    );
    expect(facts.target('common').args).toEqual({ BASE: 'debian', ONLY_HERE: '1' });
    expect(facts.target('child')).toMatchObject({
      from: 'common',
      args: { BASE: 'debian', NAME: 'x' },
      env: { A: '1', B: '2' },
      labels: { k: '${NAME}' },
      entrypoint: ['/e.sh'],
      user: '1000:1000',
    });
    expect(facts.name).toBe('other');
    expect(facts).toMatchObject({ env: {}, labels: {}, entrypoint: null, user: null });
    expect(() => facts.target('missing')).toThrow(/no stage named missing/);
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
