/** paginate(): nextPageId → pageId with every other parameter byte-identical, and every way it stops. */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/common/errors.js';
import { paginate, type Page } from '../../src/hyros/paginate.js';
import { BASE_PATH, ORIGIN, RecordingObserver, expectNoKey, makeClient, rejectionOf, useStrictNock } from './support.js';

const LEADS = `${BASE_PATH}leads`;
const PARAMS = [
  ['fromDate', '2026-01-01T00:00:00Z'],
  ['toDate', '2026-02-01T00:00:00Z'],
  ['emails', '"a+b@x.io","c@x.io"'],
] as const;
const CURSOR_2 = '568fd865a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718d228360';
const CURSOR_3 = 'Zm9v+YmFy/cXV4==';

useStrictNock();

/**
 * Serves `pages` in order from one interceptor and records the raw path+query of every request,
 * exactly as it went over the wire.
 */
function serve(pages: unknown[], path = LEADS): string[] {
  const seen: string[] = [];
  nock(ORIGIN)
    .get((uri) => uri.startsWith(path + '?') || uri === path)
    .times(pages.length)
    .reply((uri) => {
      seen.push(uri);
      return [200, JSON.stringify(pages[seen.length - 1]), { 'Content-Type': 'application/json' }];
    });
  return seen;
}

async function collect(gen: AsyncGenerator<Page>): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const page of gen) pages.push(page);
  return pages;
}

const query = (uri: string) => uri.slice(uri.indexOf('?') + 1);

describe('paginate', () => {
  it('follows nextPageId to the end, sending it back unchanged and keeping every other parameter byte-identical', async () => {
    const seen = serve([
      { result: [{ id: 1 }, { id: 2 }], nextPageId: CURSOR_2 },
      { result: [{ id: 3 }], nextPageId: CURSOR_3 },
      { result: [{ id: 4 }] },
    ]);
    const pages = await collect(paginate(makeClient(), 'leads', PARAMS, 250));
    expect(pages).toEqual([
      { number: 1, records: [{ id: 1 }, { id: 2 }] },
      { number: 2, records: [{ id: 3 }] },
      { number: 3, records: [{ id: 4 }] },
    ]);
    expect(seen).toHaveLength(3);
    const first = query(seen[0] as string);
    expect(first).toBe(
      'fromDate=2026-01-01T00%3A00%3A00Z&toDate=2026-02-01T00%3A00%3A00Z&emails=%22a%2Bb%40x.io%22%2C%22c%40x.io%22&pageSize=250',
    );
    expect(new URLSearchParams(first).has('pageId')).toBe(false);
    for (const [i, cursor] of [CURSOR_2, CURSOR_3].entries()) {
      const q = query(seen[i + 1] as string);
      // Same bytes as page 1, with only `&pageId=<cursor>` appended.
      expect(q.startsWith(`${first}&pageId=`)).toBe(true);
      expect(new URLSearchParams(q).getAll('pageId')).toEqual([cursor]);
    }
  });

  it('stops when nextPageId is missing (single page)', async () => {
    const seen = serve([{ result: [{ id: 'only' }] }]);
    expect(await collect(paginate(makeClient(), 'leads', [], 50))).toEqual([{ number: 1, records: [{ id: 'only' }] }]);
    expect(seen).toEqual([`${LEADS}?pageSize=50`]);
  });

  it('stops when nextPageId is null', async () => {
    const seen = serve([
      { result: [{ id: 1 }], nextPageId: 'abc' },
      { result: [{ id: 2 }], nextPageId: null },
    ], `${BASE_PATH}ad-accounts`);
    const pages = await collect(paginate(makeClient(), 'ad-accounts', [], 250));
    expect(pages.map((p) => p.records)).toEqual([[{ id: 1 }], [{ id: 2 }]]);
    expect(seen).toHaveLength(2);
  });

  it('stops when nextPageId is an empty string', async () => {
    serve([{ result: [{ id: 1 }], nextPageId: '' }]);
    expect(await collect(paginate(makeClient(), 'leads', [], 250))).toHaveLength(1);
  });

  it('stops on an empty page even if it carries a nextPageId (and yields no empty page)', async () => {
    const seen = serve([
      { result: [{ id: 1 }], nextPageId: 'p2' },
      { result: [], nextPageId: 'p3' },
    ]);
    const pages = await collect(paginate(makeClient(), 'leads', [], 250));
    expect(pages).toEqual([{ number: 1, records: [{ id: 1 }] }]);
    expect(seen).toHaveLength(2);
  });

  it('an empty first page yields nothing', async () => {
    serve([{ result: [], nextPageId: 'p2' }]);
    expect(await collect(paginate(makeClient(), 'leads', [], 250))).toEqual([]);
  });

  it('a nextPageId repeated right away is an error, not an infinite loop', async () => {
    const seen = serve([
      { result: [{ id: 1 }], nextPageId: 'same' },
      { result: [{ id: 2 }], nextPageId: 'same' },
    ]);
    const got: Page[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const page of paginate(makeClient(), 'leads', [], 250)) got.push(page);
      })(),
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.failureType).toBe('system_error');
    expect(error.message).toContain('GET /leads returned the same nextPageId twice (page 2)');
    expect(got.map((p) => p.number)).toEqual([1, 2]);
    expect(seen).toHaveLength(2);
    expectNoKey(error);
  });

  it('a cycle A → B → A is an error too', async () => {
    const seen = serve([
      { result: [{ id: 1 }], nextPageId: 'A' },
      { result: [{ id: 2 }], nextPageId: 'B' },
      { result: [{ id: 3 }], nextPageId: 'A' },
    ]);
    const error = await rejectionOf(collect(paginate(makeClient(), 'leads', [], 250)));
    expect(error.message).toContain('same nextPageId twice (page 3)');
    expect(seen.map((u) => new URLSearchParams(query(u)).get('pageId'))).toEqual([null, 'A', 'B']);
  });

  it('a nextPageId that is not a string is a system error', async () => {
    serve([{ result: [{ id: 1 }], nextPageId: 42 }]);
    const error = await rejectionOf(collect(paginate(makeClient(), 'leads', [], 250)));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.failureType).toBe('system_error');
    expect(error.message).toContain('nextPageId that is not a string (42)');
  });

  it('a body without a result array is a system error naming the endpoint', async () => {
    serve([{ result: 'ERROR', message: ['weird'] }]);
    const error = await rejectionOf(collect(paginate(makeClient(), 'leads', [], 250)));
    expect(error.failureType).toBe('system_error');
    expect(error.message).toContain('GET /leads returned an unexpected body (no "result" array)');
  });

  it('passes the request context (account header, observer) to every page', async () => {
    const accounts: unknown[] = [];
    nock(ORIGIN)
      .get(LEADS)
      .query(true)
      .times(2)
      .reply(function (uri) {
        accounts.push(this.req.headers['accessible-account-id']);
        return [200, uri.includes('pageId=') ? { result: [2] } : { result: [1], nextPageId: 'n' }];
      });
    const observer = new RecordingObserver();
    const pages = await collect(paginate(makeClient(), 'leads', [], 250, { accountId: 'acc-1', observer }));
    expect(pages.map((p) => p.records)).toEqual([[1], [2]]);
    expect(accounts).toEqual(['acc-1', 'acc-1']);
    expect(observer.requests).toBe(2);
  });
});
