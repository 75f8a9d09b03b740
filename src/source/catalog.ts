/**
 * The streams this connector offers for a given config: the fixed Hyros streams plus one
 * `attribution_<name>` stream per configured report. `discover` shows them; `read` builds them.
 */
import type { ResolvedConfig } from './config.js';
import type { AirbyteStream } from '../protocol/messages.js';
import { isAgency } from './read/accounts.js';
import { attributionStreams } from './read/attribution/stream.js';
import { buildListStream } from './read/plan.js';
import type { SourceStream } from './read/source-stream.js';
import { STREAMS, streamJsonSchema, type StreamDefinition } from './streams/definitions.js';

export function describeStream(
  definition: Pick<StreamDefinition, 'name' | 'properties' | 'cursorSource' | 'primaryKey' | 'keyCopy'>,
  agency: boolean,
): AirbyteStream {
  const primaryKey = agency ? [['account_id'], ...definition.primaryKey] : definition.primaryKey;
  const stream: AirbyteStream = {
    name: definition.name,
    json_schema: streamJsonSchema(definition, agency),
    supported_sync_modes: definition.cursorSource ? ['full_refresh', 'incremental'] : ['full_refresh'],
    source_defined_primary_key: primaryKey,
    is_resumable: definition.cursorSource !== undefined,
  };
  if (definition.cursorSource) {
    stream.source_defined_cursor = true;
    stream.default_cursor_field = ['occurred_at'];
  }
  return stream;
}

export function sourceStreams(config: ResolvedConfig): SourceStream[] {
  const agency = isAgency(config);
  const fixed: SourceStream[] = STREAMS.map((definition) => ({
    airbyteStream: describeStream(definition, agency),
    windowed: definition.cursorSource !== undefined,
    build: (configured, context) => buildListStream(definition, configured, context),
  }));
  return [...fixed, ...attributionStreams(config)];
}
