#!/usr/bin/env node
/**
 * The Hyros sandbox for the Python tests of Airbyte's own tools (integration_tests/airbyte/): starts
 * the sandbox on 127.0.0.1, prints one JSON line `{"baseUrl": …}`, then answers one JSON command per
 * line on stdin with one JSON line on stdout, so pytest can move the sandbox clock and look at what
 * the destination wrote (the same helpers the TypeScript tests call in-process):
 *   {"cmd": "setAsOf", "at": "2026-02-01T00:00:00Z" | null}   → {"ok": true}
 *   {"cmd": "writes"}                                          → {"ok": true, "value": WriteEntry[]}
 *   {"cmd": "duplicates"}                                      → {"ok": true, "value": […]}
 *   {"cmd": "entityRecords", "object": "order", "key": "S-1"}  → {"ok": true, "value": [[…], …]}
 *   {"cmd": "settle"}                                          → {"ok": true} once no write is PENDING
 *   {"cmd": "stats"}                                           → {"ok": true, "value": SandboxStats}
 *   {"cmd": "resetStats"}                                      → {"ok": true}
 *   {"cmd": "setFaults", "faults": [{"kind": "429-burst", …}]} → {"ok": true}
 * Ends (closing the sandbox) when stdin closes or on SIGTERM.
 *   node dist/integration_tests/airbyte/sandbox-control.js [--seed N] [--processing-delay MS] [--accounts a,b]
 *        [--empty-page-cursor]
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startSandbox, type EntityObject, type Fault, type Sandbox } from '../sandbox/server.js';

type Command =
  | { cmd: 'setAsOf'; at: string | null }
  | { cmd: 'writes' }
  | { cmd: 'duplicates' }
  | { cmd: 'entityRecords'; object: EntityObject; key: string }
  | { cmd: 'settle' }
  | { cmd: 'stats' }
  | { cmd: 'resetStats' }
  | { cmd: 'setFaults'; faults: Fault[] };

async function answer(sandbox: Sandbox, command: Command): Promise<unknown> {
  switch (command.cmd) {
    case 'setAsOf':
      sandbox.setAsOf(command.at ?? undefined);
      return undefined;
    case 'writes':
      return sandbox.writes();
    case 'duplicates':
      return sandbox.duplicates();
    case 'entityRecords':
      return sandbox.entityRecords(command.object, command.key);
    case 'settle':
      await sandbox.settle();
      return undefined;
    case 'stats':
      return sandbox.stats();
    case 'resetStats':
      sandbox.resetStats();
      return undefined;
    case 'setFaults':
      sandbox.setFaults(command.faults);
      return undefined;
    default:
      throw new Error(`unknown command ${JSON.stringify((command as { cmd?: unknown }).cmd)}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      'processing-delay': { type: 'string' },
      accounts: { type: 'string' },
      'empty-page-cursor': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const sandbox = await startSandbox({
    seed: values.seed === undefined ? 42 : Number(values.seed),
    rateLimit: false,
    emptyPageCursor: values['empty-page-cursor'],
    processingDelayMs: values['processing-delay'] === undefined ? 200 : Number(values['processing-delay']),
    // Agency client accounts (each with a dataset of its own), served by `Accessible-Account-Id`.
    accounts: values.accounts === undefined ? [] : values.accounts.split(',').filter(Boolean),
  });
  const stop = async (): Promise<void> => {
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdout.write(`${JSON.stringify({ baseUrl: sandbox.baseUrl })}\n`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let reply: Record<string, unknown>;
    try {
      const value = await answer(sandbox, JSON.parse(line) as Command);
      reply = value === undefined ? { ok: true } : { ok: true, value };
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
  await stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox-control: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
