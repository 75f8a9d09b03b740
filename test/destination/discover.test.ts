/**
 * discover: the DESTINATION_CATALOG is derived from the mapping's own field tables, so every field
 * and alias it lists is one the mapping reads, and its required fields are the ones validation needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationCatalog } from '../../src/destination/discover.js';
import { mapRecord } from '../../src/destination/mapping.js';
import { OBJECTS, type ObjectName } from '../../src/destination/objects.js';
import { DayClock } from '../../src/common/time/index.js';
import { assertBuilt, DESTINATION_CLI_PATH, runCli } from '../helpers/cli.js';
import { TempFiles } from '../helpers/files.js';

const files = new TempFiles();
beforeAll(() => assertBuilt());
afterAll(() => files.cleanup());
const clock = new DayClock(() => 0);

/** A valid record of each object, by Hyros names. */
const MINIMAL: Record<ObjectName, Record<string, unknown>> = {
  order: { orderId: 'o-1', date: '2026-03-01T00:00:00Z', email: 'a@b.co', items: [{ name: 'Thing', price: 1 }] },
  lead: { email: 'a@b.co' },
  call: { externalId: 'c-1', name: 'Call', email: 'a@b.co', date: '2026-03-01T00:00:00Z' },
  refund: { orderId: 'o-1' },
  subscription: { subscriptionId: 's-1', status: 'ACTIVE', startDate: '2026-03-01T00:00:00Z', price: 1, periodicity: 'MONTH', email: 'a@b.co' },
  cart: { cartId: 'k-1', items: [{ name: 'Thing', price: 1 }] },
};

function sample(schema: Record<string, any>): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.format === 'email') return 'sample@example.org';
  if (schema.format === 'date-time') return '2026-02-02T02:02:02Z';
  const types = [schema.type].flat();
  if (types.includes('array')) return ['sample-1'];
  if (types.includes('number')) return 42;
  if (types.includes('boolean')) return true;
  return 'sample-text';
}

describe('destination-hyros discover', () => {
  it('prints one DESTINATION_CATALOG: an append_dedup operation per object with its natural key as matching_keys', async () => {
    const config = files.write('config.json', { api_key: 'k-123456' });
    const result = await runCli(['discover', '--config', config], { bin: DESTINATION_CLI_PATH });
    expect(result.code).toBe(0);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toEqual({ type: 'DESTINATION_CATALOG', destination_catalog: destinationCatalog() });
    const operations = result.messages[0]?.destination_catalog.operations as Array<Record<string, any>>;
    expect(operations.map((o) => [o.object_name, o.sync_mode, o.matching_keys])).toEqual([
      ['order', 'append_dedup', [['orderId']]],
      ['lead', 'append_dedup', [['email'], ['phoneNumbers']]],
      ['call', 'append_dedup', [['externalId']]],
      ['refund', 'append_dedup', [['orderId']]],
      ['subscription', 'append_dedup', [['subscriptionId']]],
      ['cart', 'append_dedup', [['cartId']]],
    ]);
    expect(operations[0]?.json_schema.required).toEqual(['orderId', 'date']);
    expect(operations[2]?.json_schema.required).toEqual(['externalId', 'name', 'email', 'date']);
  });

  it.each(Object.keys(OBJECTS) as ObjectName[])('%s: every listed field and alias is read by the mapping; every required field is required by validation', (name) => {
    const object = OBJECTS[name];
    const operation = (destinationCatalog().operations as Array<Record<string, any>>).find((o) => o.object_name === name) as Record<string, any>;
    const minimal = MINIMAL[name];
    expect(mapRecord(object, minimal, { clock })).toMatchObject({ ok: true });
    const targets = new Map<string, string>();
    for (const field of [...object.fields, ...(object.items ?? []).filter((f) => f.flat)]) {
      targets.set(field.name, field.name);
      for (const alias of field.aliases ?? []) if (!targets.has(alias)) targets.set(alias, field.name);
    }
    for (const [property, schema] of Object.entries(operation.json_schema.properties as Record<string, any>)) {
      if (property === 'items') continue;
      const target = targets.get(property);
      expect(target, `${name}.${property} is not a field of the mapping`).toBeDefined();
      const isItemField = !object.fields.some((f) => f.name === target);
      const base: Record<string, unknown> = isItemField ? { ...minimal, items: undefined, name: 'Flat thing', price: 3 } : { ...minimal };
      for (const [other, t] of targets) if (t === target && other !== property) delete base[other];
      const result = mapRecord(object, { ...base, [property]: sample(schema) }, { clock });
      expect(result.ok, `${name}.${property}: ${JSON.stringify(result)}`).toBe(true);
      const payload = result.ok ? result.payload : {};
      const where = isItemField ? (payload.items as Array<Record<string, unknown>>)[0] : payload;
      expect(where?.[target as string], `${name}.${property} → ${target}`).toBeDefined();
    }
    for (const required of operation.json_schema.required as string[]) {
      const { [required]: _dropped, ...without } = minimal;
      const result = mapRecord(object, without, { clock });
      expect(result.ok ? [] : result.problems, `${name} without ${required}`).toContain(`${required}: is required`);
    }
  });
});
