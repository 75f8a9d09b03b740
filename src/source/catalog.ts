/**
 * The streams this connector offers for a given config: the fixed Hyros streams plus one
 * `attribution_<name>` stream per configured report, all as declarations. `discover` shows them;
 * `read` plans and runs them.
 */
import type { ResolvedConfig } from './config.js';
import type { AirbyteStream, SyncMode } from '../protocol/messages.js';
import { isAgency } from './read/accounts.js';
import { attributionDeclaration } from './streams/attribution.js';
import { isIncremental, type StreamDeclaration } from './streams/declaration.js';
import { STREAMS, streamJsonSchema } from './streams/definitions.js';

export function streamDeclarations(config: ResolvedConfig): StreamDeclaration[] {
  return [...STREAMS, ...(config.attribution_reports ?? []).map(attributionDeclaration)];
}

export function supportedSyncModes(declaration: StreamDeclaration): SyncMode[] {
  return isIncremental(declaration) ? ['full_refresh', 'incremental'] : ['full_refresh'];
}

export function describeStream(declaration: StreamDeclaration, agency: boolean): AirbyteStream {
  const primaryKey = agency ? [['account_id'], ...declaration.primaryKey] : declaration.primaryKey;
  const incremental = isIncremental(declaration);
  const stream: AirbyteStream = {
    name: declaration.name,
    json_schema: streamJsonSchema(declaration, agency),
    supported_sync_modes: supportedSyncModes(declaration),
    source_defined_primary_key: primaryKey,
    is_resumable: incremental,
  };
  if (incremental) {
    stream.source_defined_cursor = true;
    stream.default_cursor_field = ['occurred_at'];
  }
  return stream;
}

/** The catalog `discover` sends. */
export function describeStreams(config: ResolvedConfig): AirbyteStream[] {
  const agency = isAgency(config);
  return streamDeclarations(config).map((declaration) => describeStream(declaration, agency));
}
