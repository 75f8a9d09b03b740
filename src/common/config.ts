/**
 * Configuration pieces both connectors share: the API key, the base URL and its loopback-only http
 * rule, the pacing and retry fields, the way a zod issue becomes a message naming the field, and
 * the reading of JSON input files. The source's and the destination's schemas are built from these.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { configError, ConnectorError } from './errors.js';

/** The path of Hyros' API root, which base_url ends in. */
export const API_PATH = '/v1/api/v1.0';
export const DEFAULT_BASE_URL = `https://api.hyros.com${API_PATH}`;

/** An integer field with one message that states its whole range. */
export const int = (min: number, max: number, what: string) =>
  z
    .number({ invalid_type_error: `expected ${what}` })
    .int(`expected a whole number (${what})`)
    .min(min, `expected ${what}`)
    .max(max, `expected ${what}`);

/**
 * Why an API key (already trimmed) cannot be sent as an HTTP header value, or undefined when it can.
 * A header carries Latin-1 bytes only, and control characters (C0, DEL, C1) are refused or mangled
 * by HTTP stacks: such a key would fail every request as a "network" error, so it is a config error.
 */
export function apiKeyProblem(key: string): string | undefined {
  if (key === '') return 'must not be empty';
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    if (control || code > 0xff) {
      // Name the character, never the key: the message goes to logs.
      const what = control ? 'a control character' : 'a character outside Latin-1';
      const codePoint = `U+${(key.codePointAt(i) as number).toString(16).toUpperCase().padStart(4, '0')}`;
      return `contains ${what} (${codePoint} at position ${i + 1}) that cannot be sent in an HTTP header; copy the key again from Hyros → Settings → API (as plain text, without quotes or invisible characters)`;
    }
  }
  return undefined;
}

/**
 * The `api_key` field of every connector config that sends the key as Hyros' `API-Key` header.
 * Surrounding whitespace is trimmed: HTTP strips it from header values (RFC 9110 §5.5), so no key
 * Hyros ever accepted has any; what remains must be sendable (see apiKeyProblem).
 */
export const apiKeySchema = z
  .string({ required_error: 'is required', invalid_type_error: 'expected a string' })
  .min(1, 'must not be empty')
  .transform((value, ctx) => {
    const key = value.trim();
    const problem = apiKeyProblem(key);
    if (problem !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      return z.NEVER;
    }
    return key;
  });

/** The fields every Hyros connection has, with the same defaults in both connectors. */
export const connectionFields = {
  api_key: apiKeySchema,
  requests_per_second: int(1, 1000, 'an integer from 1 to 1000').default(30),
  requests_per_minute: int(1, 60000, 'an integer from 1 to 60000').default(1000),
  base_url: z.string({ invalid_type_error: 'expected an http(s) URL' }).default(DEFAULT_BASE_URL),
  request_timeout_seconds: int(1, 600, 'an integer from 1 to 600').default(60),
  max_retries: int(0, 20, 'an integer from 0 to 20').default(6),
  max_rate_limit_wait_seconds: int(0, 86400, 'an integer from 0 to 86400').default(900),
};

/** What the HTTP layer needs from either connector's config. */
export interface ConnectionSettings {
  api_key: string;
  baseUrl: URL;
  requests_per_second: number;
  requests_per_minute: number;
  request_timeout_seconds: number;
  max_retries: number;
  max_rate_limit_wait_seconds: number;
  max_concurrency: number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** `base_url` as a URL ending in `/`; http only for loopback hosts so the key never travels in clear. */
export function parseBaseUrl(value: string): URL {
  let baseUrl: URL;
  try {
    baseUrl = new URL(value);
  } catch {
    throw configError(`Invalid config: base_url: expected an http(s) URL such as ${DEFAULT_BASE_URL}, got ${JSON.stringify(value)}.`);
  }
  if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
    throw configError(`Invalid config: base_url: expected an http(s) URL such as ${DEFAULT_BASE_URL}, got ${JSON.stringify(value)}.`);
  }
  if (baseUrl.protocol === 'http:' && !isLoopbackHost(baseUrl.hostname)) {
    throw configError(`Invalid config: base_url: plain http:// is only allowed for a loopback host; use https://${baseUrl.host}${baseUrl.pathname} so the API key is not sent in clear text.`);
  }
  if (!baseUrl.pathname.endsWith('/')) baseUrl.pathname += '/';
  return baseUrl;
}

/** One zod issue as `path: message`, the path written the way a user writes it (`streams[0].object`). */
export function formatIssue(issue: z.ZodIssue): string {
  const path = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `${path}: is required`;
  return `${path || 'config'}: ${issue.message}`;
}

/** Validates `raw` against `schema`; a config_error naming every bad field otherwise. */
export function parseConfigObject<T extends z.ZodTypeAny>(schema: T, raw: unknown, required: string): z.output<T> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError(`The config must be a JSON object with at least ${required}.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw configError(`Invalid config: ${parsed.error.issues.map(formatIssue).join('; ')}.`);
  }
  return parsed.data as z.output<T>;
}

/** Reads a JSON input file; every failure is a config_error naming the file and what to do. */
export async function readJsonFile(path: string, what: string, options: { allowEmpty?: boolean } = {}): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw configError(`The ${what} file ${path} ${reason}; pass the path of a JSON file with --${what}.`);
  }
  if (text.trim() === '') {
    if (options.allowEmpty) return undefined;
    throw configError(`The ${what} file ${path} is empty; it must contain a JSON object.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConnectorError(`The ${what} file ${path} is not valid JSON (${(error as Error).message}).`, 'config_error');
  }
}
