/**
 * `check`: the config, then a role probe per object. An empty JSON body
 * POSTed to a create endpoint answers 400 when the key has the role (Hyros validates it and creates
 * nothing) and 403 `Missing role …` (older APIs: a bare 401) when not. A refund cannot be probed
 * without refunding, so its role is reported on first use. With `streams` set every configured
 * object must be writable; without it, the key must be able to write at least one object. A
 * rejected_records_path that cannot be written fails first, without creating the file.
 */
import type { HyrosClient } from '../hyros/client.js';
import { errorMessage } from '../common/errors.js';
import { failureOf } from '../hyros/errors.js';
import { PERMISSION_KINDS } from '../hyros/failure.js';
import type { RequestContext } from '../hyros/request.js';
import { explainCheckFailure, openCheck } from '../hyros/check.js';
import { connectionStatusMessage } from '../protocol/messages.js';
import type { MessageWriter } from '../protocol/writer.js';
import { loadDestinationConfig, type ResolvedDestinationConfig } from './config.js';
import { OBJECT_NAMES, OBJECTS, type ObjectDef } from './objects.js';
import { RequestStatusPoller } from './request-status.js';
import { notFoundDiagnosis } from '../hyros/not-found.js';
import { rejectedPathProblem } from './report.js';

type Probe = { object: ObjectDef; writable: true } | { object: ObjectDef; writable: false; why: string };

export async function runDestinationCheck(configPath: string, writer: MessageWriter): Promise<number> {
  const session = await openCheck(() => loadDestinationConfig(configPath), writer);
  if (!session) return 0;
  const { config, handle, deadline: signal } = session;
  const context: RequestContext = { signal, ...(config.account_id === undefined ? {} : { accountId: config.account_id }) };
  try {
    const rejectedProblem = config.rejected_records_path === undefined ? undefined : await rejectedPathProblem(config.rejected_records_path);
    if (rejectedProblem !== undefined) {
      writer.send(connectionStatusMessage('FAILED', rejectedProblem));
      return 0;
    }
    const diagnose = notFoundDiagnosis(handle.client, context);
    const verdict = await probeAll(config, handle.client, context).catch(async (error: unknown) => ({ failed: explain(await diagnose(error), config, signal) }));
    writer.send('failed' in verdict ? connectionStatusMessage('FAILED', verdict.failed) : connectionStatusMessage('SUCCEEDED', verdict.succeeded));
    return 0;
  } finally {
    await handle.close();
  }
}

function explain(error: unknown, config: ResolvedDestinationConfig, signal: AbortSignal): string {
  if (!signal.aborted && failureOf(error)?.kind === 'account_refused' && config.account_id !== undefined) {
    return `Client account ${config.account_id} (account_id): ${errorMessage(error)}`;
  }
  return explainCheckFailure(error, config.baseUrl.host, signal);
}

async function probe(object: ObjectDef, client: HyrosClient, context: RequestContext): Promise<Probe> {
  try {
    const outcome = await client.write('POST', object.path, {}, context);
    // 400 (rejected) proves key and role; a 2xx would mean Hyros took an empty write, still writable.
    if (outcome.kind === 'ambiguous') throw new Error(`POST /${object.path}: no answer (${outcome.reason})`);
    return { object, writable: true };
  } catch (error) {
    const failure = failureOf(error);
    if (failure && PERMISSION_KINDS.has(failure.kind)) {
      return { object, writable: false, why: `needs the role "${object.role}", HTTP ${failure.status}` };
    }
    throw error;
  }
}

async function probeAll(config: ResolvedDestinationConfig, client: HyrosClient, context: RequestContext): Promise<{ succeeded?: string } | { failed: string }> {
  const configured = config.streams === undefined ? undefined : new Set(config.streams.map((s) => s.object));
  const objects = OBJECT_NAMES.map((name) => OBJECTS[name]).filter((o) => configured === undefined || configured.has(o.name));
  const probeable = objects.filter((o) => o.method === 'POST');
  // One probe first: a wrong key or an unconnected client account fails here, once.
  const results: Probe[] = [];
  for (const object of probeable.slice(0, 1)) results.push(await probe(object, client, context));
  results.push(...(await Promise.all(probeable.slice(1).map((object) => probe(object, client, context)))));
  const missing = results.filter((r): r is Extract<Probe, { writable: false }> => !r.writable);
  const writable = results.filter((r) => r.writable).map((r) => r.object.name);
  const refundNote = objects.some((o) => o.name === 'refund') ? ' The refund role ("Delete Orders") cannot be tested without refunding; a missing one is reported on the first refund.' : '';
  const problems = missing.map((r) => `${r.object.name} (${r.why})`);
  if (config.write_confirmation === 'processed') {
    const poller = new RequestStatusPoller(client);
    await poller.poll('00000000000000000000000000000000', context);
    if (poller.unavailable !== undefined) problems.push(`write_confirmation processed needs GET /requests/{id} (API v1.41+, role "Get Request Status"): ${poller.unavailable}`);
  }
  if (configured !== undefined) {
    if (problems.length > 0) return { failed: `The API key cannot write every configured object: ${problems.join('; ')}. Add the roles under Settings → API in Hyros.` };
    return { succeeded: `The API key can write ${writable.join(', ') || 'nothing that can be probed'}.${refundNote}` };
  }
  if (writable.length === 0 || (config.write_confirmation === 'processed' && problems.length > missing.length)) {
    return { failed: `The API key cannot write to Hyros: ${problems.join('; ')}. Add the roles under Settings → API in Hyros.` };
  }
  const cannot = missing.length > 0 ? ` It cannot write ${problems.join(', ')}.` : '';
  return { succeeded: `The API key can write ${writable.join(', ')}.${cannot}${refundNote}` };
}
