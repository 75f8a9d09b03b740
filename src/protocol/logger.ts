/** Human-facing logs as Airbyte LOG messages, through the one writer (so they keep their order). */
import type { LogLevel } from './messages.js';
import { logMessage } from './messages.js';
import type { MessageWriter } from './writer.js';

export class Logger {
  private readonly warnedKeys = new Set<string>();

  constructor(private readonly writer: MessageWriter) {}

  log(level: LogLevel, message: string, stackTrace?: string): void {
    this.writer.send(logMessage(level, message, stackTrace));
  }
  info(message: string): void {
    this.log('INFO', message);
  }
  warn(message: string): void {
    this.log('WARN', message);
  }
  error(message: string, stackTrace?: string): void {
    this.log('ERROR', message, stackTrace);
  }
  debug(message: string): void {
    this.log('DEBUG', message);
  }
  /** A warning logged once per key for the whole run (e.g. one unparseable field). */
  warnOnce(key: string, message: string): void {
    if (this.warnedKeys.has(key)) return;
    this.warnedKeys.add(key);
    this.warn(message);
  }
}
