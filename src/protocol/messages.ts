/**
 * Airbyte protocol message types (what the source emits and the destination echoes) and their builders.
 * Shapes follow airbyte_protocol.yaml; `namespace` is omitted rather than sent as null.
 */
import type { FailureType } from '../common/errors.js';

export type JsonObject = Record<string, unknown>;
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type SyncMode = 'full_refresh' | 'incremental';

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: JsonObject;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  is_resumable?: boolean;
}

export interface ConnectorSpecification {
  documentationUrl: string;
  changelogUrl?: string;
  connectionSpecification: JsonObject;
  protocol_version?: string;
  /** Destinations only. */
  supportsIncremental?: boolean;
  supported_destination_sync_modes?: string[];
}

export interface RecordMessage {
  type: 'RECORD';
  record: { stream: string; data: JsonObject; emitted_at: number };
}
export interface StateMessage {
  type: 'STATE';
  state: {
    type: 'STREAM';
    stream: { stream_descriptor: StreamDescriptor; stream_state: JsonObject };
    sourceStats: { recordCount: number };
  };
}
/** A STATE a destination echoes: the incoming message, kept as received, plus destinationStats. */
export interface EchoedStateMessage {
  type: 'STATE';
  state: JsonObject;
}
export interface LogMessage {
  type: 'LOG';
  log: { level: LogLevel; message: string; stack_trace?: string };
}
export interface SpecMessage {
  type: 'SPEC';
  spec: ConnectorSpecification;
}
export interface ConnectionStatusMessage {
  type: 'CONNECTION_STATUS';
  connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string };
}
export interface CatalogMessage {
  type: 'CATALOG';
  catalog: { streams: AirbyteStream[] };
}
/** Destinations (protocol 0.16+): the objects a destination can write. */
export interface DestinationCatalogMessage {
  type: 'DESTINATION_CATALOG';
  destination_catalog: JsonObject;
}
export interface RateLimitedReason {
  type: 'RATE_LIMITED';
  rate_limited?: { quota_reset?: number };
}
export type TraceMessage =
  | {
      type: 'TRACE';
      trace: {
        type: 'ERROR';
        emitted_at: number;
        error: {
          message: string;
          internal_message?: string;
          stack_trace?: string;
          failure_type: FailureType;
          stream_descriptor?: StreamDescriptor;
        };
      };
    }
  | {
      type: 'TRACE';
      trace: {
        type: 'STREAM_STATUS';
        emitted_at: number;
        stream_status: { stream_descriptor: StreamDescriptor; status: StreamStatus; reasons?: RateLimitedReason[] };
      };
    };

export type AirbyteMessage =
  | RecordMessage
  | StateMessage
  | EchoedStateMessage
  | LogMessage
  | SpecMessage
  | ConnectionStatusMessage
  | CatalogMessage
  | DestinationCatalogMessage
  | TraceMessage;

export function stateMessage(stream: string, streamState: JsonObject, recordCount: number): StateMessage {
  return {
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: streamState },
      sourceStats: { recordCount },
    },
  };
}

export function logMessage(level: LogLevel, message: string, stackTrace?: string): LogMessage {
  return { type: 'LOG', log: stackTrace ? { level, message, stack_trace: stackTrace } : { level, message } };
}

export function specMessage(spec: ConnectorSpecification): SpecMessage {
  return { type: 'SPEC', spec };
}

export function connectionStatusMessage(status: 'SUCCEEDED' | 'FAILED', message?: string): ConnectionStatusMessage {
  return { type: 'CONNECTION_STATUS', connectionStatus: message === undefined ? { status } : { status, message } };
}

export function catalogMessage(streams: AirbyteStream[]): CatalogMessage {
  return { type: 'CATALOG', catalog: { streams } };
}

export function errorTraceMessage(
  message: string,
  failureType: FailureType,
  extra: { internalMessage?: string; stackTrace?: string; stream?: string } = {},
): TraceMessage {
  const error: Extract<TraceMessage['trace'], { type: 'ERROR' }>['error'] = { message, failure_type: failureType };
  if (extra.internalMessage) error.internal_message = extra.internalMessage;
  if (extra.stackTrace) error.stack_trace = extra.stackTrace;
  if (extra.stream) error.stream_descriptor = { name: extra.stream };
  return { type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error } };
}

export function streamStatusMessage(stream: string, status: StreamStatus, reasons?: RateLimitedReason[]): TraceMessage {
  const streamStatus: { stream_descriptor: StreamDescriptor; status: StreamStatus; reasons?: RateLimitedReason[] } = {
    stream_descriptor: { name: stream },
    status,
  };
  if (reasons && reasons.length > 0) streamStatus.reasons = reasons;
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: streamStatus } };
}

export function rateLimitedStatusMessage(stream: string, quotaResetMs: number): TraceMessage {
  return streamStatusMessage(stream, 'RUNNING', [
    { type: 'RATE_LIMITED', rate_limited: { quota_reset: Math.round(quotaResetMs) } },
  ]);
}
