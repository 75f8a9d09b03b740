/**
 * Ready-made configurations of both connectors for a running sandbox: what `cli.js --write-configs DIR`
 * writes, so the first thing a newcomer runs needs no editing. The source's dates are the sandbox's
 * own data range, so no stream reads an empty window.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Creation times of the sandbox's records lie in [start, end) unless a caller asks for others. */
export const SANDBOX_DATA = { start: '2026-01-01T00:00:00Z', end: '2026-03-01T00:00:00Z' } as const;

export interface SandboxConfigs {
  source: Record<string, unknown>;
  destination: Record<string, unknown>;
}

export function sandboxConfigs(baseUrl: string, apiKey: string): SandboxConfigs {
  return {
    source: { api_key: apiKey, base_url: baseUrl, start_date: SANDBOX_DATA.start.slice(0, 10), end_date: SANDBOX_DATA.end.slice(0, 10) },
    destination: { api_key: apiKey, base_url: baseUrl },
  };
}

/**
 * Writes DIR/source.json and DIR/destination.json; returns their paths. Readable by everyone (0644):
 * the sandbox key is no secret, and the connector images run as uid 1000, which must read a mounted file.
 */
export function writeSandboxConfigs(dir: string, baseUrl: string, apiKey: string): { source: string; destination: string } {
  mkdirSync(dir, { recursive: true });
  const configs = sandboxConfigs(baseUrl, apiKey);
  const paths = { source: join(dir, 'source.json'), destination: join(dir, 'destination.json') };
  for (const kind of ['source', 'destination'] as const) {
    writeFileSync(paths[kind], `${JSON.stringify(configs[kind], null, 2)}\n`);
    chmodSync(paths[kind], 0o644);
  }
  return paths;
}
