/**
 * The benchmark's baseline: the least work that moves the same data — fetch every page of
 * /sales in order, parse it, wrap each record in an Airbyte RECORD message and print it. No
 * limiter, no retries, no windows, no normalisation.
 * Usage: node dist/scripts/bare-loop.js BASE_URL API_KEY FROM TO
 */
const [baseUrl, apiKey, from, to] = process.argv.slice(2) as [string, string, string, string];
let pageId: string | undefined;
let buffer = '';
for (let page = 0; page < 1_000_000; page++) {
  const url = new URL(`${baseUrl}/sales`);
  url.searchParams.set('fromDate', from);
  url.searchParams.set('toDate', to);
  url.searchParams.set('pageSize', '250');
  if (pageId) url.searchParams.set('pageId', pageId);
  const response = await fetch(url, { headers: { 'API-Key': apiKey, Accept: 'application/json' } });
  const body = (await response.json()) as { result: unknown[]; nextPageId?: string | null };
  const emittedAt = Date.now();
  for (const record of body.result) {
    buffer += `${JSON.stringify({ type: 'RECORD', record: { stream: 'sales', data: record, emitted_at: emittedAt } })}\n`;
    if (buffer.length > 65536) {
      if (!process.stdout.write(buffer)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      buffer = '';
    }
  }
  if (!body.nextPageId || body.result.length === 0) break;
  pageId = body.nextPageId;
}
process.stdout.write(buffer);
