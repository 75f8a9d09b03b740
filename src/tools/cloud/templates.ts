/**
 * The Jinja templates of the Cloud manifest: Hyros' three timestamp forms to ISO-8601 UTC with the
 * declarative engine's own macros only (no custom Python on Airbyte Cloud). They follow the source's
 * time rules (src/common/time): Java dates read with the source's zone-abbreviation table (a fixed
 * offset per abbreviation, as the source reads them: `EST` is -05:00 whatever the season), epoch
 * numbers below 1e11 are seconds, fractions print as milliseconds, and a value that is none of the
 * forms (or not a real calendar date) is left as sent.
 */
import { formatOffset, ZONE_OFFSETS_MINUTES } from '../../common/time/index.js';

/** How every instant is written: records, request windows and the state cursor. */
export const UTC_FORMAT = '%Y-%m-%dT%H:%M:%SZ';
const UTC_MS_FORMAT = '%Y-%m-%dT%H:%M:%S.%_msZ';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const jinjaDict = (entries: Array<[string, string]>): string => `{${entries.map(([k, v]) => `'${k}': '${v}'`).join(', ')}}`;

/** The source's zone abbreviations as Jinja `{'EST': '-05:00', …}`. */
export function zoneTable(): string {
  return jinjaDict(Object.entries(ZONE_OFFSETS_MINUTES).map(([zone, minutes]) => [zone, formatOffset(minutes)]));
}

const MONTH_TABLE = jinjaDict(MONTHS.map((name, i) => [name, String(i + 1).padStart(2, '0')]));

// The source's grammars (iso.ts, java-date.ts), with component ranges so that the engine's parser
// is only handed what it can read; day-of-month is checked against the month below.
const ISO = String.raw`^(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[Tt ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:[Zz]|[+-](?:0\d|1[0-8])(?::?[0-5]\d)?)?)?)$`;
const JAVA = String.raw`^((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:0?[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d [A-Z]{1,5}(?:[+-](?:0?\d|1[0-8])(?::?[0-5]\d)?)? \d{4})$`;
const GMT_OFFSET = String.raw`^(?:GMT|UTC)([+-]\d{1,2}(?::?\d{2})?)$`;
const EPOCH_DIGITS = String.raw`^(\d{9,15})$`;

/** Whether `year`-`month`-`day` (Jinja expressions) is a day of the calendar. */
const realDay = (year: string, month: string, day: string): string =>
  `${day} <= [31, 29 if (${year} % 4 == 0 and (${year} % 100 != 0 or ${year} % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][${month} - 1]`;

/**
 * Renders the value at `parameters.timestamp_path` (one key, or two for a field of a nested object)
 * as ISO-8601 UTC, or `None` when it is absent, empty or none of Hyros' forms (the AddFields
 * condition then leaves it as sent; an empty rendering would make the engine render the template a
 * second time, as its own default). It runs for every timestamp field of every record, so it reads
 * values by subscript (the sandboxed attribute look-up costs more), and a one-item `for` binds the
 * values one form needs (the engine refuses variables that are set only inside a branch).
 */
export const UTC_TIMESTAMP_TEMPLATE = [
  '{#- A Hyros timestamp (ISO with offset, Java Date.toString(), epoch) as ISO-8601 UTC; None when it is none of them. -#}',
  "{%- set path = parameters['timestamp_path'] -%}",
  '{%- set holder = record[path[0]] if path | length == 2 else record -%}',
  '{%- set v = holder[path[-1]] if holder is mapping else none -%}',
  `{%- if v is string and v | regex_search('${JAVA}') != '' -%}`,
  "  {%- for p in [v.split(' ')] -%}",
  `    {%- set fixed = p[4] | regex_search('${GMT_OFFSET}') -%}`,
  "    {%- set digits = fixed[1:] | replace(':', '') -%}",
  "    {%- set offset = (fixed[0] ~ ('%02d' % ((digits[:-2] if digits | length > 2 else digits) | int)) ~ ':' ~ (digits[-2:] if digits | length > 2 else '00')) if fixed else " +
    `${zoneTable()}[p[4]] -%}`,
  `    {%- set month = ${MONTH_TABLE}[p[1]] -%}`,
  `    {{- format_datetime(p[5] ~ '-' ~ month ~ '-' ~ ('%02d' % (p[2] | int)) ~ 'T' ~ p[3] ~ offset, '${UTC_FORMAT}') if offset and ${realDay("(p[5] | int)", "(month | int)", "(p[2] | int)")} else 'None' -}}`,
  '  {%- endfor -%}',
  `{%- elif v is string and v | regex_search('${ISO}') != '' -%}`,
  `  {%- for d in [str_to_datetime(v) if ${realDay('(v[0:4] | int)', '(v[5:7] | int)', '(v[8:10] | int)')} else none] -%}`,
  `    {{- format_datetime(d.strftime('%Y-%m-%dT%H:%M:%S.%f+00:00'), '${UTC_FORMAT}' if d.microsecond < 1000 else '${UTC_MS_FORMAT}') if d is not none else 'None' -}}`,
  '  {%- endfor -%}',
  `{%- elif (v is number and v is not boolean) or (v is string and v | regex_search('${EPOCH_DIGITS}') != '') -%}`,
  '  {%- for n in [v | float] -%}{%- for ms in [((n * 1000) if (n < 100000000000 and n > -100000000000) else n) | int] -%}',
  `    {{- format_datetime(ms, '${UTC_FORMAT}' if ms % 1000 == 0 else '${UTC_MS_FORMAT}', '%ms') -}}`,
  '  {%- endfor -%}{%- endfor -%}',
  '{%- else -%}None',
  '{%- endif -%}',
].join('\n');

/** AddFields condition: write the field only when the template rendered a value (`None`: nothing to write). */
export const RENDERED_CONDITION = "{{ value != 'None' }}";

/**
 * `occurred_at`: the cursor field as normalised by the timestamp fields before it; a record whose
 * cursor field is missing or unreadable is kept and stamped with its window's start, as the source does.
 */
export const OCCURRED_AT_TEMPLATE = [
  '{%- set v = record.get(parameters.cursor_source) -%}',
  String.raw`{{- v if (v is string and v | regex_search('^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$') != '') else stream_interval['start_time'] -}}`,
].join('\n');

/**
 * The window filter: Hyros' fromDate/toDate are inclusive and the windows meet one second apart
 * (the last one includes the sync end), so a record belongs to exactly one window.
 */
export const IN_WINDOW_CONDITION = "{{ stream_interval['start_time'] <= record['occurred_at'] <= stream_interval['end_time'] }}";

/** A config value with the default the spec shows (the engine does not fill in spec defaults). */
export const configValue = (name: string, fallback: string | number): string =>
  `{{ config.get('${name}', ${typeof fallback === 'number' ? fallback : `'${fallback}'`}) }}`;

/** A config date (YYYY-MM-DD is 00:00:00 UTC) in the window format. */
export const configDate = (name: string): string => `{{ format_datetime(config['${name}'], '${UTC_FORMAT}') }}`;

/** The sync end: end_date clamped to now, or now. */
export const SYNC_END =
  `{{ [format_datetime(config['end_date'], '${UTC_FORMAT}'), now_utc().strftime('${UTC_FORMAT}')] | min if config.get('end_date') else now_utc().strftime('${UTC_FORMAT}') }}`;
