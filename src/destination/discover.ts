/**
 * `discover --config`: one DESTINATION_CATALOG (Airbyte protocol 0.16+) with an operation per Hyros
 * object, derived from the same field tables the mapping uses: every field it accepts (aliases as
 * properties of their own, described as such), the required ones marked, the natural key as
 * `matching_keys`. Nothing is sent to Hyros.
 */
import type { JsonObject } from '../protocol/messages.js';
import type { MessageWriter } from '../protocol/writer.js';
import { loadDestinationConfig } from './config.js';
import { OBJECT_NAMES, OBJECTS, type FieldDef, type ObjectDef } from './objects.js';

function typeOf(field: FieldDef): JsonObject {
  switch (field.kind) {
    case 'text':
      return { type: 'string', ...(field.minLength ? { minLength: field.minLength } : {}), ...(field.pattern ? { pattern: field.pattern.source } : {}) };
    case 'email':
      return { type: 'string', format: 'email' };
    case 'number':
      return { type: ['number', 'string'] };
    case 'boolean':
      return { type: ['boolean', 'string'] };
    case 'date':
      return { type: ['string', 'integer'], format: 'date-time' };
    case 'texts':
      return { type: ['array', 'string'], items: { type: 'string' } };
    case 'enum':
      return { type: 'string', enum: [...(field.values ?? [])] };
  }
}

function properties(fields: readonly FieldDef[]): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const field of fields) {
    out[field.name] = { ...typeOf(field), description: field.description };
    for (const alias of field.aliases ?? []) {
      out[alias] ??= { ...typeOf(field), description: `Alias of ${field.name}: read when ${field.name} is absent.` };
    }
  }
  return out;
}

export function objectSchema(object: ObjectDef): JsonObject {
  const props = properties(object.fields);
  const notes: string[] = [];
  for (const group of object.oneOf ?? []) notes.push(`At least one of ${group.join(', ')} is required.`);
  if (object.items) {
    const itemFields = object.items;
    props.items = {
      type: ['array', 'string'],
      description: 'Line items (a JSON array, or that array serialised as a string). Without items, the record\'s own item fields make a one-item order.',
      items: { type: 'object', required: itemFields.filter((f) => f.required).map((f) => f.name), properties: properties(itemFields), additionalProperties: true },
    };
    // Flat rows: the item fields on the record itself.
    for (const [name, schema] of Object.entries(properties(itemFields.filter((f) => f.flat)))) props[name] ??= { ...schema, description: `Item field on a flat one-item row: ${String(schema.description)}` };
    notes.push('At least one item is required.');
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    description: [`${object.title}.`, ...notes].join(' '),
    required: object.fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: true,
    properties: props,
  };
}

export function destinationCatalog(): JsonObject {
  return {
    operations: OBJECT_NAMES.map((name) => {
      const object = OBJECTS[name];
      return { object_name: name, sync_mode: 'append_dedup', json_schema: objectSchema(object), matching_keys: object.keyFields.map((key) => [key]) };
    }),
  };
}

export async function runDestinationDiscover(configPath: string, writer: MessageWriter): Promise<number> {
  await loadDestinationConfig(configPath);
  writer.send({ type: 'DESTINATION_CATALOG', destination_catalog: destinationCatalog() });
  return 0;
}
