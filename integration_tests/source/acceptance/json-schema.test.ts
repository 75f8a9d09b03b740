/**
 * The acceptance suite's own checkers must catch what CAT catches, or the suite proves nothing:
 * each rule is shown failing on a schema or record that breaks it.
 */
import { describe, expect, it } from 'vitest';
import { catalogProblems, draft7SchemaProblems, JsonFloat, parseJsonStrict, specProblems, validate } from './json-schema.js';

describe('parseJsonStrict', () => {
  it('parses like JSON.parse but keeps non-integer literals apart', () => {
    const text = '{"a":1,"b":1.0,"c":-2.5e3,"d":[true,false,null,"x\\"y"],"e":{}}';
    const parsed = parseJsonStrict(text) as Record<string, any>;
    expect(parsed.a).toBe(1);
    expect(parsed.b).toEqual(new JsonFloat(1));
    expect(parsed.c).toEqual(new JsonFloat(-2500));
    expect(parsed.d).toEqual([true, false, null, 'x"y']);
    expect(parsed.e).toEqual({});
    expect(() => parseJsonStrict('{"a":1} x')).toThrow(/trailing/);
  });
});

describe('validate (records, as CAT validate_schema does)', () => {
  const schema = {
    type: 'object',
    additionalProperties: true,
    properties: {
      count: { type: ['null', 'integer'] },
      at: { type: ['null', 'string'], format: 'date-time' },
      nested: { type: ['null', 'object'], additionalProperties: true, properties: { x: { type: 'string' } } },
      list: { type: ['null', 'array'], items: { type: 'object', properties: { y: { type: 'number' } } } },
    },
  };

  it('accepts a matching record, nulls included', () => {
    const record = parseJsonStrict('{"count":3,"at":"2026-01-01T00:00:00Z","nested":{"x":"a"},"list":[{"y":1.5}]}');
    expect(validate(schema, record, { failOnExtraColumns: true })).toEqual([]);
    expect(validate(schema, { count: null, at: null, nested: null, list: null })).toEqual([]);
  });

  it('rejects 1.0 for an integer (strict integers) and a wrong type', () => {
    expect(validate(schema, parseJsonStrict('{"count":1.0}'))).toEqual([expect.stringContaining('$.count')]);
    expect(validate(schema, { count: '1' })).toEqual([expect.stringContaining('not of type null|integer')]);
  });

  it('rejects a date-time CAT would not parse', () => {
    expect(validate(schema, { at: '2026-01-01' })).toEqual([expect.stringContaining('is not a date-time')]);
    expect(validate(schema, { at: 'Mon Jan 05 10:00:00 EST 2026' })).toEqual([expect.stringContaining('is not a date-time')]);
    expect(validate(schema, { at: '2026-1-5 3:04:05.123+01:00' })).toEqual([]);
  });

  it('rejects undeclared columns when fail_on_extra_columns is on (root and nested objects, not array items)', () => {
    const record = { extra: 1, nested: { x: 'a', more: true }, list: [{ y: 1, z: 2 }] };
    expect(validate(schema, record)).toEqual([]);
    expect(validate(schema, record, { failOnExtraColumns: true }).sort()).toEqual([
      '$.extra: is not declared in the schema',
      '$.nested.more: is not declared in the schema',
    ]);
  });

  it('reports keywords it does not implement instead of ignoring them', () => {
    expect(validate({ anyOf: [{ type: 'string' }] }, 1)).toEqual([expect.stringContaining('anyOf is not supported')]);
  });
});

describe('draft7SchemaProblems', () => {
  it('finds structural errors', () => {
    expect(draft7SchemaProblems({ type: 'object', properties: { a: { type: 'text' }, b: { required: 'x' } } })).toEqual([
      '#/properties/a/type: "text" is not a draft-07 type',
      '#/properties/b/required: must be an array of unique strings',
    ]);
    expect(draft7SchemaProblems({ type: ['string', 'string'], minLength: -1, pattern: '(' })).toHaveLength(3);
  });
});

describe('specProblems (CAT TestSpec rules)', () => {
  it('flags every rule a spec can break', () => {
    const bad = {
      type: 'object',
      additionalProperties: false,
      properties: {
        token: { type: 'string', order: 0 },
        flag: { type: 'boolean', airbyte_secret: true, order: 0 },
        both: { type: ['string', 'integer'] },
        choice: { anyOf: [{ type: 'string' }] },
        empty: { type: 'object' },
        list: { type: 'array', items: [{ type: 'string' }] },
        mode: { type: 'string', enum: ['a', 'a'] },
        ref: { $ref: '#/definitions/x' },
        deep: { type: 'object', properties: { inner: { type: 'string', group: 'g' } } },
      },
    };
    const problems = specProblems(bad).join('\n');
    for (const expected of [
      '#: additionalProperties must be true',
      '#/properties: flag and token share order 0',
      '#/properties/token: must be marked airbyte_secret',
      '#/properties/flag: objects and booleans must not be marked airbyte_secret',
      '#/properties/both: type ["string","integer"] must be [T] or [T, "null"]',
      '#/properties/choice: forbidden keyword anyOf',
      '#/properties/empty: an object needs properties or oneOf',
      '#/properties/list: array items must be one schema',
      '#/properties/mode: enum has duplicates',
      '#/properties/ref: $ref is not allowed',
      '#/properties/deep/properties/inner: group is only allowed on top-level properties',
    ]) {
      expect(problems).toContain(expected);
    }
  });
});

describe('catalogProblems (CAT TestDiscovery rules)', () => {
  it('flags duplicate names, missing cursor/PK paths, object PKs, $ref/allOf/not and closed objects', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: { id: { type: 'object', properties: { a: { type: 'string' } } }, x: { allOf: [{ type: 'string' }] } },
    };
    const stream = { name: 's', json_schema: schema, supported_sync_modes: [], default_cursor_field: ['updated'], source_defined_primary_key: [['id'], ['nope']] };
    const problems = catalogProblems([stream, stream]).join('\n');
    for (const expected of [
      'stream names are not unique',
      's#: additionalProperties must be true',
      's#/properties/x: allOf is not allowed',
      's: no supported_sync_modes',
      's: default_cursor_field ["updated"] is not in the schema',
      's: primary key ["id"] is an object',
      's: primary key ["nope"] is not in the schema',
    ]) {
      expect(problems).toContain(expected);
    }
  });
});
