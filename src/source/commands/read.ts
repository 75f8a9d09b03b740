/**
 * `read`: inputs → plan → engine. Exits non-zero when any stream failed (each already traced); a
 * cause that stops the whole read (a rejected key, a wrong base_url) is thrown, to be reported once.
 */
import { streamDeclarations, supportedSyncModes } from '../catalog.js';
import { loadConfig, readJsonFile } from '../config.js';
import { runStreams } from '../engine/run.js';
import { BodyGate } from '../../hyros/body-gate.js';
import { notFoundDiagnosis } from '../../hyros/not-found.js';
import { createHyrosClient } from '../../hyros/create.js';
import { parseCatalog, parseState, type StreamStates } from '../../protocol/inputs.js';
import { StateFile } from '../../protocol/state-file.js';
import type { Logger } from '../../protocol/logger.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import { resolveAccounts } from '../read/accounts.js';
import type { PlanContext } from '../read/plan.js';
import { planStream } from '../read/plan-stream.js';
import { isIncremental } from '../streams/declaration.js';
import { registerSecret } from '../../common/redact.js';
import { toIsoUtc } from '../../common/time/index.js';
import { boundHeapForStreaming } from '../../common/memory.js';

/** Response bodies read and turned into records at a time (see BodyGate). */
const BODIES_IN_HAND = 2;

export interface ReadArgs {
  config: string;
  catalog: string;
  state?: string | undefined;
  /** Keep this file up to date with every stream's last state (the next run's `--state`). */
  stateOut?: string | undefined;
}

export async function runRead(args: ReadArgs, writer: MessageWriter, logger: Logger): Promise<number> {
  boundHeapForStreaming();
  const config = await loadConfig(args.config);
  registerSecret(config.api_key);
  const declarations = new Map(streamDeclarations(config).map((declaration) => [declaration.name, declaration]));
  const catalogInfo = new Map([...declarations.values()].map((d) => [d.name, { supportedSyncModes: supportedSyncModes(d) }]));
  const configured = parseCatalog(await readJsonFile(args.catalog, 'catalog'), args.catalog, catalogInfo);
  const states: StreamStates = args.state ? parseState(await readJsonFile(args.state, 'state', { allowEmpty: true }), args.state) : new Map();
  const stateFile = args.stateOut === undefined ? undefined : await StateFile.open(args.stateOut, streamStateSeed(states));
  if (stateFile) writer.watchStates((state) => stateFile.add(state));

  const syncEndMs = Math.min(config.endMs ?? Date.now(), Date.now());
  // However many requests are on their way, only two bodies are read at a time, and only while stdout keeps up.
  const handle = createHyrosClient(config, { bodyGate: new BodyGate(BODIES_IN_HAND, () => writer.ready()) });
  try {
    const accounts = await resolveAccounts(config, handle.client);
    const selected = configured.flatMap((stream) => {
      const declaration = declarations.get(stream.name);
      return declaration ? [{ declaration, stream }] : [];
    });
    const windowedCount = selected.filter(({ declaration }) => isIncremental(declaration)).length * accounts.length;
    const context: PlanContext = {
      config,
      client: handle.client,
      logger,
      states,
      statePath: args.state ?? '',
      accounts,
      syncEndMs,
      windowedPartitions: windowedCount,
    };
    const streams = [];
    for (const { declaration, stream } of selected) streams.push(await planStream(declaration, stream, context));
    logger.info(
      `Reading ${streams.map((s) => `${s.declaration.name} (${s.syncMode})`).join(', ')} from ${config.baseUrl.origin} up to ${toIsoUtc(syncEndMs)}${accounts[0] === undefined ? '' : ` for accounts ${accounts.join(', ')}`}; ${config.max_concurrency} concurrent requests, ${config.requests_per_second}/s and ${config.requests_per_minute}/min.`,
    );
    const budget = handle.client.budget;
    const rate = { roundTripMs: () => budget.roundTripMs, eta: (requests: number) => budget.eta(requests) };
    const result = await runStreams(streams, { concurrency: config.max_concurrency, writer, logger, rate, diagnose: notFoundDiagnosis(handle.client) });
    if (result.stoppedBy !== undefined) throw result.stoppedBy;
    if (result.failedStreams.length > 0) {
      const completed = streams.length - result.failedStreams.length;
      logger.error(
        `Sync finished with failed streams: ${result.failedStreams.join(', ')}. ${completed === 0 ? 'No stream completed' : `The other ${completed} stream(s) completed`}; the next sync resumes from the last saved state.`,
      );
      return 1;
    }
    return 0;
  } finally {
    await handle.close();
    if (stateFile) {
      await writer.statesConfirmed();
      stateFile.close();
    }
  }
}

/** The incoming states as STREAM states: a stream this run does not read keeps its state in --state-out. */
function streamStateSeed(states: StreamStates): JsonObject[] {
  return [...states]
    .filter(([, state]) => state !== null)
    .map(([name, state]) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } }));
}
