/**
 * Shared pieces of the destination's end-to-end tests: Airbyte input built from warehouse-like rows,
 * a configured catalog, and `destination-hyros write` run as a child process against the sandbox.
 */
import { DESTINATION_CLI_PATH, runCli, type CliOptions, type CliResult } from '../../test/helpers/cli.js';
import { TempFiles } from '../../test/helpers/files.js';
import type { Sandbox } from '../sandbox/server.js';

export type Row = Record<string, unknown>;

export const T0 = Date.parse('2026-02-10T12:00:00Z');

/** A warehouse row of internal sales, in the seed's own shape. */
export function orderRow(i: number): Row {
  return {
    email: `buyer${i}@example.com`,
    sale_id: `S-${1000 + i}`,
    amount: `${(10 + (i % 7) * 2.5).toFixed(2)}`,
    currency: 'USD',
    occurred_at: new Date(T0 + i * 60_000).toISOString(),
    product: `Product ${i % 5}`,
  };
}
export function leadRow(i: number): Row {
  return { email: `lead${i}@example.com`, first_name: `Lead${i}`, tags: ['@webinar'], occurred_at: new Date(T0 - 3600_000 + i * 1000).toISOString() };
}
export function callRow(i: number): Row {
  return { external_id: `call-${i}`, name: `Discovery call ${i}`, email: `caller${i}@example.com`, occurred_at: new Date(T0 + i * 120_000).toISOString(), state: 'QUALIFIED' };
}

export const record = (stream: string, data: Row): string => JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1 } });
export const streamState = (stream: string, cursor: number, count: number): string =>
  JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { cursor } }, sourceStats: { recordCount: count } } });

/** `rows` of one stream as Airbyte messages, a STREAM state after every `per` records (and at the end). */
export function streamInput(stream: string, rows: Row[], per: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    lines.push(record(stream, rows[i] as Row));
    if ((i + 1) % per === 0 || i === rows.length - 1) lines.push(streamState(stream, i + 1, ((i % per) + 1)));
  }
  return lines;
}

export function catalog(streams: string[], mode = 'append_dedup'): unknown {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: mode,
      cursor_field: ['occurred_at'],
    })),
  };
}

/**
 * SIGKILLs the destination at a STATE line, from the `fromState`-th on, once the sandbox already
 * holds writes that state does not cover. `cursor` is that state's: the last one the platform read
 * before the process died (lines still in the pipe are lost with it, as when Airbyte's worker sees
 * the process die), so the replay starts there and sends those writes' keys again.
 */
export function killPastState(sandbox: Sandbox, fromState: number): { onLine: NonNullable<CliOptions['onLine']>; cursor: () => number } {
  let states = 0;
  let killedAt: number | undefined;
  return {
    onLine: (line, child) => {
      if (killedAt !== undefined || !line.includes('"STATE"')) return;
      const cursor = (JSON.parse(line) as { state: { stream: { stream_state: { cursor: number } } } }).state.stream.stream_state.cursor;
      if (++states >= fromState && sandbox.writes().length > cursor) {
        killedAt = cursor;
        child.kill('SIGKILL');
      }
    },
    cursor: () => {
      if (killedAt === undefined) throw new Error('the destination was never killed');
      return killedAt;
    },
  };
}

export interface WriteRun extends CliResult {
  states: Array<Record<string, any>>;
}

/** Runs `destination-hyros write` with `lines` on stdin against `sandbox`. */
export async function runWrite(
  sandbox: Sandbox,
  lines: string[],
  options: { config?: Record<string, unknown>; streams?: string[]; catalog?: unknown; args?: string[]; cli?: CliOptions } = {},
): Promise<WriteRun> {
  const files = new TempFiles();
  try {
    const config = files.write('config.json', { api_key: 'sandbox-key', base_url: sandbox.baseUrl, ambiguous_retry_after_seconds: 2, ...options.config });
    const catalogPath = files.write('catalog.json', options.catalog ?? catalog(options.streams ?? ['orders']));
    const result = await runCli(['write', '--config', config, '--catalog', catalogPath, ...(options.args ?? [])], {
      timeoutMs: 120_000,
      ...options.cli,
      bin: DESTINATION_CLI_PATH,
      input: lines.length > 0 ? `${lines.join('\n')}\n` : '',
    });
    return { ...result, states: result.messages.filter((m) => m.type === 'STATE').map((m) => m.state) };
  } finally {
    files.cleanup();
  }
}

export function logs(result: CliResult, level?: string): string[] {
  return result.messages.filter((m) => m.type === 'LOG' && (level === undefined || m.log.level === level)).map((m) => m.log.message as string);
}

export function traceErrors(result: CliResult): Array<Record<string, any>> {
  return result.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error);
}
