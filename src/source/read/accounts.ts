/** Agency mode: which accounts a run reads (undefined = the key's own account). */
import type { ResolvedConfig } from '../config.js';
import { configError } from '../../common/errors.js';
import type { HyrosClient } from '../../hyros/client.js';
import type { RequestContext } from '../../hyros/request.js';
import { isJsonObject } from '../json.js';

export interface UserInfo {
  timezone: string | undefined;
  accessibleAccountIds: string[];
}

export async function fetchUserInfo(client: HyrosClient, context: RequestContext = {}): Promise<UserInfo> {
  const body = await client.getJson('user-info', [], context);
  const result = isJsonObject(body) && isJsonObject(body.result) ? body.result : {};
  const profile = result.userProfile;
  const timezone = isJsonObject(profile) && typeof profile.timezone === 'string' ? profile.timezone : undefined;
  const accounts: unknown[] = Array.isArray(result.accessibleAccounts) ? result.accessibleAccounts : [];
  const accessibleAccountIds = accounts.flatMap((account) =>
    isJsonObject(account) && typeof account.accountId === 'string' && (account.status === undefined || account.status === 'APPROVED') ? [account.accountId] : [],
  );
  return { timezone, accessibleAccountIds };
}

export function isAgency(config: ResolvedConfig): boolean {
  return config.account_ids !== undefined || config.all_accessible_accounts;
}

export async function resolveAccounts(config: ResolvedConfig, client: HyrosClient): Promise<Array<string | undefined>> {
  if (config.account_ids !== undefined) return [...new Set(config.account_ids)];
  if (!config.all_accessible_accounts) return [undefined];
  const { accessibleAccountIds } = await fetchUserInfo(client);
  if (accessibleAccountIds.length === 0) {
    throw configError('all_accessible_accounts is set, but user-info lists no approved accessible client accounts for this API key. Connect client accounts in Hyros, or unset all_accessible_accounts.');
  }
  return accessibleAccountIds;
}
