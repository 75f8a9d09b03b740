/**
 * What Airbyte's Connector Acceptance Tests (CAT) do with JSON schemas, without a JSON-schema
 * dependency (as Airbyte's connector acceptance tests check it):
 * - `parseJsonStrict`: JSON.parse that remembers which numbers were written as non-integers
 *   (`1.0`, `1e3`), because CAT validates records with *strict* integers (Python sees a float).
 * - `validate`: a validator for the subset of draft-07 the connector's spec and record schemas
 *   use (type incl. [T, "null"], properties, required, additionalProperties, items, enum, const,
 *   pattern, min/max, format date-time with CAT's regex). Any other applicator keyword is reported
 *   as unsupported instead of being ignored, so a schema change cannot make the check vacuous.
 * - `draft7SchemaProblems`: the structural part of `Draft7Validator.check_schema`.
 * - `specProblems` / `catalogProblems`: CAT's TestSpec and TestDiscovery rules.
 */

/** A number whose JSON literal had a fraction or exponent: a float for CAT, never an integer. */
export class JsonFloat {
  constructor(readonly value: number) {}
}

export type StrictJson = null | boolean | number | string | JsonFloat | StrictJson[] | { [key: string]: StrictJson };

/** JSON.parse, except that non-integer number literals come back as JsonFloat. */
export function parseJsonStrict(text: string): StrictJson {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i} in ${text.slice(Math.max(0, i - 20), i + 20)}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const value = (): StrictJson => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: StrictJson } = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        obj[key] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return obj;
        } else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const arr: StrictJson[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return arr;
        } else fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    for (const [literal, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return result;
      }
    }
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) return fail('unexpected character');
    i += match[0].length;
    const n = Number(match[0]);
    return match[2] !== undefined || match[3] !== undefined ? new JsonFloat(n) : n;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

type Schema = Record<string, any>;

/** CAT's date-time check (utils/asserts.py): this regex, then a successful parse. */
export const CAT_DATE_TIME = /^\d{4}-\d?\d-\d?\d(\s|T)\d?\d:\d?\d:\d?\d(.\d+)?.*$/;

const SUPPORTED = new Set([
  '$schema', 'title', 'description', 'examples', 'default', 'order', 'airbyte_secret', 'airbyte_hidden', 'group',
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'format', 'pattern',
  'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof JsonFloat) return 'number';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' || value instanceof JsonFloat;
    case 'object':
      return typeOf(value) === 'object';
    default:
      return typeOf(value) === type;
  }
}

const plain = (value: unknown): unknown => (value instanceof JsonFloat ? value.value : value);

export interface ValidateOptions {
  /**
   * CAT's `fail_on_extra_columns` (default true): `additionalProperties: false` is enforced on the
   * root and on every property whose type includes object (NoAdditionalPropertiesValidator).
   */
  failOnExtraColumns?: boolean;
}

/** Errors of `value` against `schema` ("path: problem"); empty when valid. */
export function validate(schema: Schema, value: unknown, options: ValidateOptions = {}, path = '$'): string[] {
  const errors: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!SUPPORTED.has(keyword)) errors.push(`${path}: schema keyword ${keyword} is not supported by this validator`);
  }
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => matchesType(value, type))) {
      errors.push(`${path}: ${JSON.stringify(plain(value))?.slice(0, 80)} is not of type ${types.join('|')}`);
      return errors;
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(plain(value)))) {
    errors.push(`${path}: ${JSON.stringify(plain(value))} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(plain(value))) errors.push(`${path}: is not ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    if (schema.format === 'date-time' && (!CAT_DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
      errors.push(`${path}: ${JSON.stringify(value)} is not a date-time`);
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && [...value].length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
  }
  const n = plain(value);
  if (typeof n === 'number') {
    if (schema.minimum !== undefined && n < schema.minimum) errors.push(`${path}: ${n} < minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && n > schema.maximum) errors.push(`${path}: ${n} > maximum ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (Array.isArray(schema.items)) errors.push(`${path}: tuple items are not supported by this validator`);
    // CAT does not enforce fail_on_extra_columns inside array items.
    else if (schema.items !== undefined) value.forEach((item, i) => errors.push(...validate(schema.items, item, { ...options, failOnExtraColumns: false }, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const properties: Record<string, Schema> = schema.properties ?? {};
    for (const name of schema.required ?? []) if (!(name in obj)) errors.push(`${path}: required property ${name} is missing`);
    for (const [name, child] of Object.entries(obj)) {
      const childPath = `${path}.${name}`;
      const childSchema = properties[name];
      if (childSchema !== undefined) {
        errors.push(...validate(childSchema, child, options, childPath));
        continue;
      }
      const extraColumnsForbidden = options.failOnExtraColumns === true && schema.properties !== undefined;
      if (schema.additionalProperties === false || extraColumnsForbidden) errors.push(`${childPath}: is not declared in the schema`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...validate(schema.additionalProperties, child, options, childPath));
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Draft-07 meta-schema structure (Draft7Validator.check_schema, for the keywords that matter here)

const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'integer', 'string']);
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', 'dependencies'];
const SCHEMA_KEYWORDS = ['additionalProperties', 'additionalItems', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf'];
const NON_NEGATIVE_INT = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];

const isObject = (value: unknown): value is Record<string, any> => value !== null && typeof value === 'object' && !Array.isArray(value);

export function draft7SchemaProblems(schema: unknown, path = '#'): string[] {
  if (typeof schema === 'boolean') return [];
  if (!isObject(schema)) return [`${path}: a schema must be an object or a boolean`];
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length === 0 && Array.isArray(schema.type)) problems.push(`${path}/type: must not be an empty list`);
    if (!types.every((t: unknown) => typeof t === 'string' && TYPES.has(t))) problems.push(`${path}/type: ${JSON.stringify(schema.type)} is not a draft-07 type`);
    if (new Set(types).size !== types.length) problems.push(`${path}/type: duplicate types`);
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    if (schema[keyword] === undefined) continue;
    if (!isObject(schema[keyword])) problems.push(`${path}/${keyword}: must be an object`);
    else for (const [name, child] of Object.entries(schema[keyword])) {
      if (keyword === 'dependencies' && Array.isArray(child)) continue;
      problems.push(...draft7SchemaProblems(child, `${path}/${keyword}/${name}`));
    }
  }
  for (const keyword of SCHEMA_KEYWORDS) if (schema[keyword] !== undefined) problems.push(...draft7SchemaProblems(schema[keyword], `${path}/${keyword}`));
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    if (schema[keyword] === undefined) continue;
    if (!Array.isArray(schema[keyword]) || schema[keyword].length === 0) problems.push(`${path}/${keyword}: must be a non-empty array`);
    else schema[keyword].forEach((child: unknown, i: number) => problems.push(...draft7SchemaProblems(child, `${path}/${keyword}/${i}`)));
  }
  if (schema.items !== undefined) {
    if (Array.isArray(schema.items)) schema.items.forEach((child: unknown, i: number) => problems.push(...draft7SchemaProblems(child, `${path}/items/${i}`)));
    else problems.push(...draft7SchemaProblems(schema.items, `${path}/items`));
  }
  if (schema.required !== undefined) {
    const ok = Array.isArray(schema.required) && schema.required.every((r: unknown) => typeof r === 'string') && new Set(schema.required).size === schema.required.length;
    if (!ok) problems.push(`${path}/required: must be an array of unique strings`);
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0)) problems.push(`${path}/enum: must be a non-empty array`);
  for (const keyword of NON_NEGATIVE_INT) {
    if (schema[keyword] !== undefined && !(Number.isInteger(schema[keyword]) && schema[keyword] >= 0)) problems.push(`${path}/${keyword}: must be a non-negative integer`);
  }
  for (const keyword of NUMBERS) if (schema[keyword] !== undefined && typeof schema[keyword] !== 'number') problems.push(`${path}/${keyword}: must be a number`);
  for (const keyword of ['$schema', '$id', '$ref', 'title', 'description', 'format', 'pattern']) {
    if (schema[keyword] !== undefined && typeof schema[keyword] !== 'string') problems.push(`${path}/${keyword}: must be a string`);
  }
  if (typeof schema.pattern === 'string') {
    try {
      new RegExp(schema.pattern, 'u');
    } catch {
      problems.push(`${path}/pattern: is not a valid regular expression`);
    }
  }
  if (schema.examples !== undefined && !Array.isArray(schema.examples)) problems.push(`${path}/examples: must be an array`);
  return problems;
}

/** Every sub-schema with its JSON pointer (properties, items, additionalProperties, combinators). */
export function* subSchemas(schema: unknown, path = '#'): Generator<[string, Record<string, any>]> {
  if (!isObject(schema)) return;
  yield [path, schema];
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    if (isObject(schema[keyword])) for (const [name, child] of Object.entries(schema[keyword])) yield* subSchemas(child, `${path}/${keyword}/${name}`);
  }
  for (const keyword of SCHEMA_KEYWORDS) yield* subSchemas(schema[keyword], `${path}/${keyword}`);
  for (const keyword of [...SCHEMA_ARRAY_KEYWORDS, 'prefixItems']) {
    if (Array.isArray(schema[keyword])) for (const [i, child] of schema[keyword].entries()) yield* subSchemas(child, `${path}/${keyword}/${i}`);
  }
  if (Array.isArray(schema.items)) for (const [i, child] of schema.items.entries()) yield* subSchemas(child, `${path}/items/${i}`);
  else yield* subSchemas(schema.items, `${path}/items`);
}

// ---------------------------------------------------------------------------------------------
// TestSpec rules (CAT-CORE)

/** test_secret_is_properly_marked: exact property names that must be airbyte_secret. */
export const SECRET_NAMES = new Set([
  'client_token', 'access_token', 'api_token', 'token', 'secret', 'client_secret', 'password', 'key',
  'service_account_info', 'service_account', 'tenant_id', 'certificate', 'jwt', 'credentials', 'app_id', 'appid', 'refresh_token',
]);

const FORBIDDEN_SPEC_KEYWORDS = ['not', 'anyOf', 'patternProperties', 'prefixItems', 'allOf', 'if', 'then', 'else', 'dependentSchemas', 'dependentRequired'];

const typesOf = (schema: Record<string, any>): string[] => (schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]);

export function specProblems(connectionSpecification: Record<string, any>): string[] {
  const problems = [...draft7SchemaProblems(connectionSpecification)];
  for (const [path, schema] of subSchemas(connectionSpecification)) {
    const types = typesOf(schema);
    for (const keyword of FORBIDDEN_SPEC_KEYWORDS) if (keyword in schema) problems.push(`${path}: forbidden keyword ${keyword}`);
    if ('$ref' in schema) problems.push(`${path}: $ref is not allowed`);
    if ('additionalProperties' in schema && schema.additionalProperties !== true) problems.push(`${path}: additionalProperties must be true when present`);
    if (Array.isArray(schema.type) && !(schema.type.length === 1 || (schema.type.length === 2 && schema.type[1] === 'null'))) {
      problems.push(`${path}: type ${JSON.stringify(schema.type)} must be [T] or [T, "null"]`);
    }
    if (path !== '#' && types.includes('object') && !isObject(schema.properties) && !Array.isArray(schema.oneOf)) {
      problems.push(`${path}: an object needs properties or oneOf`);
    }
    if (Array.isArray(schema.enum) && new Set(schema.enum.map((e: unknown) => JSON.stringify(e))).size !== schema.enum.length) {
      problems.push(`${path}: enum has duplicates`);
    }
    if (types.includes('array')) {
      const items = schema.items;
      if (!isObject(items)) problems.push(`${path}: array items must be one schema`);
      else if (!('enum' in items) && !typesOf(items).some((t) => ['object', 'string', 'number', 'integer'].includes(t))) {
        problems.push(`${path}: array items must be object, string, number, integer or an enum`);
      }
    }
    if ('display_type' in schema && !('oneOf' in schema)) problems.push(`${path}: display_type only goes beside oneOf`);
    if ('group' in schema && !/^#\/properties\/[^/]+$/.test(path)) problems.push(`${path}: group is only allowed on top-level properties`);
    if (isObject(schema.properties)) {
      const seen = new Map<string, string>();
      for (const [name, child] of Object.entries(schema.properties as Record<string, any>)) {
        if (isObject(child) && child.order !== undefined) {
          const slot = `${child.group ?? ''}/${child.order}`;
          if (seen.has(slot)) problems.push(`${path}/properties: ${name} and ${seen.get(slot)} share order ${child.order}`);
          seen.set(slot, name);
        }
        if (!isObject(child)) continue;
        const childTypes = typesOf(child);
        const canHoldSecret = childTypes.some((t) => ['string', 'integer', 'number'].includes(t)) && !('const' in child);
        if (SECRET_NAMES.has(name.toLowerCase()) && canHoldSecret && child.airbyte_secret !== true) {
          problems.push(`${path}/properties/${name}: must be marked airbyte_secret`);
        }
        if (child.airbyte_secret === true && childTypes.some((t) => t === 'object' || t === 'boolean')) {
          problems.push(`${path}/properties/${name}: objects and booleans must not be marked airbyte_secret`);
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// TestDiscovery rules (CAT-CORE)

/** The schema at a property path (`["adSource", "adSourceId"]`), or undefined. */
export function schemaAtPath(schema: Record<string, any>, path: readonly string[]): Record<string, any> | undefined {
  let current: Record<string, any> | undefined = schema;
  for (const part of path) {
    current = isObject(current?.properties) ? current.properties[part] : undefined;
    if (!isObject(current)) return undefined;
  }
  return current;
}

export function catalogProblems(streams: Array<Record<string, any>>): string[] {
  const problems: string[] = [];
  if (streams.length === 0) problems.push('the catalog has no streams');
  const names = streams.map((s) => s.name);
  if (new Set(names).size !== names.length) problems.push(`stream names are not unique: ${names.join(', ')}`);
  for (const stream of streams) {
    const name = String(stream.name);
    const schema = stream.json_schema;
    problems.push(...draft7SchemaProblems(schema, `${name}#`));
    for (const [path, sub] of subSchemas(schema, `${name}#`)) {
      for (const keyword of ['$ref', 'allOf', 'not']) if (keyword in sub) problems.push(`${path}: ${keyword} is not allowed`);
      if ('additionalProperties' in sub && sub.additionalProperties !== true) problems.push(`${path}: additionalProperties must be true`);
    }
    if (!Array.isArray(stream.supported_sync_modes) || stream.supported_sync_modes.length === 0) problems.push(`${name}: no supported_sync_modes`);
    if (stream.default_cursor_field !== undefined && !schemaAtPath(schema, stream.default_cursor_field)) {
      problems.push(`${name}: default_cursor_field ${JSON.stringify(stream.default_cursor_field)} is not in the schema`);
    }
    for (const key of stream.source_defined_primary_key ?? []) {
      const field = schemaAtPath(schema, key);
      if (!field) problems.push(`${name}: primary key ${JSON.stringify(key)} is not in the schema`);
      else if (typesOf(field).some((t) => t === 'object' || t === 'array')) problems.push(`${name}: primary key ${JSON.stringify(key)} is an ${typesOf(field).join('|')}`);
    }
  }
  return problems;
}
