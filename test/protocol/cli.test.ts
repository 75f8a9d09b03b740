/** The plain-invocation path of the command line: what is read without yargs, and what is left to it. */
import { describe, expect, it } from 'vitest';
import { catalogOption, configOption, parsePlainInvocation, type CommandSpec } from '../../src/protocol/cli.js';

const run = async () => {};
const COMMANDS: CommandSpec[] = [
  { name: 'spec', describe: '', options: {}, run },
  { name: 'check', describe: '', options: { config: configOption }, run },
  {
    name: 'read',
    describe: '',
    options: { config: configOption, catalog: catalogOption, state: { type: 'string', describe: '' }, 'dry-run': { type: 'boolean', describe: '' } },
    run,
  },
];
const parse = (argv: string[]) => {
  const plain = parsePlainInvocation(argv, COMMANDS);
  return plain && { command: plain.command.name, args: plain.args };
};

describe('parsePlainInvocation', () => {
  it('reads the platform invocations, options in any order, flags and --debug included', () => {
    expect(parse(['spec'])).toEqual({ command: 'spec', args: {} });
    expect(parse(['check', '--config', 'c.json'])).toEqual({ command: 'check', args: { config: 'c.json' } });
    expect(parse(['read', '--catalog', 'k.json', '--config', 'c.json', '--state', 's.json', '--debug'])).toEqual({
      command: 'read',
      args: { config: 'c.json', catalog: 'k.json', state: 's.json', 'dry-run': false },
    });
    expect(parse(['read', '--config', 'c.json', '--catalog', 'k.json', '--dry-run'])).toEqual({
      command: 'read',
      args: { config: 'c.json', catalog: 'k.json', state: undefined, 'dry-run': true },
    });
  });

  it.each([
    [[]],
    [['frobnicate']],
    [['check']],
    [['read', '--config', 'c.json']],
    [['check', '--config']],
    [['check', '--config', '--debug']],
    [['check', '--config=c.json']],
    [['check', '--config', 'c.json', '--config', 'd.json']],
    [['check', '--config', 'c.json', '--bogus', 'x']],
    [['check', '--config', 'c.json', 'extra']],
    [['spec', '--help']],
    [['check', '-c', 'c.json']],
  ])('%j is left to yargs (usage, errors, other spellings)', (argv) => {
    expect(parse(argv)).toBeUndefined();
  });
});
