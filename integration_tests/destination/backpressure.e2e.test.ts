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
    sandbox = await startSandbox({ rateLimit: false, faults: [{ kind: 'hang', path: '/orders' }] });
    const config = files.write('config.json', { api_key: 'sandbox-key', base_url: sandbox.baseUrl, request_timeout_seconds: 600, max_concurrency: 8 });
    const catalogPath = files.write('catalog.json', catalog(['orders']));
    const child = spawn(process.execPath, [DESTINATION_CLI_PATH, 'write', '--config', config, '--catalog', catalogPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    const total = 20_000;
    let written = 0;
    let blocked = false;
    // Write until the pipe pushes back, then keep offering for 3 s of real time.
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && written < total) {
      const line = `${record('orders', { ...orderRow(written), filler: 'x'.repeat(200) })}\n`;
      written++;
      if (!child.stdin.write(line)) {
        blocked = true;
        await Promise.race([new Promise((resolve) => child.stdin.once('drain', resolve)), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
      }
    }
    const hanging = sandbox.stats().byPath['POST /orders'] ?? 0;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    expect(blocked).toBe(true);
    // At most max_concurrency requests in flight, at most 2000 records waiting, plus what the pipe
    // and one read chunk hold: far from the 20 000 offered.
    expect(hanging).toBe(8);
    expect(written).toBeLessThan(4000);
  });
});
