#!/usr/bin/env node
/**
 * Prints one JSON object: for each document with examples of the kinds named on the command line, its
 * `sandbox-start` block and those examples, in document order. The Python tests read the documentation
 * through this, so there is one reader of the markers:
 *   node dist/integration_tests/docs/list-examples.js python-sandbox
 */
import { examplesByDocument, sandboxStart, type Example, type ExampleKind } from './examples.js';
import { repoRoot } from '../image/packaging-facts.js';

const root = repoRoot();
const kinds = process.argv.slice(2) as ExampleKind[];
const documents: Record<string, { start: string; examples: Example[] }> = {};
for (const [file, examples] of examplesByDocument(root, kinds)) documents[file] = { start: sandboxStart(root, file).code, examples };
process.stdout.write(`${JSON.stringify(documents)}\n`);
