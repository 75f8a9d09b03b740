/**
 * `spec` prints spec/spec.json: the file `npm run generate` writes from the zod config schema
 * (a test fails when it drifts from the code). Serving the generated file keeps `spec` instant:
 * no zod, no schema conversion at start-up.
 */
import { readFileSync } from 'node:fs';
import { specMessage, type ConnectorSpecification } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';

export const SPEC_FILE = new URL('../../../../spec/spec.json', import.meta.url);

export function runSpec(writer: MessageWriter): number {
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as ConnectorSpecification;
  writer.send(specMessage(spec));
  return 0;
}
