/**
 * Heap sizing for a long `read` (source) or `write` (destination), applied in-process so it holds however the connector is started
 * (`npx source-hyros`, `node dist/src/source/main.js`, the image): command-line V8 flags reach only the
 * first of those.
 *
 * The live set of a read is small and bounded by design (a page per request chain, released as soon
 * as it is emitted; stdout backpressure between pages), but V8 sizes its heap for the host's RAM:
 * the young generation grows to 32 MB and garbage of 375 KB page bodies piles up between full
 * collections, so RSS reaches 160+ MB for a live set under 20 MB. Two V8 settings that V8 reads at
 * run time bound that: the young generation stops growing at YOUNG_GENERATION_MB (checked on a
 * timer until then, since its maximum is fixed at start-up), and the old generation grows by
 * HEAP_GROWING_PERCENT over the live set before the next full collection.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const YOUNG_GENERATION_MB = 8;
const HEAP_GROWING_PERCENT = 25;
const CHECK_EVERY_MS = 20;

let applied = false;

export function boundHeapForStreaming(): void {
  if (applied || process.env.SOURCE_HYROS_V8_DEFAULTS === '1') return;
  applied = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const capBytes = YOUNG_GENERATION_MB * 1024 * 1024;
  const timer = setInterval(() => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (young === undefined || young.space_size >= capBytes) {
      setFlagsFromString('--semi-space-growth-factor=1');
      clearInterval(timer);
    }
  }, CHECK_EVERY_MS);
  timer.unref();
}
