/**
 * Where the documented commands run in the tests: a fresh folder that looks like a clone of the
 * repository (its top-level entries linked, or copied where Docker needs real files), so every file
 * the commands create lands there, not in the work tree, and several runs never meet. Also: the
 * documented sandbox started the documented way, one block run as a reader runs it, and what the
 * runs left behind checked against `.gitignore`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export interface Workspace {
  dir: string;
  /** Top-level names that came from the repository (links or copies), not from the commands. */
  seeded: Set<string>;
}

/** The repository's top-level entries a clone has, plus its install and build (node_modules, dist). */
function topLevelEntries(root: string): string[] {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed in ${root}: ${listed.stderr}`);
  const names = new Set(listed.stdout.split('\n').filter(Boolean).map((path) => path.split('/')[0]!));
  names.add('node_modules');
  names.add('dist');
  return [...names].sort();
}

/** A clone-like folder of `root`: entries linked, those in `copy` copied (a Docker build context sends no link targets). */
export function makeWorkspace(root: string, prefix: string, copy: readonly string[] = []): Workspace {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const seeded = new Set<string>();
  for (const name of topLevelEntries(root)) {
    const from = join(root, name);
    try {
      lstatSync(from);
    } catch {
      continue; // deleted in the work tree but still in the index
    }
    if (copy.includes(name)) cpSync(from, join(dir, name), { recursive: true, preserveTimestamps: true });
    else symlinkSync(from, join(dir, name));
    seeded.add(name);
  }
  return { dir, seeded };
}

/** Files the commands created in the workspace (not inside what it was seeded with), relative, with `/`. */
export function createdFiles(workspace: Workspace): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (dir === workspace.dir && workspace.seeded.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else found.push(relative(workspace.dir, path).split('\\').join('/'));
    }
  };
  walk(workspace.dir);
  return found.sort();
}

/** Of `paths` (relative to the repository root), those the repository's `.gitignore` does not ignore. */
export function notIgnored(root: string, paths: readonly string[]): string[] {
  if (paths.length === 0) return [];
  const result = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], { cwd: root, input: paths.join('\n'), encoding: 'utf8' });
  if (result.status !== 0 && result.status !== 1) throw new Error(`git check-ignore failed: ${result.stderr}`);
  const ignored = new Set(result.stdout.split('\n').filter(Boolean));
  return paths.filter((path) => !ignored.has(path));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one shell block as a reader pastes it (bash, stopping at the first failing command or pipe). */
export function runShell(code: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => killGroup(child), timeoutMs);
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

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the block's whole process group (npm, node, …)
  } catch {
    child.kill(signal);
  }
}

export const SANDBOX_URL = /http:\/\/127\.0\.0\.1:\d+\/v1\/api\/v1\.0/;

export interface RunningSandbox {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the documented sandbox command in the background and waits for the base URL it prints. */
export async function startDocumentedSandbox(code: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<RunningSandbox> {
  const child = spawn('bash', ['-c', code], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const late = setTimeout(() => killGroup(child), 10_000);
    await exited;
    clearTimeout(late);
  };
  const deadline = Date.now() + timeoutMs;
  while (!SANDBOX_URL.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the documented sandbox command did not print its URL (exit ${child.exitCode}):\n${code}\n--- output ---\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: SANDBOX_URL.exec(out)![0], output: () => out, stop };
}

/**
 * What in a run's output says it did not work, read from every Airbyte message line: a FAILED
 * connection status, an error trace, a log line at WARN or above. Other lines are ignored.
 */
export function airbyteProblems(text: string): string[] {
  const problems: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let message: { type?: string; connectionStatus?: { status?: string }; trace?: { type?: string }; log?: { level?: string } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      continue;
    }
    if (message.type === 'CONNECTION_STATUS' && message.connectionStatus?.status !== 'SUCCEEDED') problems.push(line);
    if (message.type === 'TRACE' && message.trace?.type === 'ERROR') problems.push(line);
    if (message.type === 'LOG' && ['WARN', 'ERROR', 'FATAL'].includes(message.log?.level ?? '')) problems.push(line);
  }
  return problems;
}

/**
 * What went wrong in one block's run: the failures its Airbyte messages report, on stdout or in the
 * `.jsonl` files it wrote (modified since `startedMs`). A block marked `(warns: TEXT)` is known to log
 * a WARN containing TEXT: that one is expected, and its absence is reported (so the note goes when
 * the cause goes).
 */
export function blockProblems(reason: string | undefined, stdout: string, workspace: Workspace, startedMs: number): string[] {
  const problems = airbyteProblems(stdout);
  for (const created of createdFiles(workspace)) {
    const path = join(workspace.dir, created);
    if (created.endsWith('.jsonl') && statSync(path).mtimeMs >= startedMs) {
      problems.push(...airbyteProblems(readFileSync(path, 'utf8')).map((line) => `${created}: ${line}`));
    }
  }
  const known = reason?.startsWith('warns: ') ? reason.slice('warns: '.length) : undefined;
  if (known === undefined) return problems;
  const expected = problems.filter((line) => line.includes('"level":"WARN"') && line.includes(known));
  const others = problems.filter((line) => !expected.includes(line));
  return expected.length > 0 ? others : [...others, `the known warning "${known}" no longer appears: remove it from the marker`];
}
