/**
 * `--state-out FILE`: the file to pass as the next run's `--state`, kept up to date during the run.
 *
 * It holds the last state of every stream, as Airbyte stores a connection's state: an array of
 * STREAM state messages (without sourceStats/destinationStats), or, for a source that sends them,
 * its last GLOBAL state (a one-element array) or its last legacy state object. A state enters the
 * file only once the chunk carrying it reached stdout (MessageWriter.watchStates), so the file is
 * never ahead of the records emitted before it; the file is replaced atomically (a temporary file
 * renamed over it) at most once a second and at the end, so a crash leaves the last complete one.
 * States of streams this run does not touch are kept from `seed` (the run's incoming state).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { configError } from '../common/errors.js';
import { writableFileProblem } from '../common/writable.js';
import type { JsonObject } from './messages.js';

const WRITE_EVERY_MS = 1000;

type Entry = { type: 'STREAM'; stream: JsonObject };

export class StateFile {
  private readonly streams = new Map<string, Entry>();
  private global: JsonObject | undefined;
  private legacy: JsonObject | undefined;
  private dirty = false;
  private lastWriteMs = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly path: string) {}

  /**
   * Checks that `path` can be written (a config_error otherwise) before any work starts. `seed`: the
   * states to start from; `'file'`: those already in `path`, if it exists (a destination, which is
   * given no state, keeps the states of the streams its input does not carry).
   */
  static async open(path: string, seed: ReadonlyArray<JsonObject> | 'file'): Promise<StateFile> {
    const problem = await writableFileProblem(path);
    if (problem !== undefined) throw configError(`--state-out ${path} ${problem}: give a file in an existing folder this user may write.`);
    const file = new StateFile(path);
    for (const state of seed === 'file' ? await statesIn(path) : seed) file.take(state);
    return file;
  }

  /** A state that reached stdout (the `state` of a STATE message). */
  add(state: JsonObject): void {
    this.take(state);
    this.dirty = true;
    if (this.timer !== undefined) return;
    const waitMs = Math.max(0, this.lastWriteMs + WRITE_EVERY_MS - Date.now());
    this.timer = setTimeout(() => this.write(), waitMs);
    this.timer.unref();
  }

  /** Writes what is pending (once the caller has waited for the last states to reach stdout). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.write();
  }

  /** What the file holds: what `--state` reads. */
  content(): unknown {
    if (this.streams.size > 0) return [...this.streams.values()];
    if (this.global !== undefined) return [{ type: 'GLOBAL', global: this.global }];
    return this.legacy ?? [];
  }

  private take(state: JsonObject): void {
    const stream = state.stream as { stream_descriptor?: { name?: unknown; namespace?: unknown } } | undefined;
    if (state.type === 'STREAM' && typeof stream?.stream_descriptor?.name === 'string') {
      const { name, namespace } = stream.stream_descriptor;
      this.streams.set(typeof namespace === 'string' && namespace !== '' ? `${namespace}\u0000${name}` : name, { type: 'STREAM', stream: stream as JsonObject });
    } else if (state.type === 'GLOBAL' && typeof state.global === 'object' && state.global !== null) {
      this.global = state.global as JsonObject;
    } else if (typeof state.data === 'object' && state.data !== null) {
      this.legacy = state.data as JsonObject;
    }
  }

  private write(): void {
    this.timer = undefined;
    this.dirty = false;
    this.lastWriteMs = Date.now();
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(this.content())}\n`);
      renameSync(temporary, this.path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw configError(`--state-out ${this.path} could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
  }
}

/** The states a state file holds (none when it does not exist or is empty). */
async function statesIn(path: string): Promise<JsonObject[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  if (text.trim() === '') return [];
  const bad = (why: string) => configError(`--state-out ${path} already exists and is not a state file (${why}); remove it, or name another file.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad((error as Error).message);
  }
  if (Array.isArray(parsed)) {
    return parsed.map((entry: unknown, i) => {
      if (typeof entry !== 'object' || entry === null) throw bad(`[${i}] is not a state message`);
      const message = entry as JsonObject;
      return (message.type === 'STATE' ? message.state : message) as JsonObject;
    });
  }
  if (typeof parsed === 'object' && parsed !== null) return [{ data: parsed }];
  throw bad('expected a JSON array or object');
}
