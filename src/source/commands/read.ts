/** `read`: inputs → plan → engine. Exits non-zero when any stream failed (each already traced). */
import { sourceStreams } from '../catalog.js';
import { loadConfig, readJsonFile } from '../config.js';
import { runStreams } from '../engine/run.js';
import { BodyGate } from '../../hyros/body-gate.js';
import { createHyrosClient } from '../../hyros/create.js';
import { parseCatalog, parseState, type StreamStates } from '../../protocol/inputs.js';
import type { Logger } from '../../protocol/logger.js';
import type { MessageWriter } from '../../protocol/writer.js';
import { resolveAccounts } from '../read/accounts.js';
import type { PlanContext } from '../read/plan.js';
import { registerSecret } from '../../common/redact.js';
import { toIsoUtc } from '../../common/time/index.js';
import { boundHeapForStreaming } from '../../common/memory.js';

/** Response bodies read and turned into records at a time (see BodyGate). */
const BODIES_IN_HAND = 2;

export interface ReadArgs {
  config: string;
  catalog: string;
  state?: string | undefined;
}

export async function runRead(args: ReadArgs, writer: MessageWriter, logger: Logger): Promise<number> {
  boundHeapForStreaming();
  const config = await loadConfig(args.config);
  registerSecret(config.api_key);
  const available = sourceStreams(config);
  const byName = new Map(available.map((stream) => [stream.airbyteStream.name, stream]));
  const catalogInfo = new Map(available.map((s) => [s.airbyteStream.name, { supportedSyncModes: s.airbyteStream.supported_sync_modes }]));
  const configured = parseCatalog(await readJsonFile(args.catalog, 'catalog'), args.catalog, catalogInfo);
  const states: StreamStates = args.state ? parseState(await readJsonFile(args.state, 'state', { allowEmpty: true }), args.state) : new Map();

  const syncEndMs = Math.min(config.endMs ?? Date.now(), Date.now());
  // However many requests are on their way, only two bodies are read at a time, and only while stdout keeps up.
  const handle = createHyrosClient(config, { bodyGate: new BodyGate(BODIES_IN_HAND, () => writer.ready()) });
  try {
    const accounts = await resolveAccounts(config, handle.client);
    const windowedCount = configured.filter((s) => byName.get(s.name)?.windowed).length * accounts.length;
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
    for (const stream of configured) streams.push(await (byName.get(stream.name) as (typeof available)[number]).build(stream, context));
    logger.info(
      `Reading ${streams.map((s) => `${s.name} (${s.syncMode})`).join(', ')} from ${config.baseUrl.origin} up to ${toIsoUtc(syncEndMs)}${accounts[0] === undefined ? '' : ` for accounts ${accounts.join(', ')}`}; ${config.max_concurrency} concurrent requests, ${config.requests_per_second}/s and ${config.requests_per_minute}/min.`,
    );
    const budget = handle.client.budget;
    const rate = { roundTripMs: () => budget.roundTripMs, eta: (requests: number) => budget.eta(requests) };
    const result = await runStreams(streams, { concurrency: config.max_concurrency, writer, logger, rate });
    if (result.failedStreams.length > 0) {
      logger.error(`Sync finished with failed streams: ${result.failedStreams.join(', ')}. The other streams completed; the next sync resumes from the last saved state.`);
      return 1;
    }
    return 0;
  } finally {
    await handle.close();
  }
}
