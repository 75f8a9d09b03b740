/** A stream the source offers: its catalog entry, and how `read` builds its engine plan. */
import type { EngineStream } from '../engine/types.js';
import type { ConfiguredStream } from '../../protocol/inputs.js';
import type { AirbyteStream } from '../../protocol/messages.js';
import type { PlanContext } from './plan.js';

export interface SourceStream {
  airbyteStream: AirbyteStream;
  /** Whether the stream reads date windows (counts toward sharing the worker pool). */
  windowed: boolean;
  build(configured: ConfiguredStream, context: PlanContext): EngineStream | Promise<EngineStream>;
}
