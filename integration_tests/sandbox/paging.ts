/**
 * Opaque page cursors, as Hyros hands them out: a 64-hex `nextPageId` the server remembers, bound to the
 * exact other query parameters (and path/account) plus the offset. Reusing a cursor with the same
 * parameters is allowed (clients retry a page after a network error); with different parameters, or
 * an unknown cursor → 400 Invalid pageId.
 */
import { createHash, randomBytes } from 'node:crypto';

const MAX_TOKENS = 200_000;

export class PageStore {
  private readonly secret = randomBytes(16).toString('hex');
  private readonly tokens = new Map<string, { scope: string; offset: number }>();

  /** Same (scope, offset) → same token, so repeated reads do not grow the map. */
  issue(scope: string, offset: number): string {
    const token = createHash('sha256').update(`${this.secret}|${scope}|${offset}`).digest('hex');
    if (!this.tokens.has(token)) {
      if (this.tokens.size >= MAX_TOKENS) {
        const oldest = this.tokens.keys().next().value;
        if (oldest !== undefined) this.tokens.delete(oldest);
      }
      this.tokens.set(token, { scope, offset });
    }
    return token;
  }

  /** offset for the token, or null when unknown / bound to other parameters */
  resolve(token: string, scope: string): number | null {
    const entry = this.tokens.get(token);
    if (!entry || entry.scope !== scope) return null;
    return entry.offset;
  }

  /** forget every cursor (used by the `expired-page` semantics tests) */
  clear(): void {
    this.tokens.clear();
  }
}

/** Canonical form of every query parameter except pageId: sorted by name, values kept in order. */
export function canonicalParams(params: URLSearchParams): string {
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of params) if (k !== 'pageId') pairs.push([k, v]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
