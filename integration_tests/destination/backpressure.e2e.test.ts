/**
 * Memory stays flat because stdin is read only as fast as records get outcomes: while Hyros stalls
 * (every write hangs), the destination stops reading and the upstream writer blocks on the pipe.
 */
import { spawn } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, DESTINATION_CLI_PATH } from '../../test/helpers/cli.js';
import { TempFiles } from '../../test/helpers/files.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { catalog, orderRow, record } from './support.js';

let sandbox: Sandbox | undefined;
const files = new TempFiles();
beforeAll(() => assertBuilt());
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('stdin backpressure', () => {
  it('while every write hangs, the destination stops reading stdin: a bounded number of records is held', async () => {
    const server = await startSandbox({ rateLimit: false, faults: [{ kind: 'hang', path: '/orders' }] });
    sandbox = server;
    const config = files.write('config.json', { api_key: 'sandbox-key', base_url: sandbox.baseUrl, request_timeout_seconds: 600, max_concurrency: 8 });
    const catalogPath = files.write('catalog.json', catalog(['orders']));
    const child = spawn(process.execPath, [DESTINATION_CLI_PATH, 'write', '--config', config, '--catalog', catalogPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    const total = 20_000;
    let written = 0;
    let blocked = false;
    // Write until every write slot hangs at the server and the pipe pushes back, then keep offering
    // for 3 s more: a busy machine only makes the destination read less.
    const inFlight = () => server.stats().byPath['POST /orders'] ?? 0;
    let offerUntil = Number.POSITIVE_INFINITY;
    const giveUpAt = Date.now() + 60_000;
    while (Date.now() < Math.min(offerUntil, giveUpAt) && written < total) {
      if (offerUntil === Number.POSITIVE_INFINITY && inFlight() >= 8) offerUntil = Date.now() + 3000;
      const line = `${record('orders', { ...orderRow(written), filler: 'x'.repeat(200) })}\n`;
      written++;
      if (!child.stdin.write(line)) {
        blocked = true;
        // Drained, or a quarter second on: look at the writes in flight again.
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            child.stdin.off('drain', done);
            resolve();
          };
          const timer = setTimeout(done, 250);
          child.stdin.once('drain', done);
        });
      }
    }
    const hanging = inFlight();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    expect(blocked).toBe(true);
    // At most max_concurrency requests in flight, at most 2000 records waiting, plus what the pipe
    // and one read chunk hold: far from the 20 000 offered.
    expect(hanging).toBe(8);
    expect(written).toBeLessThan(4000);
  });
});
