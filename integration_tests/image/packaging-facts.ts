/**
 * Packaging facts shared by test/packaging.test.ts (no Docker) and integration_tests/image/image.test.ts
 * (built images): a tiny reader for the Airbyte metadata files (metadata.yaml for the source,
 * integration_tests/destination-hyros/metadata.yaml for the destination) and a reader for the Dockerfile's stages: ARG
 * defaults, ENTRYPOINT, ENV, LABEL and USER of each build target. No YAML dependency: the metadata files
 * only use block mappings, block sequences of scalars and plain/quoted scalars, which is all this
 * reader supports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** Repository root: the nearest ancestor of this module (source or dist/) holding metadata.yaml + package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'metadata.yaml')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function parseScalar(raw: string): YamlValue {
  const s = raw.trim();
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) return JSON.parse(s) as string;
  if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) return s.slice(1, -1).replace(/''/g, "'");
  if (s === '' || s === '~' || s === 'null') return null;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s.startsWith('[') && s.endsWith(']')) {
    const inner = s.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((x) => parseScalar(x));
  }
  return s;
}

function stripComment(line: string): string {
  // A '#' starts a comment at line start or after whitespace, outside quotes.
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      return line.slice(0, i);
    }
  }
  return line;
}

interface Line {
  indent: number;
  text: string;
  no: number;
}

/** Parse the block-style YAML subset used by metadata.yaml. Throws on anything it does not understand. */
export function parseSimpleYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const text = stripComment(raw).replace(/\s+$/, '');
    if (text.trim() === '' || text.trim() === '---') return;
    if (/^\s*\t/.test(text)) throw new Error(`metadata.yaml:${i + 1}: tabs are not allowed for indentation`);
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 });
  });
  let pos = 0;

  function parseBlock(indent: number): YamlValue {
    const first = lines[pos];
    if (!first || first.indent < indent) return null;
    if (first.text === '-' || first.text.startsWith('- ')) {
      const out: YamlValue[] = [];
      while (pos < lines.length) {
        const l = lines[pos]!;
        if (l.indent !== first.indent || !(l.text === '-' || l.text.startsWith('- '))) break;
        const rest = l.text.slice(1).trim();
        pos++;
        if (rest === '') out.push(parseBlock(first.indent + 1));
        else if (/^[^"'\s][^:]*:(\s|$)/.test(rest)) {
          // "- key: value" item: re-read it as a mapping indented at the item's content column.
          const contentIndent = l.indent + (l.text.length - rest.length);
          pos--;
          lines[pos] = { indent: contentIndent, text: rest, no: l.no };
          out.push(parseBlock(contentIndent));
        } else out.push(parseScalar(rest));
      }
      return out;
    }
    const obj: { [key: string]: YamlValue } = {};
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.indent < first.indent) break;
      if (l.indent > first.indent) throw new Error(`metadata.yaml:${l.no}: unexpected indentation`);
      const m = /^("[^"]*"|'[^']*'|[^:]+?):(\s+(.*))?$/.exec(l.text);
      if (!m) throw new Error(`metadata.yaml:${l.no}: expected "key: value", got ${JSON.stringify(l.text)}`);
      const key = String(parseScalar(m[1]!));
      if (Object.prototype.hasOwnProperty.call(obj, key)) throw new Error(`metadata.yaml:${l.no}: duplicate key ${key}`);
      pos++;
      const value = m[3];
      if (value !== undefined && value !== '') obj[key] = parseScalar(value);
      else {
        const next = lines[pos];
        // A sequence may sit at the same indentation as its key.
        if (next && (next.indent > l.indent || (next.indent === l.indent && next.text.startsWith('- '))))
          obj[key] = parseBlock(next.indent);
        else obj[key] = null;
      }
    }
    return obj;
  }

  const result = parseBlock(0);
  if (pos !== lines.length) throw new Error(`metadata.yaml:${lines[pos]!.no}: could not parse`);
  return result;
}

export interface Metadata {
  metadataSpecVersion: string;
  data: { [key: string]: YamlValue };
}

/** The source's metadata file (Airbyte's place: the connector's root folder). */
export const SOURCE_METADATA_FILE = 'metadata.yaml';
/** The destination's metadata file, next to its spec (the root folder is the source's). */
export const DESTINATION_METADATA_FILE = 'integration_tests/destination-hyros/metadata.yaml';

/** The Dockerfile target that builds each connector's image (the source's is also the default, last stage). */
export const DOCKER_TARGETS = { source: 'source-hyros', destination: 'destination-hyros' } as const;

export function readMetadata(root = repoRoot(), file: string = SOURCE_METADATA_FILE): Metadata {
  const parsed = parseSimpleYaml(readFileSync(join(root, file), 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file} is not a mapping`);
  const data = parsed.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file} has no data mapping`);
  return { ...(parsed as object), metadataSpecVersion: String(parsed.metadataSpecVersion), data } as Metadata;
}

/** `data` keys required by Airbyte's metadata schema (ConnectorMetadataDefinitionV0). */
export const REQUIRED_DATA_KEYS = [
  'name',
  'definitionId',
  'connectorType',
  'dockerRepository',
  'dockerImageTag',
  'license',
  'documentationUrl',
  'githubIssueLabel',
  'connectorSubtype',
  'releaseStage',
] as const;

/** `data` keys this project's metadata.yaml may use (the schema is additionalProperties: false). */
export const KNOWN_DATA_KEYS = new Set<string>([
  ...REQUIRED_DATA_KEYS,
  'ab_internal', 'allowedHosts', 'connectorBuildOptions', 'connectorIPCOptions', 'connectorTestSuitesOptions',
  'erdUrl', 'externalDocumentationUrls', 'generated', 'icon', 'maxSecondsBetweenMessages', 'normalizationConfig',
  'protocolVersion', 'registryOverrides', 'releaseDate', 'releases', 'remoteRegistries', 'resourceRequirements',
  'suggestedStreams', 'supportLevel', 'supportsDataActivation', 'supportsDbt', 'supportsFileTransfer',
  'supportsNormalization', 'supportsRefreshes', 'tags',
]);

/** What one build stage (a `--target`) declares, with what it inherits from a parent stage. */
export interface StageFacts {
  /** The stage's `AS` name, or null. */
  name: string | null;
  /** Its FROM: a base image or an earlier stage's name. */
  from: string;
  /** Default values of the global ARGs and of the stage's own ARGs (last one wins), e.g. AIRBYTE_NAME. */
  args: Record<string, string>;
  /** ENTRYPOINT in exec (JSON) form, own or inherited. */
  entrypoint: string[] | null;
  /** ENV values, own and inherited. */
  env: Record<string, string>;
  /** Raw LABEL key/value pairs, own and inherited. */
  labels: Record<string, string>;
  /** The last USER, own or inherited. */
  user: string | null;
}

/** The final stage's facts (what a plain `docker build .` produces), plus every stage by name. */
export interface DockerfileFacts extends StageFacts {
  stages: StageFacts[];
  /** The facts of the stage named `name` (throws when there is none). */
  target(name: string): StageFacts;
}

function unquote(v: string): string {
  const s = v.trim();
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) return JSON.parse(s) as string;
  if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) return s.slice(1, -1);
  return s;
}

/** Split `K=V K2="V 2"` pairs (ENV/LABEL/ARG key=value form). */
function keyValues(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w.\-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  let m: RegExpExecArray | null;
  let matched = false;
  while ((m = re.exec(rest))) {
    matched = true;
    out[m[1]!] = unquote(m[2]!);
  }
  if (!matched) {
    // Legacy "ENV KEY value" form.
    const legacy = /^(\S+)\s+(.*)$/.exec(rest.trim());
    if (legacy) out[legacy[1]!] = unquote(legacy[2]!);
  }
  return out;
}

export function readDockerfile(root = repoRoot()): DockerfileFacts {
  return parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
}

export function parseDockerfile(text: string): DockerfileFacts {
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const globalArgs: Record<string, string> = {};
  const stages: StageFacts[] = [];
  let stage: StageFacts | undefined;
  for (const ins of instructions) {
    const m = /^(\w+)\s+(.*)$/.exec(ins);
    if (!m) continue;
    const op = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (op === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(rest);
      if (!from) throw new Error(`Dockerfile: cannot read FROM ${rest}`);
      // ARGs end with their stage; ENV, LABEL, ENTRYPOINT and USER live in the image a child stage starts from.
      const parent = stages.find((s) => s.name !== null && s.name.toLowerCase() === from[1]!.toLowerCase());
      stage = {
        name: from[2] ?? null,
        from: from[1]!,
        args: { ...globalArgs },
        entrypoint: parent?.entrypoint ? [...parent.entrypoint] : null,
        env: { ...parent?.env },
        labels: { ...parent?.labels },
        user: parent?.user ?? null,
      };
      stages.push(stage);
    } else if (op === 'ARG') {
      const a = /^([A-Za-z_]\w*)(=(.*))?$/.exec(rest.trim());
      if (a && a[3] !== undefined) (stage ? stage.args : globalArgs)[a[1]!] = unquote(a[3]);
    } else if (!stage) {
      throw new Error(`Dockerfile: ${op} before the first FROM`);
    } else if (op === 'ENV') Object.assign(stage.env, keyValues(rest));
    else if (op === 'LABEL') Object.assign(stage.labels, keyValues(rest));
    else if (op === 'USER') stage.user = rest.trim();
    else if (op === 'ENTRYPOINT') {
      const parsed: unknown = JSON.parse(rest);
      if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string'))
        throw new Error('ENTRYPOINT must use the exec (JSON array) form');
      stage.entrypoint = parsed as string[];
    }
  }
  const final = stages.at(-1);
  if (!final) throw new Error('Dockerfile has no FROM');
  return {
    ...final,
    stages,
    target(name: string): StageFacts {
      const found = stages.find((s) => s.name === name);
      if (!found) throw new Error(`Dockerfile has no stage named ${name}`);
      return found;
    },
  };
}
