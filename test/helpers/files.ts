/** Temporary input files for CLI runs (config, catalog, state), cleaned up by the caller. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class TempFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'source-hyros-test-'));

  /** Writes `content` (JSON-encoded unless a string) and returns the path. */
  write(name: string, content: unknown): string {
    const path = join(this.dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A configured catalog of the given streams (incremental where supported unless `fullRefresh`). */
export function catalogFor(streams: string[], options: { fullRefresh?: boolean; incrementalStreams?: string[] } = {}): unknown {
  const incremental = new Set(options.incrementalStreams ?? ['leads', 'sales', 'calls', 'subscriptions', 'carts', 'lead_clicks']);
  return {
    streams: streams.map((name) => {
      const isIncremental = !options.fullRefresh && (incremental.has(name) || name.startsWith('attribution_'));
      return {
        stream: {
          name,
          json_schema: {},
          supported_sync_modes: isIncremental ? ['full_refresh', 'incremental'] : ['full_refresh'],
          ...(isIncremental ? { source_defined_cursor: true, default_cursor_field: ['occurred_at'] } : {}),
        },
        sync_mode: isIncremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: 'append',
        ...(isIncremental ? { cursor_field: ['occurred_at'] } : {}),
      };
    }),
  };
}
