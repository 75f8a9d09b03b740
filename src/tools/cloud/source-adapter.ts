/**
 * The one place where the Cloud manifest generator reads the TypeScript source: its stream
 * declarations and its spec, turned into the few facts a declarative manifest needs. Everything
 * else under src/tools/cloud works from these shapes only, so a change in how the source declares
 * its streams is absorbed here.
 */
import type { StreamDeclaration } from '../../source/streams/declaration.js';
import { STREAMS, streamJsonSchema } from '../../source/streams/definitions.js';
import { buildSpec } from '../../source/spec.js';
import type { JsonObject } from '../../protocol/messages.js';

/** A stream the manifest serves, as the source declares it. */
export interface CloudStream {
  name: string;
  /** Path relative to base_url, e.g. `leads` or `tags/count`. */
  path: string;
  primaryKey: string[][];
  /** Read in date windows with an `occurred_at` cursor taken from this field (top level, a timestamp). */
  incremental: boolean;
  cursorSource?: string;
  /** Record schema as `discover` shows it (`occurred_at` included for incremental streams). */
  jsonSchema: JsonObject;
  /** The same with the agency `account_id` field. */
  agencyJsonSchema: JsonObject;
  /** A nested natural key copied to a top-level field, which is then the primary key. */
  keyCopy?: { field: string; from: readonly string[] };
}

/** A stream of the source the manifest leaves out, with the reason the docs give. */
export interface OmittedStream {
  name: string;
  reason: 'child-stream';
}

/** A stream whose records one request chain per window lists: the kinds a declarative stream can serve. */
type ListedDeclaration = StreamDeclaration & { partitioning: { kind: 'whole-list' | 'date-windows' } };

function isListed(declaration: StreamDeclaration): declaration is ListedDeclaration {
  return declaration.partitioning.kind === 'whole-list' || declaration.partitioning.kind === 'date-windows';
}

function toCloudStream(definition: ListedDeclaration): CloudStream {
  const { partitioning } = definition;
  return {
    name: definition.name,
    path: definition.path,
    primaryKey: definition.primaryKey.map((key: string[]) => [...key]),
    incremental: partitioning.kind === 'date-windows',
    ...(partitioning.kind === 'date-windows' ? { cursorSource: partitioning.cursorSource } : {}),
    jsonSchema: streamJsonSchema(definition, false),
    agencyJsonSchema: streamJsonSchema(definition, true),
    ...(definition.keyCopy === undefined ? {} : { keyCopy: { field: definition.keyCopy.field, from: [...definition.keyCopy.from] } }),
  };
}

/**
 * The source's fixed streams, in its order, minus the child streams: a child's records are fetched
 * per batch of parent records the source reads (lead_clicks per 50 leads), which a declarative
 * substream can only do one parent record per request.
 */
export function cloudStreams(): CloudStream[] {
  return STREAMS.filter(isListed).map(toCloudStream);
}

export function omittedStreams(): OmittedStream[] {
  return STREAMS.filter((definition) => !isListed(definition)).map((definition) => ({ name: definition.name, reason: 'child-stream' }));
}

/** The source's connectionSpecification properties and its documentation URL. */
export function sourceSpec(): { documentationUrl: string; properties: Record<string, JsonObject>; title: string } {
  const spec = buildSpec();
  const connection = spec.connectionSpecification;
  return {
    documentationUrl: spec.documentationUrl,
    properties: connection.properties as Record<string, JsonObject>,
    title: String(connection.title),
  };
}
