#!/usr/bin/env node
/**
 * Start the Hyros sandbox from the command line:
 *   node dist/integration_tests/sandbox/cli.js [--port N] [--latency MS] [--seed N] [--scale N]
 *        [--no-rate-limit] [--accounts a,b,c] [--processing-delay MS] [--missing-roles "Create Orders,/calls"]
 *        [--bare-401-missing-role] [--no-request-status] [--volume even|launches] [--write-configs DIR]
 * Prints exactly one line to stdout (the base URL); logs go to stderr. Stops on SIGINT/SIGTERM.
 * --write-configs DIR writes DIR/source.json and DIR/destination.json for this sandbox (its base URL,
 * key and data range) before the URL is printed, so a caller that waits for the line finds them.
 */
import { parseArgs } from 'node:util';
import { SANDBOX_DATA, writeSandboxConfigs } from './configs.js';
import { DEFAULT_COUNTS, STREAMS, type StreamName } from './dataset.js';
import { startSandbox } from './server.js';

function num(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      latency: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      'no-rate-limit': { type: 'boolean', default: false },
      accounts: { type: 'string' },
      'api-key': { type: 'string' },
      'processing-delay': { type: 'string' },
      'missing-roles': { type: 'string' },
      'bare-401-missing-role': { type: 'boolean', default: false },
      'no-request-status': { type: 'boolean', default: false },
      volume: { type: 'string' },
      'write-configs': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const scale = num('scale', values.scale, 1);
  const counts = {} as Record<StreamName, number>;
  for (const s of STREAMS) counts[s] = Math.round(DEFAULT_COUNTS[s] * scale);
  const list = (v: string | undefined): string[] => (v ? v.split(',').map((a) => a.trim()).filter(Boolean) : []);
  const accounts = list(values.accounts);
  const processingDelayMs = num('processing-delay', values['processing-delay'], 1000);
  const volume = values.volume ?? 'even';
  if (volume !== 'even' && volume !== 'launches') throw new Error(`--volume must be even or launches, got ${volume}`);
  const apiKey = values['api-key'] || 'sandbox-key';
  const sandbox = await startSandbox({
    volume,
    dataStart: SANDBOX_DATA.start,
    dataEnd: SANDBOX_DATA.end,
    port: num('port', values.port, 0),
    latencyMs: num('latency', values.latency, 0),
    seed: num('seed', values.seed, 42),
    counts,
    accounts,
    rateLimit: values['no-rate-limit'] ? false : undefined,
    processingDelayMs,
    missingRoles: list(values['missing-roles']),
    bareUnauthorizedForMissingRole: values['bare-401-missing-role'],
    requestStatusEndpoint: !values['no-request-status'],
    apiKey,
  });
  const configDir = values['write-configs'];
  const written = configDir === undefined ? undefined : writeSandboxConfigs(configDir, sandbox.baseUrl, apiKey);
  process.stdout.write(`${sandbox.baseUrl}\n`);
  process.stderr.write(
    `[sandbox] listening on ${sandbox.url}, base_url ${sandbox.baseUrl} (API-Key: ${apiKey}, scale ${scale}, ` +
    `accounts [${accounts.join(',')}], rate limit ${values['no-rate-limit'] ? 'off' : '30/s 1000/min'}, ` +
    `writes processed after ${processingDelayMs} ms)\n`,
  );
  if (written) {
    process.stderr.write(
      `[sandbox] wrote ${written.source} and ${written.destination} (base_url ${sandbox.baseUrl}; ` +
      `the source reads the sandbox's data, ${SANDBOX_DATA.start.slice(0, 10)} to ${SANDBOX_DATA.end.slice(0, 10)}). ` +
      `Try: npx source-hyros check --config ${written.source}  (Ctrl-C stops the sandbox)\n`,
    );
  }
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[sandbox] ${sig}: shutting down; stats ${JSON.stringify(sandbox.stats())}\n`);
    sandbox.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`[sandbox] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
