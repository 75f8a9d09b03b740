/** The manifest's YAML emitter: what it writes plain, quoted, as a literal block and as a flow list. */
import { describe, expect, it } from 'vitest';
import { isPlain, toYaml } from '../../src/tools/cloud/yaml.js';

describe('toYaml', () => {
  it('writes plain only what YAML reads back as the same string', () => {
    for (const text of ['DeclarativeSource', 'API-Key', '$ref', 'tags/count', 'PT1S', 'a b', "it's"]) expect(isPlain(text), text).toBe(true);
    for (const text of ['7.39.1', '30', '-1', '.5', 'true', 'no', 'Off', 'null', '~', '', ' x', 'x ', 'a: b', 'a #b', '#/definitions/x', '{{ x }}', '%Y', '- x', '* x', '&x', '!x', '@x', '[x]', '"x"', "'x'", '12:30']) {
      expect(isPlain(text), text).toBe(false);
    }
  });

  it('writes mappings, lists of mappings, flow lists and quoted scalars', () => {
    const text = toYaml({
      version: '7.39.1',
      type: 'DeclarativeSource',
      check: { stream_names: ['stages'] },
      codes: [500, 502],
      empty: [],
      nothing: {},
      flags: [true, null],
      items: [{ type: 'A', path: ['x', 'a,b'] }, 'plain', ['nested']],
      template: "{{ config['x'] }}",
    }, '# header\n');
    expect(text).toBe(
      [
        '# header',
        'version: "7.39.1"',
        'type: DeclarativeSource',
        'check:',
        '  stream_names: [stages]',
        'codes: [500, 502]',
        'empty: []',
        'nothing: {}',
        'flags: [true, null]',
        'items:',
        '- type: A',
        '  path: [x, "a,b"]',
        '- plain',
        '- [nested]',
        'template: "{{ config[\'x\'] }}"',
        '',
      ].join('\n'),
    );
  });

  it('writes multi-line text as a literal block, and falls back to quotes when a block cannot hold it', () => {
    expect(toYaml({ t: '{%- set a = 1 -%}\n{{ a }}' })).toBe('t: |-\n  {%- set a = 1 -%}\n  {{ a }}\n');
    expect(toYaml({ list: ['a\n\nb'] })).toBe('list:\n- |-\n  a\n\n  b\n');
    expect(toYaml({ t: 'trailing \nspace' })).toBe('t: "trailing \\nspace"\n');
    expect(toYaml({ t: 'ends\n' })).toBe('t: "ends\\n"\n');
    expect(toYaml({ t: ' indented\nx' })).toBe('t: " indented\\nx"\n');
  });

  it('refuses numbers YAML cannot hold', () => {
    expect(() => toYaml({ n: Number.NaN })).toThrow(RangeError);
  });
});
