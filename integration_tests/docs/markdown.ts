/**
 * What the documentation tests read from a Markdown file: its headings (with the anchors GitHub gives
 * them), its links, and the order Airbyte's connector-documentation template asks of the headings.
 */

export interface Heading {
  level: number;
  text: string;
  line: number;
}

/** The lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      return;
    }
    if (marker) {
      fence = marker;
      return;
    }
    out.push([i + 1, line]);
  });
  return out;
}

/** Inline Markdown reduced to its text: links to their label, code and emphasis marks dropped. */
function plain(inline: string): string {
  return inline.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '').trim();
}

export function headings(text: string): Heading[] {
  const found: Heading[] = [];
  for (const [line, content] of proseLines(text)) {
    const m = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(content);
    if (m) found.push({ level: m[1]!.length, text: plain(m[2]!), line });
  }
  return found;
}

/** GitHub's anchor of a heading text (lower case, punctuation dropped, spaces to hyphens). */
export function slug(headingText: string): string {
  return headingText.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor of a document, duplicates numbered as GitHub numbers them (`x`, `x-1`, …). */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const heading of headings(text)) {
    const base = slug(heading.text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

export interface Link {
  target: string;
  line: number;
}

/** Inline links `[label](target)` of the prose (not in code blocks or inline code). */
export function links(text: string): Link[] {
  const found: Link[] = [];
  for (const [line, content] of proseLines(text)) {
    const prose = content.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) found.push({ target: m[1]!, line });
  }
  return found;
}

/** The prose of a document (without fenced code), for searching what it says. */
export function prose(text: string): string {
  return proseLines(text).map(([, line]) => line).join('\n');
}

/** The text under a heading, up to the next heading of any level. */
export function section(text: string, headingText: string): string {
  const lines = text.split('\n');
  const all = headings(text);
  const index = all.findIndex((h) => h.text === headingText);
  if (index < 0) return '';
  const end = all[index + 1]?.line ?? lines.length + 1;
  return lines.slice(all[index]!.line, end - 1).join('\n');
}

const SPECIFIC = '{ connector-specific }';

/**
 * Airbyte's template order for a connector page (its QA check: connectors_qa, documentation): the
 * headings by name, in this order; `optional` ones may be left out; at SPECIFIC any headings of the
 * connector's own may stand. "Step 1: " / "Step 2: " prefixes do not count.
 */
export function templateHeadings(name: string): { expected: string[]; optional: Set<string> } {
  const expected = [
    name, 'Prerequisites', 'Setup guide', `Set up ${name}`, 'For Airbyte Cloud:', 'For Airbyte Open Source:', SPECIFIC,
    `Set up the ${name} connector in Airbyte`, 'For Airbyte Cloud:', 'For Airbyte Open Source:', SPECIFIC,
    'Supported sync modes', 'Supported Streams', SPECIFIC, 'Performance considerations', 'Data type map',
    'Limitations & Troubleshooting', SPECIFIC, 'Tutorials', 'Changelog',
  ];
  const optional = new Set([
    `Set up the ${name} connector in Airbyte`, 'For Airbyte Cloud:', 'For Airbyte Open Source:', SPECIFIC,
    'Performance considerations', 'Data type map', 'Limitations & Troubleshooting', 'Tutorials',
  ]);
  return { expected, optional };
}

/** Where the headings of a page leave Airbyte's template order; empty when they follow it. */
export function templateOrderProblems(text: string, name: string): string[] {
  const actual = headings(text).map((h) => h.text.replace(/^Step [12]: /, ''));
  const { expected, optional } = templateHeadings(name);
  let a = 0;
  let e = 0;
  while (a < actual.length && e < expected.length) {
    const want = expected[e]!;
    const got = actual[a]!;
    if (want === SPECIFIC) {
      if (expected.includes(got)) e++;
      else a++;
    } else if (got === want) {
      a++;
      e++;
    } else if (optional.has(want)) {
      e++;
    } else {
      return [`heading "${got}" is out of the template's order (expected "${want}" here)`];
    }
  }
  const missing = expected.slice(e).filter((h) => !optional.has(h));
  if (a < actual.length) return [`headings after the last template heading: ${actual.slice(a).join(', ')}`];
  return missing.length > 0 ? [`missing headings: ${missing.join(', ')}`] : [];
}
