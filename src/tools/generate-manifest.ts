/** `npm run generate` (second half): rewrites cloud/source-hyros/manifest.yaml from the source's stream declarations. */
import { writeFile } from 'node:fs/promises';
import { manifestYaml } from './cloud/manifest-file.js';

const target = new URL('../../../cloud/source-hyros/manifest.yaml', import.meta.url);
await writeFile(target, manifestYaml());
process.stderr.write(`wrote ${target.pathname}\n`);
