/**
 * stdin as lines, pulled one at a time: the next chunk is read only when the consumer asks for the
 * next line, so a consumer that waits (records without an outcome yet) stops the reading, and the
 * upstream process blocks on its pipe instead of this one buffering the input.
 */
import { StringDecoder } from 'node:string_decoder';

export async function* readLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  for await (const chunk of input) {
    partial += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let newline = partial.indexOf('\n'); newline !== -1; newline = partial.indexOf('\n', start)) {
      const line = partial.slice(start, newline);
      start = newline + 1;
      if (line.trim() !== '') yield line;
    }
    partial = partial.slice(start);
  }
  partial += decoder.end();
  if (partial.trim() !== '') yield partial;
}
