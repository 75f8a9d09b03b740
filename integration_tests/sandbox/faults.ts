/**
 * Fault schedule: each fault counts the requests it matches and injects on every `every`-th one
 * after the first `after`, at most `times` times.
 */
import { WRITE_PATHS } from './writes.js';

export type FaultKind =
  | '500' | '502-html' | '503-retry-after' | 'reset-mid-body' | 'truncated'
  | 'hang' | '429-burst' | 'key-invalid' | 'expired-page'
  // the request is served (a write accepted and recorded) but the answer never arrives
  | 'accept-then-drop' | 'accept-then-hang';

export interface Fault {
  kind: FaultKind;
  /** endpoint path relative to the base, e.g. '/sales', '/orders' (POST and DELETE), '/requests'; default: any data path */
  path?: string;
  /** only requests with this method (default: any) */
  method?: 'GET' | 'POST' | 'DELETE';
  /** inject on every Nth matching request (default 1 = every one) */
  every?: number;
  /** start after N matching requests (default 0) */
  after?: number;
  /** at most this many injections (default unlimited) */
  times?: number;
}

export const FAULT_KINDS: readonly FaultKind[] = [
  '500', '502-html', '503-retry-after', 'reset-mid-body', 'truncated', 'hang', '429-burst', 'key-invalid', 'expired-page',
  'accept-then-drop', 'accept-then-hang',
];

/** paths that carry account data (user-info is not one of them) */
export const DATA_PATHS = new Set([
  '/leads', '/sales', '/calls', '/subscriptions', '/carts', '/sources', '/ads', '/ad-accounts',
  '/products', '/stages', '/tags/count', '/attribution', ...WRITE_PATHS,
]);

const BASE = '/v1/api/v1.0';

function normalize(path: string): string {
  const p = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  return p.startsWith('/') ? p : `/${p}`;
}

interface Slot { fault: Fault; path: string | undefined; matched: number; injected: number }

export class FaultPlan {
  private slots: Slot[] = [];

  constructor(faults: Fault[] = []) {
    this.set(faults);
  }

  set(faults: Fault[]): void {
    for (const f of faults) {
      if (!FAULT_KINDS.includes(f.kind)) throw new Error(`unknown fault kind: ${String(f.kind)}`);
    }
    this.slots = faults.map((fault) => ({ fault, path: fault.path ? normalize(fault.path) : undefined, matched: 0, injected: 0 }));
  }

  /** Decide the fault for one request (sub-path relative to the base; a write's route path). */
  pick(path: string, hasPageId: boolean, method = 'GET'): FaultKind | null {
    let chosen: FaultKind | null = null;
    for (const s of this.slots) {
      const f = s.fault;
      const pathOk = s.path === undefined ? DATA_PATHS.has(path) : s.path === path;
      if (!pathOk || (f.method !== undefined && f.method !== method)) continue;
      if (f.kind === 'expired-page' && !hasPageId) continue;
      s.matched++;
      if (chosen !== null) continue;
      const after = f.after ?? 0;
      const every = Math.max(1, f.every ?? 1);
      if (s.matched <= after || (s.matched - after) % every !== 0) continue;
      if (f.times !== undefined && s.injected >= f.times) continue;
      s.injected++;
      chosen = f.kind;
    }
    return chosen;
  }
}
