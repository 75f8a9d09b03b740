import { describeStreams } from '../catalog.js';
import { loadConfig } from '../config.js';
import { registerSecret } from '../../common/redact.js';
import { catalogMessage } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';

/** The catalog needs no network: it depends only on the config (agency mode, attribution reports). */
export async function runDiscover(configPath: string, writer: MessageWriter): Promise<number> {
  const config = await loadConfig(configPath);
  registerSecret(config.api_key);
  writer.send(catalogMessage(describeStreams(config)));
  return 0;
}
