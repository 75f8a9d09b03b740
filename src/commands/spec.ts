import { specMessage } from '../protocol/messages.js';
import type { MessageWriter } from '../protocol/writer.js';
import { buildSpec } from '../spec.js';

export function runSpec(writer: MessageWriter): number {
  writer.send(specMessage(buildSpec()));
  return 0;
}
