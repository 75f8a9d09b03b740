/** `npm run generate`: rewrites spec/spec.json from the zod config schema. */
import { writeFile } from 'node:fs/promises';
import { buildSpec } from '../spec.js';

const target = new URL('../../../spec/spec.json', import.meta.url);
await writeFile(target, `${JSON.stringify(buildSpec(), null, 2)}\n`);
process.stderr.write(`wrote ${target.pathname}\n`);
