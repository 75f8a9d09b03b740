/**
 * What a new user hits first, through the built CLI against the sandbox: one cause, one error. A key
 * Hyros rejects ends a read of every stream with exactly one TRACE ERROR (config_error, naming the key
 * and what to do) and one line on stderr; a bare 401 on every stream's first request is the key too;
 * a base_url without the API path is named as such by check and read; an error of one stream names
 * that stream's own endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, runCli, statusesOf, type CliResult } from '../../test/helpers/cli.js';
import { catalogFor, TempFiles } from '../../test/helpers/files.js';
import { ALL_STREAMS } from './acceptance/support.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

const WRONG_KEY = 'wrong-key-7f3e9a1c';
const KEY_MESSAGE = 'Hyros rejected the API key (HTTP 401: Api key not valid). Check the API key under Settings → API in Hyros.';
const READ_PATHS = ['/leads', '/sales', '/calls', '/subscriptions', '/carts', '/leads/clicks', '/sources', '/ads', '/ad-accounts', '/products', '/stages', '/tags/count'];

let files: TempFiles;
beforeAll(() => {
  files = new TempFiles();
});
afterAll(() => files.cleanup());

function configFile(sandbox: Sandbox, overrides: Record<string, unknown> = {}): string {
  return files.write(`config-${Math.random().toString(36).slice(2)}.json`, {
    api_key: 'sandbox-key',
    base_url: sandbox.baseUrl,
    start_date: '2026-01-01',
    end_date: '2026-03-01',
    ...overrides,
  });
}

async function read(sandbox: Sandbox, config: Record<string, unknown>, streams: readonly string[] = ALL_STREAMS): Promise<CliResult> {
  return runCli(['read', '--config', configFile(sandbox, config), '--catalog', files.write(`catalog-${Math.random().toString(36).slice(2)}.json`, catalogFor([...streams]))], {
    timeoutMs: 30_000,
  });
}

const errorsOf = (result: CliResult) => ofType(result.messages, 'TRACE', 'ERROR').map((m) => m.trace.error as Record<string, any>);
const logs = (result: CliResult, level: string) => ofType(result.messages, 'LOG').filter((m) => m.log.level === level).map((m) => m.log.message as string);

describe('a key Hyros rejects', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false });
  });
  afterAll(() => sandbox.close());

  it('read of every stream: exactly one TRACE ERROR, every stream INCOMPLETE without an error of its own, one line on stderr', async () => {
    const result = await read(sandbox, { api_key: WRONG_KEY });
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([{ message: KEY_MESSAGE, failure_type: 'config_error', internal_message: expect.stringMatching(/^GET \/[a-z/-]+ → HTTP 401$/) }]);
    for (const stream of ALL_STREAMS) expect(statusesOf(result.messages, stream), stream).toEqual(['STARTED', 'INCOMPLETE']);
    expect(ofType(result.messages, 'STATE')).toEqual([]);
    // Nothing claims that other streams completed; each stream's summary says it stopped.
    expect(logs(result, 'ERROR')).toEqual([]);
    expect(logs(result, 'INFO').filter((m) => / — \d+ records/.test(m)).map((m) => m.split(':')[0]).sort()).toEqual([...ALL_STREAMS].sort());
    expect(logs(result, 'INFO').filter((m) => / — \d+ records/.test(m)).every((m) => m.includes(': stopped — 0 records'))).toBe(true);
    // With stdout redirected, this is what the terminal shows.
    expect(result.stderr).toBe(`source-hyros: ${KEY_MESSAGE}\n`);
    expect(result.stdout + result.stderr).not.toContain(WRONG_KEY);
  });

  it('check says the same (FAILED, exit 0, nothing on stderr)', async () => {
    const result = await runCli(['check', '--config', configFile(sandbox, { api_key: WRONG_KEY })]);
    expect(result.code).toBe(0);
    expect(ofType(result.messages, 'CONNECTION_STATUS').map((m) => m.connectionStatus)).toEqual([{ status: 'FAILED', message: KEY_MESSAGE }]);
    expect(result.stderr).toBe('');
  });
});

describe('a bare 401 (Hyros before v1.40 answered a missing role so)', () => {
  it('on the first request of every stream: the key, one error naming the endpoints', async () => {
    const sandbox = await startSandbox({ rateLimit: false, bareUnauthorizedForMissingRole: true, missingRoles: READ_PATHS });
    try {
      const streams = ['leads', 'sales', 'calls', 'tags'];
      const result = await read(sandbox, {}, streams);
      expect(result.code).toBe(1);
      const message =
        'Hyros answered HTTP 401 (Unauthorized) to the first request of every stream (GET /calls, GET /leads, GET /sales, GET /tags/count): the API key is not valid, or has none of the roles these streams need. Check the API key and its roles under Settings → API in Hyros.';
      expect(errorsOf(result)).toEqual([{ message, failure_type: 'config_error', internal_message: 'GET /calls, GET /leads, GET /sales, GET /tags/count → HTTP 401' }]);
      for (const stream of streams) expect(statusesOf(result.messages, stream), stream).toEqual(['STARTED', 'INCOMPLETE']);
      expect(result.stderr).toBe(`source-hyros: ${message}\n`);
    } finally {
      await sandbox.close();
    }
  });

  it('on some streams only: a role; each of them fails with its own endpoint, the others complete', async () => {
    const sandbox = await startSandbox({ rateLimit: false, bareUnauthorizedForMissingRole: true, missingRoles: ['/calls', '/tags/count'] });
    try {
      const result = await read(sandbox, {}, ['leads', 'calls', 'stages', 'tags']);
      expect(result.code).toBe(1);
      const hint = 'the API key is missing or invalid, or lacks the role this endpoint needs. Check the key and its roles under Settings → API in Hyros.';
      expect(errorsOf(result).map((e) => [e.stream_descriptor.name, e.message, e.failure_type, e.stack_trace]).sort()).toEqual([
        ['calls', `Stream calls failed: Hyros answered HTTP 401: Unauthorized for GET /calls: ${hint}`, 'config_error', undefined],
        ['tags', `Stream tags failed: Hyros answered HTTP 401: Unauthorized for GET /tags/count: ${hint}`, 'config_error', undefined],
      ]);
      expect(statusesOf(result.messages, 'leads')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(statusesOf(result.messages, 'stages')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(logs(result, 'ERROR')).toEqual([
        'Sync finished with failed streams: calls, tags. The other 2 stream(s) completed; the next sync resumes from the last saved state.',
      ]);
      expect(result.stderr).toMatch(/^source-hyros: 2 errors \(each in a TRACE ERROR message on stdout\); the first: Stream (calls|tags) failed: Hyros answered HTTP 401: Unauthorized for GET \/(calls|tags\/count): /);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await sandbox.close();
    }
  });
});

describe('an error of one stream names that stream\'s endpoint', () => {
  it('403 missing roles on /calls and /tags/count', async () => {
    const sandbox = await startSandbox({ rateLimit: false, missingRoles: ['/calls', '/tags/count'] });
    try {
      const result = await read(sandbox, {}, ['calls', 'tags', 'stages']);
      expect(errorsOf(result).map((e) => [e.stream_descriptor.name, e.message]).sort()).toEqual([
        ['calls', 'Stream calls failed: The API key lacks the Hyros role GET_CALLS needed for GET /calls (HTTP 403). Add the role to the API key under Settings → API in Hyros, or deselect the stream.'],
        ['tags', 'Stream tags failed: The API key lacks the Hyros role GET_TAGS_COUNT needed for GET /tags/count (HTTP 403). Add the role to the API key under Settings → API in Hyros, or deselect the stream.'],
      ]);
      expect(statusesOf(result.messages, 'stages')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    } finally {
      await sandbox.close();
    }
  });
});

describe('base_url without the API path', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false, missingEndpoints: ['/carts'] });
  });
  afterAll(() => sandbox.close());

  // What the sandbox prints on stderr when it starts: the origin, without /v1/api/v1.0.
  const expected = (baseUrl: string, origin: string) =>
    `base_url ${baseUrl} does not lead to the Hyros API: GET /user-info answered HTTP 404: Not found. Set base_url to the API root, which ends in the path /v1/api/v1.0 (default https://api.hyros.com/v1/api/v1.0). Did you mean ${origin}/v1/api/v1.0?`;

  it.each([
    ['no path', (origin: string) => origin],
    ['a wrong path', (origin: string) => `${origin}/v1/api`],
  ])('%s: check FAILED naming base_url and /v1/api/v1.0; read stops with the same text, once', async (_name, baseUrlOf) => {
    const origin = sandbox.url.replace(/\/$/, '');
    const baseUrl = baseUrlOf(origin);
    const message = expected(baseUrl, origin);
    const check = await runCli(['check', '--config', configFile(sandbox, { base_url: baseUrl })]);
    expect(check.code).toBe(0);
    expect(ofType(check.messages, 'CONNECTION_STATUS').map((m) => m.connectionStatus)).toEqual([{ status: 'FAILED', message }]);

    const result = await read(sandbox, { base_url: baseUrl });
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([{ message, failure_type: 'config_error', internal_message: 'GET /user-info → HTTP 404' }]);
    for (const stream of ALL_STREAMS) expect(statusesOf(result.messages, stream), stream).toEqual(['STARTED', 'INCOMPLETE']);
    expect(result.stderr).toBe(`source-hyros: ${message}\n`);
  });

  it('an endpoint the API version lacks is still named as such, with base_url right', async () => {
    const result = await read(sandbox, {}, ['carts', 'stages']);
    expect(result.code).toBe(1);
    expect(errorsOf(result).map((e) => [e.stream_descriptor?.name, e.message])).toEqual([
      [
        'carts',
        "Stream carts failed: Hyros answered 404: Not found for GET /carts: this endpoint does not exist on this account's Hyros API version. The carts endpoint needs Hyros API v1.39; deselect the carts stream if this account does not offer it.",
      ],
    ]);
    expect(statusesOf(result.messages, 'stages')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
  });
});
