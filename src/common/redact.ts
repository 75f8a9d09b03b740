/**
 * Secrets registry: every string registered here (the API key, header values) is replaced by
 * `**********` in any text that leaves the process through a LOG, TRACE or status message.
 */
const secrets = new Set<string>();
const MASK = '**********';

export function registerSecret(value: string | undefined): void {
  // Very short values would mask ordinary words; Hyros keys are long.
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(MASK);
  }
  return out;
}

/** For tests only. */
export function clearSecrets(): void {
  secrets.clear();
}
