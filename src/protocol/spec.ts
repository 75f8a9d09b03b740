/**
 * zod config schema → Airbyte connectionSpecification, for both connectors. zod-to-json-schema does
 * the translation; the post-processing applies Airbyte's rules in one place: draft-07, titles/
 * descriptions/order/examples, `airbyte_secret`, `additionalProperties` only `true`, no `$ref`/
 * `anyOf`/`allOf`.
 */
import type { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { JsonObject } from './messages.js';

export interface FieldUi {
  title: string;
  description: string;
  examples?: unknown[];
  secret?: boolean;
}

/** Titles, descriptions, examples and secrets of the properties; `order` follows the entries' order. */
export function applyUi(properties: Record<string, JsonObject>, ui: Record<string, FieldUi>): void {
  let order = 0;
  for (const [name, fieldUi] of Object.entries(ui)) {
    const property = properties[name];
    if (!property) throw new Error(`spec: no config property ${name}`);
    property.title = fieldUi.title;
    property.description = fieldUi.description;
    if (fieldUi.examples) property.examples = fieldUi.examples;
    if (fieldUi.secret) property.airbyte_secret = true;
    property.order = order++;
  }
  const missing = Object.keys(properties).filter((name) => !(name in ui));
  if (missing.length > 0) throw new Error(`spec: no title/description for ${missing.join(', ')}`);
}

/** Recursively enforces Airbyte's JSON-schema rules. */
export function airbyteify(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(airbyteify);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const object = node as JsonObject;
  if (object.type === 'object' || 'additionalProperties' in object) object.additionalProperties = true;
  for (const forbidden of ['anyOf', 'allOf', '$ref', 'not']) {
    if (forbidden in object) throw new Error(`spec: ${forbidden} is not allowed by Airbyte (${JSON.stringify(object)})`);
  }
  delete object.$schema;
  for (const value of Object.values(object)) airbyteify(value);
}

/**
 * The connectionSpecification of a config schema: top-level fields dressed by `ui`, and the item
 * properties of array fields by `itemUi` (e.g. the source's attribution reports).
 */
export function connectionSpecification(
  title: string,
  schema: ZodTypeAny,
  ui: Record<string, FieldUi>,
  itemUi: Record<string, Record<string, FieldUi>> = {},
): JsonObject {
  const json = zodToJsonSchema(schema, { target: 'jsonSchema7', $refStrategy: 'none' }) as JsonObject;
  airbyteify(json);
  const properties = json.properties as Record<string, JsonObject>;
  applyUi(properties, ui);
  for (const [field, fieldItemUi] of Object.entries(itemUi)) {
    applyUi(((properties[field] as JsonObject).items as JsonObject).properties as Record<string, JsonObject>, fieldItemUi);
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    required: json.required,
    additionalProperties: true,
    properties,
  };
}
