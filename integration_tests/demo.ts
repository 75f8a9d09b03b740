/**
 * `npm run demo`: the quick start without a Hyros account. Starts the bundled Hyros sandbox, runs
 * a real `read` of every stream with the built source, writes the Airbyte messages to
 * out/demo/messages.jsonl and prints a per-stream summary; then the other direction: a warehouse
 * table of internal sales written with the built destination (out/demo/write-*.json*), read back.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from './sandbox/server.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const outDir = join(root, 'out', 'demo');
const cli = join(root, 'dist', 'src', 'source', 'main.js');
const destinationCli = join(root, 'dist', 'src', 'destination', 'main.js');

mkdirSync(outDir, { recursive: true });
const sandbox = await startSandbox();
try {
  const configPath = join(outDir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ api_key: 'sandbox-key', start_date: '2026-01-01', end_date: '2026-03-01', base_url: sandbox.baseUrl }, null, 2));

  const discovered = await runConnector(['discover', '--config', configPath], join(outDir, 'catalog-discovered.jsonl'));
  const catalog = JSON.parse(readFileSync(join(outDir, 'catalog-discovered.jsonl'), 'utf8').trim()).catalog as {
    streams: Array<{ name: string; supported_sync_modes: string[] }>;
  };
  if (discovered !== 0) throw new Error('discover failed');
  const configured = {
    streams: catalog.streams.map((stream) => {
      const incremental = stream.supported_sync_modes.includes('incremental');
      return {
        stream,
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
        ...(incremental ? { cursor_field: ['occurred_at'] } : {}),
      };
    }),
  };
  const catalogPath = join(outDir, 'configured_catalog.json');
  writeFileSync(catalogPath, JSON.stringify(configured, null, 2));

  const messagesPath = join(outDir, 'messages.jsonl');
  const started = Date.now();
  const code = await runConnector(['read', '--config', configPath, '--catalog', catalogPath], messagesPath);
  const seconds = (Date.now() - started) / 1000;
  printSummary(messagesPath, seconds, code);
  const writeCode = await demoWrite(configPath);
  process.exitCode = code || writeCode;
} finally {
  await sandbox.close();
}

/** Five internal sales (the seed's row shape) → orders in Hyros, then read back as sales. */
async function demoWrite(sourceConfigPath: string): Promise<number> {
  const rows = ['Pro plan', 'Coaching call', 'Starter kit', 'Pro plan', 'Workbook'].map((product, i) => ({
    email: `customer${i + 1}@example.com`,
    sale_id: `CRM-${5001 + i}`,
    amount: (49.9 + i * 10).toFixed(2),
    currency: 'USD',
    occurred_at: `2026-02-2${i}T1${i}:30:00-05:00`,
    product,
  }));
  const input = [
    ...rows.map((data) => JSON.stringify({ type: 'RECORD', record: { stream: 'internal_sales', data, emitted_at: Date.now() } })),
    JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'internal_sales' }, stream_state: { occurred_at: rows.at(-1)?.occurred_at } }, sourceStats: { recordCount: rows.length } } }),
  ];
  const inputPath = join(outDir, 'write-input.jsonl');
  writeFileSync(inputPath, `${input.join('\n')}\n`);
  const config = { api_key: 'sandbox-key', base_url: sandbox.baseUrl, streams: [{ stream: 'internal_sales', object: 'order' }] };
  const configPath = join(outDir, 'write-config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const catalogPath = join(outDir, 'write-catalog.json');
  writeFileSync(catalogPath, JSON.stringify({ streams: [{ stream: { name: 'internal_sales', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' }] }, null, 2));
  const outputPath = join(outDir, 'write-output.jsonl');
  const code = await runConnector(['write', '--config', configPath, '--catalog', catalogPath], outputPath, destinationCli, inputPath);
  const echoed = readFileSync(outputPath, 'utf8').split('\n').filter((line) => line.includes('"type":"STATE"')).map((line) => JSON.parse(line).state.destinationStats);
  await sandbox.settle();
  const salesCatalog = join(outDir, 'write-readback-catalog.json');
  writeFileSync(salesCatalog, JSON.stringify({ streams: [{ stream: { name: 'sales', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] }));
  const readBack = join(outDir, 'write-readback.jsonl');
  const readCode = await runConnector(['read', '--config', sourceConfigPath, '--catalog', salesCatalog], readBack);
  const found = readFileSync(readBack, 'utf8').split('\n').filter((line) => line.includes('"orderId":"CRM-')).length;
  process.stdout.write(`\nwrite: destination-hyros exited ${code}, echoed state destinationStats ${JSON.stringify(echoed)}; read back ${found} of ${rows.length} orders as sales (${outputPath})\n`);
  return code || readCode || (found === rows.length ? 0 : 1);
}

function runConnector(args: string[], outputPath: string, bin = cli, inputPath?: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: [inputPath ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
    if (inputPath && child.stdin) child.stdin.end(readFileSync(inputPath));
    const output = createWriteStream(outputPath);
    child.stdout?.pipe(output);
    child.on('error', reject);
    child.on('close', (code) => output.end(() => resolvePromise(code ?? 1)));
  });
}

function printSummary(messagesPath: string, seconds: number, code: number): void {
  const perStream = new Map<string, { records: number; states: number; lastState: unknown; status: string }>();
  const entry = (name: string) => {
    let value = perStream.get(name);
    if (!value) perStream.set(name, (value = { records: 0, states: 0, lastState: undefined, status: '' }));
    return value;
  };
  const errors: string[] = [];
  for (const line of readFileSync(messagesPath, 'utf8').split('\n')) {
    if (!line) continue;
    const message = JSON.parse(line);
    if (message.type === 'RECORD') entry(message.record.stream).records++;
    else if (message.type === 'STATE') {
      const stream = entry(message.state.stream.stream_descriptor.name);
      stream.states++;
      stream.lastState = message.state.stream.stream_state;
    } else if (message.type === 'TRACE' && message.trace.type === 'STREAM_STATUS') {
      entry(message.trace.stream_status.stream_descriptor.name).status = message.trace.stream_status.status;
    } else if (message.type === 'TRACE' && message.trace.type === 'ERROR') errors.push(message.trace.error.message);
  }
  const rows = [...perStream].map(([name, s]) => [name, String(s.records), String(s.states), s.status, JSON.stringify(s.lastState)]);
  const header = ['stream', 'records', 'states', 'status', 'last state'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const format = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ');
  process.stdout.write(`\n${format(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(format).join('\n')}\n`);
  process.stdout.write(`\nread exited ${code} in ${seconds.toFixed(1)} s; messages in ${messagesPath}\n`);
  for (const error of errors) process.stdout.write(`error: ${error}\n`);
}
