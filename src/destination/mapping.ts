/**
 * One record → one Hyros payload, driven by the object's field table: Hyros names first, then the
 * configured rename, then the aliases; values converted per kind; local validation. A record that
 * fails comes back with every problem found (it is invalid and never sent).
 */
import type { DayClock } from '../common/time/index.js';
import { OBJECTS, type FieldDef, type ObjectDef } from './objects.js';
import { isAbsent, maskEmailsIn, Problem, toBoolean, toDate, toEmail, toEnum, toNumber, toText, toTextList, type Converted } from './values.js';

export type Payload = Record<string, unknown>;

export type MapResult =
  | { ok: true; payload: Payload; key: string }
  | { ok: false; problems: string[]; key: string | undefined };

export interface MappingOptions {
  clock: DayClock;
  /** Hyros field name → record field name (a stream's `fields` setting). */
  renames?: Readonly<Record<string, string>>;
  nowMs?: number;
}

/** Where a field's value is read from: its rename, else its Hyros name, else the first alias present. */
function lookup(record: Payload, field: FieldDef, renames: Readonly<Record<string, string>> | undefined): { value: unknown; from: string } {
  const renamed = renames?.[field.name];
  if (renamed !== undefined) return { value: record[renamed], from: renamed };
  for (const name of [field.name, ...(field.aliases ?? [])]) {
    if (!isAbsent(record[name])) return { value: record[name], from: name };
  }
  return { value: undefined, from: field.name };
}

function convert(field: FieldDef, value: unknown, clock: DayClock): Converted<unknown> {
  switch (field.kind) {
    case 'text': {
      const text = toText(value);
      if (typeof text !== 'string') return text;
      if (field.minLength !== undefined && text.length < field.minLength) return new Problem(`at least ${field.minLength} characters`);
      if (field.pattern && !field.pattern.test(text)) return new Problem('only letters, digits, _ . : - and no spaces');
      return text;
    }
    case 'email':
      return toEmail(value);
    case 'number':
      return toNumber(value);
    case 'boolean':
      return toBoolean(value);
    case 'date':
      return toDate(value, clock);
    case 'texts':
      return toTextList(value);
    case 'enum':
      return toEnum(field.values ?? [])(value);
  }
}

/** The offending value for a message: short, and with any email masked (messages reach logs). */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return maskEmailsIn(text.length > 60 ? `${text.slice(0, 57)}…` : text);
}

/** Maps `fields` of `source` into `target`; returns the problems, each naming the field. */
function mapFields(fields: readonly FieldDef[], source: Payload, target: Payload, options: MappingOptions, where: string, renames = options.renames): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    const { value, from } = lookup(source, field, renames);
    const converted = convert(field, value, options.clock);
    const label = from === field.name ? `${where}${field.name}` : `${where}${field.name} (from ${from})`;
    if (converted instanceof Problem) problems.push(`${label}: expected ${converted.expected}, got ${shown(value)}`);
    else if (converted === undefined) {
      if (field.required) problems.push(`${label}: is required`);
    } else target[field.name] = converted;
  }
  return problems;
}

/** `items` as a list of objects: a JSON array or a JSON array serialised as a string. */
function itemList(value: unknown): Payload[] | Problem {
  let list = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value) as unknown;
    } catch {
      return new Problem('a JSON array of items');
    }
  }
  if (!Array.isArray(list) || !list.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
    return new Problem('a JSON array of item objects');
  }
  return list as Payload[];
}

function mapItems(itemFields: readonly FieldDef[], record: Payload, options: MappingOptions): { items: Payload[]; problems: string[] } {
  const itemsName = options.renames?.items ?? 'items';
  const raw = record[itemsName];
  if (isAbsent(raw)) {
    // A flat row is a one-item order: its item fields sit on the record itself.
    const flatFields = itemFields.filter((field) => field.flat);
    const present = flatFields.some((field) => !isAbsent(lookup(record, field, options.renames).value));
    if (!present) return { items: [], problems: [`items: at least one item is required (give items, or name and price on the record)`] };
    const item: Payload = {};
    return { items: [item], problems: mapFields(flatFields, record, item, options, '') };
  }
  const list = itemList(raw);
  if (list instanceof Problem) return { items: [], problems: [`${itemsName}: expected ${list.expected}`] };
  if (list.length === 0) return { items: [], problems: [`${itemsName}: at least one item is required`] };
  const items: Payload[] = [];
  const problems: string[] = [];
  list.forEach((source, index) => {
    const item: Payload = {};
    problems.push(...mapFields(itemFields, source, item, options, `items[${index}].`, undefined));
    items.push(item);
  });
  return { items, problems };
}

/** The natural key of a payload (an object's own identity in Hyros), e.g. `order:A-100`. */
export function naturalKey(def: ObjectDef, payload: Payload): string | undefined {
  for (const field of def.keyFields) {
    const value = payload[field];
    if (typeof value === 'string') return `${def.keySpace}:${field === 'email' ? value.toLowerCase() : value}`;
    if (Array.isArray(value) && typeof value[0] === 'string') return `${def.keySpace}:${value[0]}`;
  }
  return undefined;
}

export function mapRecord(def: ObjectDef, record: Payload, options: MappingOptions): MapResult {
  const payload: Payload = {};
  const problems = mapFields(def.fields, record, payload, options, '');
  if (def.items) {
    const { items, problems: itemProblems } = mapItems(def.items, record, options);
    problems.push(...itemProblems);
    if (items.length > 0) payload.items = items;
  }
  for (const group of def.oneOf ?? []) {
    if (!group.some((name) => payload[name] !== undefined)) {
      if (!group.some((name) => problems.some((p) => p.startsWith(`${name}`)))) problems.push(`${group.join(' or ')}: at least one is required`);
    }
  }
  if (def === OBJECTS.lead && typeof payload.tagsDate === 'string' && Date.parse(payload.tagsDate) > (options.nowMs ?? Date.now()) + 60_000) {
    problems.push(`tagsDate: Hyros refuses a tag date in the future, got ${shown(payload.tagsDate)}`);
  }
  const key = naturalKey(def, payload);
  if (problems.length > 0) return { ok: false, problems, key };
  return { ok: true, payload, key: key as string };
}
