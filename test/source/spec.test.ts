import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../../src/source/spec.js';

const checkedIn = JSON.parse(readFileSync(new URL('../../spec/spec.json', import.meta.url), 'utf8'));

function walk(node: unknown, visit: (object: Record<string, any>, path: string) => void, path = '$'): void {
  if (Array.isArray(node)) node.forEach((item, i) => walk(item, visit, `${path}[${i}]`));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, any>, path);
    for (const [key, value] of Object.entries(node)) walk(value, visit, `${path}.${key}`);
  }
}

describe('spec', () => {
  it('spec/spec.json is what the code generates (run `npm run build && npm run generate` after changing the config schema)', () => {
    expect(buildSpec()).toEqual(checkedIn);
  });

  it('follows Airbyte spec rules', () => {
    const spec = buildSpec().connectionSpecification;
    expect(spec.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(spec.required).toEqual(['api_key', 'start_date']);
    walk(spec, (object, path) => {
      for (const forbidden of ['$ref', 'anyOf', 'allOf', 'not', 'patternProperties', 'if', 'then', 'else']) {
        expect(object, `${path} has ${forbidden}`).not.toHaveProperty(forbidden);
      }
      if ('additionalProperties' in object) expect(object.additionalProperties, path).toBe(true);
      if (Array.isArray(object.type)) {
        expect(object.type.length, path).toBe(2);
        expect(object.type[1], path).toBe('null');
      }
    });
    const properties = spec.properties as Record<string, any>;
    expect(properties.api_key.airbyte_secret).toBe(true);
    const orders = Object.values(properties).map((property) => property.order);
    expect(new Set(orders).size).toBe(orders.length);
    for (const [name, property] of Object.entries(properties)) {
      expect(property.title, name).toBeTruthy();
      expect(property.description, name).toBeTruthy();
    }
  });
});
