/**
 * What every report of a run shares per account: the day clock (user-info timezone), the ids of a
 * level's platform, and the id locks. Each is fetched once per account per run.
 */
import { DayClock, readTimezone, TimeProblem } from '../../../common/time/index.js';
import type { RequestContext } from '../../../hyros/request.js';
import { paginate } from '../../../hyros/paginate.js';
import { fetchUserInfo } from '../accounts.js';
import type { PlanContext } from '../plan.js';
import type { IdSource } from '../../streams/attribution.js';
import { idsOnPlatform } from './ids.js';
import { IdLocks } from './locks.js';

interface Shared {
  clocks: Map<string, Promise<DayClock>>;
  ids: Map<string, Promise<string[]>>;
  locks: IdLocks;
}

const sharedByRun = new WeakMap<PlanContext, Shared>();

export function shared(context: PlanContext): Shared {
  let value = sharedByRun.get(context);
  if (!value) {
    value = { clocks: new Map(), ids: new Map(), locks: new IdLocks() };
    sharedByRun.set(context, value);
  }
  return value;
}

export const accountKey = (accountId: string | undefined): string => accountId ?? '';
export const accountLabel = (accountId: string | undefined): string => (accountId === undefined ? 'the account' : `account ${accountId}`);

/** The account's day clock (user-info timezone), fetched once per account per run. */
export function accountClock(context: PlanContext, accountId: string | undefined): Promise<DayClock> {
  const cache = shared(context).clocks;
  const key = accountKey(accountId);
  let clock = cache.get(key);
  if (!clock) {
    const requestContext: RequestContext = accountId === undefined ? {} : { accountId };
    clock = fetchUserInfo(context.client, requestContext).then(({ timezone }) => {
      const zone = readTimezone(timezone);
      if (!(zone instanceof TimeProblem)) return new DayClock(zone);
      const given =
        timezone === undefined
          ? 'no timezone'
          : zone.component === 'offset'
            ? `the timezone ${JSON.stringify(timezone)}, whose ${zone.reason}`
            : `the timezone ${JSON.stringify(timezone)}, which is not an offset, UTC or a known IANA zone`;
      context.logger.warn(`Attribution reports: user-info of ${accountLabel(accountId)} gives ${given}; using UTC days for its reports.`);
      return DayClock.UTC;
    });
    cache.set(key, clock);
  }
  return clock;
}

/** The ids of a level's platform for one account, fetched once per account and kind per run. */
export function accountIds(context: PlanContext, accountId: string | undefined, source: IdSource): Promise<string[]> {
  const cache = shared(context).ids;
  const key = `${accountKey(accountId)}|${source.path}|${source.platform}`;
  let ids = cache.get(key);
  if (!ids) {
    ids = (async () => {
      const found = new Set<string>();
      const requestContext: RequestContext = accountId === undefined ? {} : { accountId };
      for await (const page of paginate(context.client, source.path, [], context.config.page_size, requestContext)) {
        for (const id of idsOnPlatform(page.records, source)) found.add(id);
      }
      return [...found];
    })();
    cache.set(key, ids);
  }
  return ids;
}
