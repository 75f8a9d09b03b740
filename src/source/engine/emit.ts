/**
 * The hot path: one page's records out, each normalised in place, filtered to its window, stamped
 * with `occurred_at` (and `account_id`), and written; the stream's RUNNING status goes before its
 * first record.
 */
import { toIsoUtc } from '../../common/time/index.js';
import { streamStatusMessage, type JsonObject } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import type { Checkpoints } from './checkpoints.js';
import type { StreamStats } from './stream-stats.js';
import type { Task } from './tasks.js';
import type { EngineStream } from './types.js';
import { inWindow } from './windows.js';

export class RecordEmitter {
  private running = false;

  constructor(
    private readonly stream: EngineStream,
    private readonly writer: MessageWriter,
    private readonly stats: StreamStats,
    private readonly checkpoints: Checkpoints,
  ) {}

  /** Emits one page's records (those of a window task that fall in its window); returns how many were emitted. */
  emit(task: Task, records: JsonObject[]): number {
    const { stream, writer } = this;
    const window = task.kind === 'window' ? task.window : undefined;
    const scan = task.kind === 'window' ? task.scan : undefined;
    const accountId = task.partition.accountId;
    // Change-pass records were created before the windows; a child stream's records keep their own time.
    const filter = window !== undefined && stream.filterToWindow !== false;
    const emittedAt = Date.now();
    let emitted = 0;
    this.stats.pages++;
    for (const record of records) {
      const occurredMs = stream.normalize(record);
      scan?.observe(occurredMs);
      if (stream.windowed) {
        // A record with no readable cursor is kept (nothing is lost), stamped with its window start.
        if (filter && occurredMs !== undefined && !inWindow(window, occurredMs)) continue;
        record.occurred_at = toIsoUtc(occurredMs ?? window?.startMs ?? stream.floorMs);
      }
      if (accountId !== undefined) record.account_id = accountId;
      if (!this.running) {
        this.running = true;
        writer.send(streamStatusMessage(stream.name, 'RUNNING'));
      }
      writer.sendRecord(stream.name, record, emittedAt);
      emitted++;
    }
    this.stats.records += emitted;
    this.checkpoints.count(emitted);
    return emitted;
  }
}
