/**
 * Runs the built CLI (dist/src/source/main.js) as a child process, the way Airbyte does, and parses its
 * stdout into protocol messages. Every test that goes through the CLI uses this.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../dist/src/source/main.js', import.meta.url));
export const DESTINATION_CLI_PATH = fileURLToPath(new URL('../../dist/src/destination/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every stdout line parsed as JSON (a non-JSON line fails the parse: stdout must be protocol only). */
  messages: Array<Record<string, any>>;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Called for each stdout line as it arrives (e.g. to kill the process mid-sync). */
  onLine?: (line: string, child: ReturnType<typeof spawn>) => void;
  /** The built bin to run (default: the source's). */
  bin?: string;
  /** Written to the child's stdin, which is then closed (default: no stdin). */
  input?: string;
  /** Called once the process is started (e.g. to kill it on an outside event). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

export function assertBuilt(): void {
  for (const path of [CLI_PATH, DESTINATION_CLI_PATH]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` before the tests`);
  }
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? CLI_PATH, ...args], {
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    }) as ChildProcessWithoutNullStreams;
    if (options.input !== undefined) {
      child.stdin.on('error', () => undefined); // a child killed mid-input closes its end early
      child.stdin.end(options.input);
    }
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    let partial = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.bin ?? CLI_PATH} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.onLine) return;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine(line, child);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter((line) => line.length > 0);
      // A killed process may leave a half-written last line; everything else must be JSON.
      const complete = signal ? lines.filter((line, i) => i < lines.length - 1 || line.endsWith('}')) : lines;
      try {
        const messages = complete.map((line) => JSON.parse(line) as Record<string, any>);
        resolve({ code, signal, stdout, stderr, messages });
      } catch (error) {
        reject(new Error(`stdout had a line that is not JSON: ${(error as Error).message}\n${stdout.slice(0, 2000)}`));
      }
    });
  });
}

/** Filters messages by type (and for TRACE by trace type). */
export function ofType(messages: CliResult['messages'], type: string, traceType?: string): Array<Record<string, any>> {
  return messages.filter((m) => m.type === type && (traceType === undefined || m.trace?.type === traceType));
}

export function recordsOf(messages: CliResult['messages'], stream?: string): Array<Record<string, any>> {
  return ofType(messages, 'RECORD')
    .map((m) => m.record)
    .filter((r) => stream === undefined || r.stream === stream);
}

export function statesOf(messages: CliResult['messages'], stream?: string): Array<Record<string, any>> {
  return ofType(messages, 'STATE')
    .map((m) => m.state)
    .filter((s) => stream === undefined || s.stream.stream_descriptor.name === stream);
}

export function statusesOf(messages: CliResult['messages'], stream: string): string[] {
  return ofType(messages, 'TRACE', 'STREAM_STATUS')
    .filter((m) => m.trace.stream_status.stream_descriptor.name === stream)
    .map((m) => m.trace.stream_status.status as string);
}
