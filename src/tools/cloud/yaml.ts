/**
 * A small YAML emitter for the generated manifest: block mappings and sequences, keys in insertion
 * order, plain scalars where YAML reads them back as the same string, literal blocks (`|-`) for
 * multi-line text (the Jinja templates stay readable), JSON-style double quotes for everything
 * else (a JSON string literal is a valid YAML double-quoted scalar). Written here rather than taken
 * from a library: the manifest needs only this subset, and the output is checked in, so it must
 * not change with a dependency's formatting choices.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const INDENT = '  ';

/** Words YAML 1.1/1.2 loaders read as something other than a string. */
const RESERVED = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|\.inf|\.Inf|\.INF|-\.inf|\.nan|\.NaN|\.NAN|<<|=)$/;
/** Anything a loader could read as a number, a date or a time (sexagesimal in YAML 1.1). */
const NUMBER_LIKE = /^[-+.]?(?:\d|\.\d)|^0[box]|^\d+:\d/;
/** Plain scalars: safe characters only, no leading indicator, no `: ` / ` #`, no edge spaces. */
const PLAIN = /^[A-Za-z_/$(][A-Za-z0-9_ ./$()@+\-,;'"!?=]*$/;

/** Whether `text` can be written unquoted and read back as the same string. */
export function isPlain(text: string): boolean {
  return PLAIN.test(text) && !RESERVED.test(text) && !NUMBER_LIKE.test(text) && !text.endsWith(' ') && !/: | #/.test(text);
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} to YAML`);
    return String(value);
  }
  return isPlain(value) ? value : JSON.stringify(value);
}

/** Multi-line text without edge whitespace on any line is written as a literal block. */
function literalBlock(text: string, indent: string): string | undefined {
  if (!text.includes('\n') || text.endsWith('\n') || /^[ \n]/.test(text)) return undefined;
  const lines = text.split('\n');
  // Trailing spaces, tabs and other control characters do not survive a literal block.
  if (lines.some((line) => /[ \t]$/.test(line) || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(line))) return undefined;
  return `|-\n${lines.map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n')}`;
}

function isCollection(value: YamlValue): value is YamlValue[] | { [key: string]: YamlValue } {
  return value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
}

function inline(value: YamlValue, indent: string): string {
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  if (typeof value === 'string') return literalBlock(value, indent) ?? scalar(value);
  return scalar(value);
}

/** Short lists of scalars read best on one line: `[id]`, `[500, 502]`. */
const FLOW_WIDTH = 80;

function flowSequence(items: YamlValue[]): string | undefined {
  if (!items.every((item) => (item === null || typeof item !== 'object') && !(typeof item === 'string' && item.includes('\n')))) return undefined;
  const parts = items.map((item) => (typeof item === 'string' && (!isPlain(item) || /[,[\]{}]/.test(item)) ? JSON.stringify(item) : scalar(item as string | number | boolean | null)));
  const text = `[${parts.join(', ')}]`;
  return text.length <= FLOW_WIDTH && !text.includes('\n') ? text : undefined;
}

function emitMapping(map: { [key: string]: YamlValue }, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    const name = scalar(key);
    const flow = Array.isArray(value) && value.length > 0 ? flowSequence(value) : undefined;
    if (flow !== undefined) lines.push(`${indent}${name}: ${flow}`);
    else if (isCollection(value)) {
      lines.push(`${indent}${name}:`);
      lines.push(...emitNode(value, Array.isArray(value) ? indent : indent + INDENT));
    } else lines.push(`${indent}${name}: ${inline(value, indent + INDENT)}`);
  }
  return lines;
}

function emitSequence(items: YamlValue[], indent: string): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const flow = Array.isArray(item) && item.length > 0 ? flowSequence(item) : undefined;
    if (flow !== undefined) lines.push(`${indent}- ${flow}`);
    else if (isCollection(item)) {
      // The item's first line shares the dash; the rest are indented under it.
      const inner = emitNode(item, indent + INDENT);
      lines.push(`${indent}- ${(inner[0] as string).slice(indent.length + INDENT.length)}`, ...inner.slice(1));
    } else lines.push(`${indent}- ${inline(item, indent + INDENT)}`);
  }
  return lines;
}

function emitNode(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) return emitSequence(value, indent);
  if (value !== null && typeof value === 'object') return emitMapping(value, indent);
  return [`${indent}${inline(value, indent)}`];
}

/** The YAML document of `value` (a mapping at the top), ending with a newline. */
export function toYaml(value: { [key: string]: YamlValue }, header = ''): string {
  return `${header}${emitMapping(value, '').join('\n')}\n`;
}
