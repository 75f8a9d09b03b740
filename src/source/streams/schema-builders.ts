/** Small builders for draft-07 record schemas: nullable by default, open objects, no $ref. */
import type { JsonObject } from '../../protocol/messages.js';
import { isJsonObject } from '../json.js';

export const str = (): JsonObject => ({ type: ['null', 'string'] });
export const requiredStr = (): JsonObject => ({ type: 'string' });
export const num = (): JsonObject => ({ type: ['null', 'number'] });
export const int = (): JsonObject => ({ type: ['null', 'integer'] });
export const bool = (): JsonObject => ({ type: ['null', 'boolean'] });
/** A timestamp field: normalised to ISO-8601 UTC by the engine (the engine finds these by `format`). */
export const timestamp = (): JsonObject => ({ type: ['null', 'string'], format: 'date-time' });
export const arrayOf = (items: JsonObject): JsonObject => ({ type: ['null', 'array'], items });
/** An open object schema (its properties stay typed, for schemas that extend another's). */
export type ObjectSchema = { type: string[]; additionalProperties: true; properties: Record<string, JsonObject> };
export const obj = (properties: Record<string, JsonObject>): ObjectSchema => ({
  type: ['null', 'object'],
  additionalProperties: true,
  properties,
});

/** The top-level record schema. */
export function recordSchema(properties: Record<string, JsonObject>): JsonObject {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    properties,
  };
}

/** Dot paths of every `format: date-time` property, at any depth (arrays are not descended). */
export function timestampPaths(properties: JsonObject, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (!isJsonObject(property)) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    if (property.format === 'date-time') paths.push(path);
    else if (isJsonObject(property.properties)) paths.push(...timestampPaths(property.properties, path));
  }
  return paths;
}
