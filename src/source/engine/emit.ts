/**
 * The hot path: one page's records out, each normalised in place, filtered to its window, stamped
 * with `occurred_at` (and `account_id`), and written; the stream's RUNNING status goes before its
 * first record.
 */
import { toIsoUtc } from '../../common/time/index.js';
import type { Logger } from '../../protocol/logger.js';
import { streamStatusMessage, type JsonObject } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import { isIncremental } from '../streams/declaration.js';
import type { Checkpoints } from './checkpoints.js';
import { normalizerFor, type RecordNormalizer } from './normalize.js';
import type { StreamStats } from './stream-stats.js';
import type { Task } from './tasks.js';
import type { PlannedStream } from './types.js';
import { inWindow } from './windows.js';

export class RecordEmitter {
  private readonly name: string;
  private readonly normalizer: RecordNormalizer;
  /** Records carry `occurred_at`. */
  private readonly cursored: boolean;
  /**
   * False for a child stream (lead_clicks): its records were found through the window's parent
   * records and keep their own `occurred_at` wherever it falls.
   */
  private readonly filterToWindow: boolean;
  private readonly floorMs: number;
  private running = false;

  constructor(
    stream: PlannedStream,
    private readonly writer: MessageWriter,
    logger: Logger,
    private readonly stats: StreamStats,
    private readonly checkpoints: Checkpoints,
  ) {
    const { declaration } = stream;
    this.name = declaration.name;
    this.normalizer = normalizerFor(declaration, logger);
    this.cursored = isIncremental(declaration);
    this.filterToWindow = declaration.partitioning.kind !== 'parent-records';
    this.floorMs = stream.floorMs;
  }

  /** Emits one page's records (those of a window task that fall in its window); returns how many were emitted. */
  emit(task: Task, records: JsonObject[]): number {
    const { name, normalizer, writer } = this;
    const window = task.kind === 'window' ? task.window : undefined;
    const scan = task.kind === 'window' ? task.scan : undefined;
    const accountId = task.partition.accountId;
    // Change-pass records were created before the windows.
    const filter = window !== undefined && this.filterToWindow;
    const emittedAt = Date.now();
    let emitted = 0;
    this.stats.pages++;
    for (const record of records) {
      const occurredMs = normalizer.normalize(record);
      scan?.observe(occurredMs);
      if (this.cursored) {
        // A record with no readable cursor is kept (nothing is lost), stamped with its window start.
        if (filter && occurredMs !== undefined && !inWindow(window, occurredMs)) continue;
        record.occurred_at = toIsoUtc(occurredMs ?? window?.startMs ?? this.floorMs);
      }
      if (accountId !== undefined) record.account_id = accountId;
      if (!this.running) {
        this.running = true;
        writer.send(streamStatusMessage(name, 'RUNNING'));
      }
      writer.sendRecord(name, record, emittedAt);
      emitted++;
    }
    this.stats.records += emitted;
    this.checkpoints.count(emitted);
    return emitted;
  }
}
