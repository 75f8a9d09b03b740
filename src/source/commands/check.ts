/**
 * `check`: a cheap authenticated call (GET /user-info), then a one-record probe of every stream's
 * endpoint so a key missing a role fails here rather than on the first sync, and (agency) a probe
 * of each client account. Any problem is a CONNECTION_STATUS FAILED saying what to fix (exit 0);
 * the whole check is bounded in time.
 */
import { loadConfig, type ResolvedConfig } from '../config.js';
import type { HyrosClient } from '../../hyros/client.js';
import { failureOf } from '../../hyros/errors.js';
import { PERMISSION_KINDS } from '../../hyros/failure.js';
import { explainCheckFailure, openCheck } from '../../hyros/check.js';
import type { Logger } from '../../protocol/logger.js';
import { connectionStatusMessage } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import { STREAMS } from '../streams/definitions.js';

export async function runCheck(configPath: string, writer: MessageWriter, logger: Logger): Promise<number> {
  const session = await openCheck(() => loadConfig(configPath), writer);
  if (!session) return 0;
  const { config, handle, deadline } = session;
  try {
    const problem = await findProblem(config, handle.client, deadline, logger);
    writer.send(problem === undefined ? connectionStatusMessage('SUCCEEDED') : connectionStatusMessage('FAILED', problem));
    return 0;
  } finally {
    await handle.close();
  }
}

async function findProblem(config: ResolvedConfig, client: HyrosClient, signal: AbortSignal, logger: Logger): Promise<string | undefined> {
  const explain = (error: unknown): string => explainCheckFailure(error, config.baseUrl.host, signal);

  try {
    await client.getJson('user-info', [], { signal });
  } catch (error) {
    return explain(error);
  }

  // Client accounts (agency): each must be a connected, approved account of this key.
  for (const accountId of config.account_ids ?? []) {
    try {
      await client.getJson('user-info', [], { signal, accountId });
    } catch (error) {
      return `Client account ${accountId}: ${explain(error)}`;
    }
  }

  const forbidden: string[] = [];
  const missing: string[] = [];
  // A child stream's endpoint (lead_clicks) needs a parent id to answer at all: not probed here.
  const probes = STREAMS.filter((definition) => definition.partitioning.kind !== 'parent-records').map(async (definition) => {
    try {
      await client.getJson(definition.path, [['pageSize', '1']], { signal });
    } catch (error) {
      const failure = failureOf(error);
      if (failure && PERMISSION_KINDS.has(failure.kind)) {
        const role = failure.kind === 'missing_role' ? failure.role : definition.role;
        forbidden.push(`${definition.name} needs the role "${role}" (HTTP ${failure.status})`);
      } else if (failure?.kind === 'no_endpoint' || failure?.kind === 'not_found') {
        missing.push(definition.name);
      } else throw error;
    }
  });
  try {
    await Promise.all(probes);
  } catch (error) {
    return explain(error);
  }
  if (missing.length > 0) {
    logger.warn(`These streams are not offered by this account's Hyros API version (HTTP 404) and will fail if selected: ${missing.sort().join(', ')}.`);
  }
  if (forbidden.length > 0) {
    return `The API key is missing roles for ${forbidden.length} stream(s): ${forbidden.sort().join('; ')}. Add the roles to the key under Settings → API in Hyros.`;
  }
  return undefined;
}
