import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL, resolveConfig } from '../../src/source/config.js';
import { apiKeySchema } from '../../src/common/config.js';
import { ConnectorError } from '../../src/common/errors.js';

const valid = { api_key: 'k', start_date: '2026-01-01' };

function errorOf(raw: unknown): ConnectorError {
  try {
    resolveConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    return error as ConnectorError;
  }
  throw new Error('config was accepted');
}

describe('config validation', () => {
  it('fills the documented defaults and derives the dates', () => {
    const config = resolveConfig({ ...valid, end_date: '2026-02-01T12:00:00+02:00', unknown_extra: 1 });
    expect(config).toMatchObject({
      lookback_window_days: 3,
      page_size: 250,
      requests_per_second: 30,
      requests_per_minute: 1000,
      base_url: DEFAULT_BASE_URL,
      max_concurrency: 15,
      unknown_extra: 1,
    });
    expect(config.startMs).toBe(Date.UTC(2026, 0, 1));
    expect(config.endMs).toBe(Date.UTC(2026, 1, 1, 10));
    expect(config.baseUrl.href).toBe(`${DEFAULT_BASE_URL}/`);
  });

  it.each([
    [{ start_date: '2026-01-01' }, 'api_key: is required'],
    [{ api_key: 'k' }, 'start_date: is required'],
    [{ ...valid, start_date: '01/02/2026' }, 'start_date: expected YYYY-MM-DD or an ISO-8601 date-time'],
    [{ ...valid, start_date: '2026-02-30' }, 'start_date: "2026-02-30" is not a real calendar date/time: day 30 does not exist in February 2026, which has 28 days; expected YYYY-MM-DD'],
    [{ ...valid, end_date: '2026-13-01' }, 'end_date: "2026-13-01" is not a real calendar date/time: month 13 is not 01–12; expected YYYY-MM-DD'],
    [
      { ...valid, start_date: '2020-08-19T03:05:48+99:00' },
      'Invalid config: start_date: "2020-08-19T03:05:48+99:00" is not a real calendar date/time: offset +99:00 is outside -18:00…+18:00; expected YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z.',
    ],
    [{ ...valid, start_date: '2026-01-01T00:00:00+18:30' }, 'start_date: "2026-01-01T00:00:00+18:30" is not a real calendar date/time: offset +18:30 is outside -18:00…+18:00;'],
    [{ ...valid, start_date: '2026-01-01T10:00:00' }, 'start_date: expected YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z.'],
    [{ ...valid, end_date: '2025-12-31' }, 'end_date: 2025-12-31 is before start_date 2026-01-01'],
    [{ ...valid, requests_per_second: 0 }, 'requests_per_second: expected an integer from 1 to 1000'],
    [{ ...valid, page_size: 251 }, 'page_size: expected an integer from 1 to 250'],
    [{ ...valid, lookback_window_days: 1.5 }, 'lookback_window_days: expected a whole number'],
    [{ ...valid, base_url: 'ftp://example.com' }, 'base_url: expected an http(s) URL'],
    [{ ...valid, base_url: 'not a url' }, 'base_url: expected an http(s) URL'],
    [{ ...valid, base_url: 'http://api.hyros.com/v1/api/v1.0' }, 'base_url: plain http:// is only allowed for a loopback host'],
    [{ ...valid, api_key: 42 }, 'api_key: expected a string'],
    [{ ...valid, account_ids: ['a'], all_accessible_accounts: true }, 'set either account_ids or all_accessible_accounts'],
    [
      { ...valid, attribution_reports: [{ name: 'r', level: 'facebook_adset', fields: ['revenue', 'bogus_metric'] }] },
      'attribution_reports[0].fields[1]: unknown metric "bogus_metric"',
    ],
    [{ ...valid, attribution_reports: [{ name: 'r', level: 'myspace_ad', fields: ['revenue'] }] }, 'attribution_reports[0].level: expected one of'],
  ])('rejects %j naming the field', (raw, expected) => {
    expect(errorOf(raw).message).toContain(expected);
  });

  it('rejects a config that is not an object', () => {
    expect(errorOf([1, 2]).message).toBe('The config must be a JSON object with at least api_key and start_date.');
    expect(errorOf('x').message).toBe('The config must be a JSON object with at least api_key and start_date.');
  });

  it('accepts plain http only for loopback hosts', () => {
    expect(resolveConfig({ ...valid, base_url: 'http://127.0.0.1:8080/v1/api/v1.0' }).baseUrl.host).toBe('127.0.0.1:8080');
    expect(resolveConfig({ ...valid, base_url: 'http://localhost:9/x' }).baseUrl.hostname).toBe('localhost');
  });
});

describe('api_key: only keys that can travel in an HTTP header', () => {
  it.each([
    ['a curly quote (outside Latin-1)', 'abc\u2019def', 'api_key: contains a character outside Latin-1 (U+2019 at position 4) that cannot be sent in an HTTP header'],
    ['a zero-width space copied from a web page', '\u200babcdef', 'api_key: contains a character outside Latin-1 (U+200B at position 1)'],
    ['an emoji', 'abc\u{1F511}', 'api_key: contains a character outside Latin-1 (U+1F511 at position 4)'],
    ['a line break inside', 'abc\ndef', 'api_key: contains a control character (U+000A at position 4)'],
    ['a tab inside', 'abc\tdef', 'api_key: contains a control character (U+0009 at position 4)'],
    ['a C1 control character', 'abc\u0085', 'api_key: contains a control character (U+0085 at position 4)'],
    ['DEL', 'abc\u007f', 'api_key: contains a control character (U+007F at position 4)'],
    ['only whitespace', ' \t\n ', 'api_key: must not be empty'],
    ['the empty string', '', 'api_key: must not be empty'],
  ])('rejects %s as a config_error naming api_key, without echoing the key', (_name, key, expected) => {
    const message = errorOf({ ...valid, api_key: key }).message;
    expect(message).toContain(expected);
    if (key.trim() !== '') expect(message).toContain('copy the key again from Hyros');
    if (key.trim() !== '') expect(message).not.toContain(key.trim());
  });

  it('trims surrounding whitespace (HTTP strips it from header values, so no Hyros key has any)', () => {
    expect(resolveConfig({ ...valid, api_key: ' \u00a0 API_abc123 \r\n' }).api_key).toBe('API_abc123');
    expect(resolveConfig({ ...valid, api_key: '\ufeffAPI_abc123' }).api_key).toBe('API_abc123');
  });

  it('accepts inner spaces and Latin-1 letters, which a header carries byte for byte', () => {
    expect(resolveConfig({ ...valid, api_key: 'abc déf' }).api_key).toBe('abc déf');
  });

  it('is one exported zod piece other configs reuse', () => {
    expect(apiKeySchema.parse('  key-1 ')).toBe('key-1');
    const result = apiKeySchema.safeParse('key\u2028x');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^contains a character outside Latin-1 \(U\+2028 at position 4\)/);
  });
});
