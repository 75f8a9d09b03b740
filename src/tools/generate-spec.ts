/** `npm run generate`: rewrites spec/spec.json (source) and spec/destination-spec.json from their zod config schemas. */
import { writeFile } from 'node:fs/promises';
import { buildDestinationSpec } from '../destination/spec.js';
import { buildSpec } from '../source/spec.js';

for (const [file, spec] of [['spec.json', buildSpec()], ['destination-spec.json', buildDestinationSpec()]] as const) {
  const target = new URL(`../../../spec/${file}`, import.meta.url);
  await writeFile(target, `${JSON.stringify(spec, null, 2)}\n`);
  process.stderr.write(`wrote ${target.pathname}\n`);
}
