/**
 * `write --config --catalog [--dry-run]`: Airbyte messages on stdin → Hyros writes, STATE echoes on
 * stdout. Lines that are not Airbyte messages are skipped with a bounded WARN; a record of a stream
 * (name and namespace) the catalog does not hold stops the write: what came before it is finished
 * and its states echoed, nothing after it is read.
 */
import { readJsonFile } from '../common/config.js';
import { configError, ConnectorError } from '../common/errors.js';
import { createHyrosClient, type ClientHandle } from '../hyros/create.js';
import { boundHeapForStreaming } from '../common/memory.js';
import type { Logger } from '../protocol/logger.js';
import type { EchoedStateMessage } from '../protocol/messages.js';
import type { MessageWriter } from '../protocol/writer.js';
import { registerSecret } from '../common/redact.js';
import { bindCatalog, streamId, type StreamBinding } from './catalog.js';
import { loadDestinationConfig } from './config.js';
import { readLines } from './lines.js';
import { WritePipeline } from './pipeline.js';
import { OutcomeReport } from './report.js';
import { StateLedger } from './states.js';
import { StateFile } from '../protocol/state-file.js';
import { notFoundDiagnosis } from '../hyros/not-found.js';
import { maskEmailsIn } from './values.js';

const SKIPPED_LINES_LOGGED = 10;

export interface WriteArgs {
  config: string;
  catalog: string;
  dryRun?: boolean;
  /** Keep this file up to date with every stream's last echoed state (the source's next `--state`). */
  stateOut?: string | undefined;
}

export async function runWrite(args: WriteArgs, writer: MessageWriter, logger: Logger, input: AsyncIterable<Buffer | string> = process.stdin): Promise<number> {
  boundHeapForStreaming();
  const config = await loadDestinationConfig(args.config);
  registerSecret(config.api_key);
  const bindings = bindCatalog(await readJsonFile(args.catalog, 'catalog'), args.catalog, config);
  const dryRun = args.dryRun === true || config.dry_run;
  for (const binding of bindings.values()) {
    if (binding.keepsGenerationsBefore === undefined) continue;
    logger.warn(
      `Stream ${binding.label}: the catalog asks to remove the records of generations before ${binding.keepsGenerationsBefore} (minimum_generation_id), ` +
        'but Hyros data cannot be bulk-deleted: records written earlier stay in Hyros, and this write updates them by their natural key.',
    );
  }
  // Never in a dry run: it echoes no state, and the file keeps what the last real run wrote.
  const stateFile = args.stateOut === undefined || dryRun ? undefined : await StateFile.open(args.stateOut, 'file');
  if (stateFile) writer.watchStates((state) => stateFile.add(state));
  const report = new OutcomeReport(logger, config.rejected_records_path);
  await report.open(dryRun);
  const ledger = new StateLedger();
  // States go out as soon as their records have outcomes, and at once (not batched with later
  // output): they are the platform's checkpoints. Never in a dry run, never after a failure.
  const echoReady = (): void => {
    if (dryRun || pipeline.failure !== undefined) return;
    let echoed = false;
    for (const state of ledger.ready()) {
      writer.send(state);
      echoed = true;
    }
    if (echoed) void writer.flush();
  };
  let handle: ClientHandle | undefined;
  if (!dryRun) handle = createHyrosClient(config);
  const pipeline = new WritePipeline({
    config,
    client: handle?.client,
    dryRun,
    logger,
    report,
    ledger,
    onSettled: echoReady,
  });
  if (dryRun) {
    const listed = report.filePath === undefined ? '' : ` Invalid records are listed in ${report.filePath} (replaced on every dry run), not in rejected_records_path.`;
    logger.info(`Dry run: records are validated and mapped, nothing is sent to Hyros, and no state is echoed.${listed}`);
  }

  let skipped = 0;
  let outsideCatalog: ConnectorError | undefined;
  let failure: unknown;
  const skip = (reason: string): void => {
    skipped++;
    if (skipped <= SKIPPED_LINES_LOGGED) logger.warn(`Skipped an input line: ${reason}.`);
  };
  try {
    for await (const line of readLines(input)) {
      if (pipeline.failure !== undefined) break;
      let message: { type?: unknown; record?: { stream?: unknown; namespace?: unknown; data?: unknown }; state?: unknown };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        skip(`not JSON (${maskEmailsIn(line.length > 80 ? `${line.slice(0, 77)}…` : line)})`);
        continue;
      }
      if (message === null || typeof message !== 'object' || typeof message.type !== 'string') {
        skip('not an Airbyte message (no type)');
        continue;
      }
      if (message.type === 'RECORD') {
        const record = message.record;
        const data = record?.data;
        if (typeof record?.stream !== 'string' || data === null || typeof data !== 'object' || Array.isArray(data)) {
          skip('a RECORD without stream or data');
          continue;
        }
        const namespace = typeof record.namespace === 'string' && record.namespace !== '' ? record.namespace : undefined;
        const binding = bindings.get(streamId(record.stream, namespace));
        if (!binding) {
          // Skipping it would let later states move the source's cursor past it: stop here.
          outsideCatalog = notInCatalog(record.stream, namespace, [...bindings.values()]);
          break;
        }
        await pipeline.submit(binding, data as Record<string, unknown>);
      } else if (message.type === 'STATE') {
        if (message.state === null || typeof message.state !== 'object') {
          skip('a STATE without state');
          continue;
        }
        ledger.state(message as EchoedStateMessage);
        echoReady();
      }
      // TRACE, LOG and other messages carry nothing to write.
    }
    await pipeline.finish();
    // A 404 may be a base_url that is not the API root: asked while the client is still open.
    failure = pipeline.failure;
    if (failure !== undefined && handle) failure = await notFoundDiagnosis(handle.client, accountContext(config))(failure);
  } finally {
    await handle?.close();
    await report.close();
    if (stateFile) {
      await writer.statesConfirmed();
      stateFile.close();
    }
  }
  if (skipped > SKIPPED_LINES_LOGGED) logger.warn(`Skipped ${skipped} input lines in all that were not Airbyte messages.`);
  report.summarize(dryRun);
  if (pipeline.statusPolls > 0) logger.info(`Request status polls (GET /requests/{id}): ${pipeline.statusPolls}.`);
  if (dryRun && ledger.received > 0) logger.info(`Dry run: ${ledger.received} state message(s) were not echoed, so the source's cursor does not move past data that was not written.`);
  if (failure !== undefined) {
    if (ledger.held > 0) logger.warn(`${ledger.held} state message(s) were not echoed: their records were not all written. The next attempt resends from the last echoed state.`);
    throw failure instanceof Error ? failure : new ConnectorError(String(failure), 'system_error');
  }
  if (outsideCatalog) throw outsideCatalog;
  if (!dryRun && ledger.held > 0) throw new ConnectorError(`${ledger.held} state message(s) could not be echoed.`, 'system_error');
  const { records, failed } = report.totals();
  if (records > 0 && (failed / records) * 100 > config.max_rejected_percent) {
    throw configError(
      `${failed} of ${records} records (${((failed / records) * 100).toFixed(1)} %) were ${dryRun ? 'invalid (dry run)' : 'rejected by Hyros or invalid'}, more than max_rejected_percent (${config.max_rejected_percent} %). ${dryRun ? '' : 'Every state was echoed: '}Fix the records (see the WARN lines${report.filePath ? ` and ${report.filePath}` : ''}) and sync them again, or raise max_rejected_percent.`,
    );
  }
  return 0;
}

/** The error for a record of a stream the catalog does not hold, naming both sides. */
function notInCatalog(name: string, namespace: string | undefined, bindings: StreamBinding[]): ConnectorError {
  const describe = (n: string, ns: string | undefined) => `${n} (${ns === undefined ? 'no namespace' : `namespace ${ns}`})`;
  const held = bindings.map((b) => describe(b.name, b.namespace)).join(', ');
  return configError(
    `Message contained a record of stream ${describe(name, namespace)}, which is not in the configured catalog (it holds ${held}). ` +
      'The write stopped there: that record and everything after it were not written, and no later state was echoed. ' +
      "Make the catalog's stream names and namespaces match the records' (a source's namespace is often its schema name).",
  );
}

function accountContext(config: { account_id?: string | undefined }): { accountId?: string } {
  return config.account_id === undefined ? {} : { accountId: config.account_id };
}
