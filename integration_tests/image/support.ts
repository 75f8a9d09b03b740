/**
 * Shared by the container-image suites (source and destination): child processes run asynchronously
 * (the sandbox answers on this event loop), stdout parsed as Airbyte messages, and a /data folder
 * the image's non-root user can read.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './packaging-facts.js';

export const root = repoRoot();

export const SOURCE_IMAGE = process.env.SOURCE_HYROS_IMAGE ?? 'source-hyros:dev';
export const DESTINATION_IMAGE = process.env.DESTINATION_HYROS_IMAGE ?? 'destination-hyros:dev';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` from the repository root; `input` is written to its stdin, which is then closed. */
export function run(cmd: string, args: string[], options: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (options.input !== undefined) {
      child.stdin!.on('error', () => undefined); // a child that exits early closes its end
      child.stdin!.end(options.input);
    }
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 150_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export type Message = { type: string } & Record<string, any>;

/** Every stdout line must be one JSON AirbyteMessage. */
export function messages(stdout: string): Message[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`stdout line is not JSON: ${line.slice(0, 200)}`);
      }
      expect(parsed, line).toHaveProperty('type');
      return parsed as Message;
    });
}

export function explain(r: RunResult): string {
  return `exit ${r.code}\n--- stdout (tail) ---\n${r.stdout.slice(-2000)}\n--- stderr (tail) ---\n${r.stderr.slice(-2000)}`;
}

/** A temporary folder the container's non-root user can enter (mkdtemp makes 0700). */
export function makeDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Writes `value` (JSON unless a string) to dir/name, readable by the image's uid 1000. */
export function writeData(dir: string, name: string, value: unknown): void {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  chmodSync(file, 0o644);
}

/** `docker run --rm -i --network host -v dataDir:/data:ro [extra] IMAGE ...args` (the sandbox is on the host's 127.0.0.1). */
export function dockerRun(image: string, dataDir: string, args: string[], options: { extra?: string[]; input?: string } = {}): Promise<RunResult> {
  return run('docker', ['run', '--rm', '-i', '--network', 'host', '-v', `${dataDir}:/data:ro`, ...(options.extra ?? []), image, ...args], {
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/** `docker image inspect` .Config of `image`: entrypoint, env as a map, labels. */
export async function imageConfig(image: string): Promise<{ entrypoint: string[] | null; env: Record<string, string>; labels: Record<string, string>; user: string }> {
  const r = await run('docker', ['image', 'inspect', '--format', '{{json .Config}}', image]);
  expect(r.code, explain(r)).toBe(0);
  const config = JSON.parse(r.stdout) as { Entrypoint: string[] | null; Env: string[]; Labels: Record<string, string>; User: string };
  const env = Object.fromEntries(config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  return { entrypoint: config.Entrypoint, env, labels: config.Labels, user: config.User };
}

/** A `node` stand-in, first on PATH, that prints what the entrypoint handed to Node instead of running the connector. */
export function writeNodeShim(dir: string): void {
  writeData(
    dir,
    'node',
    [
      '#!/bin/sh',
      "exec /usr/local/bin/node -e 'const v8 = require(\"node:v8\"); console.log(JSON.stringify({" +
        'nodeOptions: process.env.NODE_OPTIONS ?? null, heapLimit: v8.getHeapStatistics().heap_size_limit, ' +
        "argv: process.argv.slice(1) }))' \"$@\"",
      '',
    ].join('\n'),
  );
  chmodSync(join(dir, 'node'), 0o755);
}

export interface NodeProbe {
  nodeOptions: string | null;
  heapLimit: number;
  argv: string[];
}

/** Runs the image's real entrypoint with the `node` shim of `shimDir` first on PATH; returns what Node was given. */
export async function probeEntrypoint(image: string, shimDir: string, extra: string[]): Promise<NodeProbe> {
  const r = await run('docker', [
    'run', '--rm', '-v', `${shimDir}:/shim:ro`, '-e', 'PATH=/shim:/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...extra, image, 'spec',
  ]);
  expect(r.code, explain(r)).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as NodeProbe;
}
