/** Attribution report streams (filled in by the attribution work). */
import type { ResolvedConfig } from '../config.js';
import type { SourceStream } from '../catalog.js';

export function attributionStreams(_config: ResolvedConfig): SourceStream[] {
  return [];
}
