/** Reading JSON of unknown shape (API answers, state files, schemas) without casts. */
import type { JsonObject } from '../protocol/messages.js';

/** A JSON object (or array: both hold fields that may be read by name). */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object';
}
