/** destination-hyros spec and check through the built CLI (check against the sandbox). */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDestinationSpec } from '../../src/destination/spec.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../integration_tests/sandbox/server.js';
import { assertBuilt, DESTINATION_CLI_PATH, runCli } from '../helpers/cli.js';
import { TempFiles } from '../helpers/files.js';

const checkedIn = JSON.parse(readFileSync(new URL('../../spec/destination-spec.json', import.meta.url), 'utf8'));
let sandbox: Sandbox | undefined;
const files = new TempFiles();
beforeAll(() => assertBuilt());
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const destination = (args: string[]) => runCli(args, { bin: DESTINATION_CLI_PATH, timeoutMs: 40_000 });

async function check(config: Record<string, unknown>, options: SandboxOptions = {}): Promise<{ status: string; message: string | undefined; code: number | null; stdout: string }> {
  sandbox = await startSandbox(options);
  const path = files.write('config.json', { api_key: 'sandbox-key', base_url: sandbox.baseUrl, ...config });
  const result = await destination(['check', '--config', path]);
  const statuses = result.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  return { status: statuses[0]?.connectionStatus.status, message: statuses[0]?.connectionStatus.message, code: result.code, stdout: result.stdout };
}

describe('destination-hyros spec', () => {
  it('prints one SPEC: the checked-in spec/destination-spec.json, which is what the code generates', async () => {
    expect(buildDestinationSpec()).toEqual(checkedIn);
    const result = await destination(['spec']);
    expect(result.code).toBe(0);
    expect(result.messages).toEqual([{ type: 'SPEC', spec: checkedIn }]);
    expect(checkedIn.supported_destination_sync_modes).toEqual(['append', 'append_dedup']);
    const spec = checkedIn.connectionSpecification;
    expect(spec.required).toEqual(['api_key']);
    expect(spec.properties.api_key.airbyte_secret).toBe(true);
    expect(spec.properties.write_confirmation.enum).toEqual(['accepted', 'processed']);
    expect(spec.properties.streams.items.properties.object.enum).toEqual(['order', 'lead', 'call', 'refund', 'subscription', 'cart']);
    for (const [name, property] of Object.entries(spec.properties as Record<string, any>)) expect(property.description, name).toBeTruthy();
  });

  it('an unknown command or a missing option prints the usage on stderr and exits 2', async () => {
    const result = await destination(['write', '--config', 'x.json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Missing required argument: catalog');
  });
});

describe('destination-hyros check', () => {
  it('SUCCEEDED naming what the key can write; the probes create nothing in Hyros', async () => {
    const result = await check({});
    expect(result).toMatchObject({ status: 'SUCCEEDED', code: 0 });
    expect(result.message).toBe(
      'The API key can write order, lead, call, subscription, cart. The refund role ("Delete Orders") cannot be tested without refunding; a missing one is reported on the first refund.',
    );
    expect(sandbox?.writes()).toEqual([]);
    expect(sandbox?.stats().byPath['POST /orders']).toBe(1);
  });

  it('a wrong key: FAILED saying the key is wrong, and the key never appears', async () => {
    const result = await check({ api_key: 'wrong-key-123456' });
    expect(result.status).toBe('FAILED');
    expect(result.message).toContain('Hyros rejected the API key (HTTP 401: Api key not valid)');
    expect(result.stdout).not.toContain('wrong-key-123456');
  });

  it('without streams: SUCCEEDED when the key can write something, listing what it cannot', async () => {
    const result = await check({}, { missingRoles: ['Create Calls', 'Create Carts'] });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.message).toContain('The API key can write order, lead, subscription. It cannot write call (needs the role "Create Calls", HTTP 403), cart (needs the role "Create Carts", HTTP 403).');
  });

  it('with streams set: FAILED naming the missing role of each configured object (also as an older API\'s bare 401)', async () => {
    const streams = [{ stream: 'crm_calls', object: 'call' }, { stream: 'sales', object: 'order' }];
    const result = await check({ streams }, { missingRoles: ['Create Calls'] });
    expect(result.status).toBe('FAILED');
    expect(result.message).toBe('The API key cannot write every configured object: call (needs the role "Create Calls", HTTP 403). Add the roles under Settings → API in Hyros.');
    await sandbox?.close();
    const bare = await check({ streams }, { missingRoles: ['Create Calls'], bareUnauthorizedForMissingRole: true });
    expect(bare.message).toBe('The API key cannot write every configured object: call (needs the role "Create Calls", HTTP 401). Add the roles under Settings → API in Hyros.');
  });

  it('a key with no write role at all: FAILED', async () => {
    const result = await check({}, { missingRoles: ['Create Orders', 'Create Leads', 'Create Calls', 'Create Subscriptions', 'Create Carts'] });
    expect(result.status).toBe('FAILED');
    expect(result.message).toMatch(/^The API key cannot write to Hyros: order \(needs the role "Create Orders", HTTP 403\)/);
  });

  it('an account_id the key is not connected to: FAILED naming the account', async () => {
    const result = await check({ account_id: 'acc-404' }, { accounts: ['acc-1'] });
    expect(result.status).toBe('FAILED');
    expect(result.message).toBe('Client account acc-404 (account_id): Hyros refused the client account (HTTP 403: Not authorized: account acc-404 is not one of your connected client accounts.). Remove it from account_ids or approve the connection in Hyros.');
    await sandbox?.close();
    expect((await check({ account_id: 'acc-1' }, { accounts: ['acc-1'] })).status).toBe('SUCCEEDED');
  });

  it('write_confirmation processed on an API without GET /requests/{id} or without its role: FAILED saying which', async () => {
    const noEndpoint = await check({ write_confirmation: 'processed' }, { requestStatusEndpoint: false });
    expect(noEndpoint.status).toBe('FAILED');
    expect(noEndpoint.message).toContain('write_confirmation processed needs GET /requests/{id} (API v1.41+, role "Get Request Status"): Hyros answered 404: Not found');
    await sandbox?.close();
    const noRole = await check({ write_confirmation: 'processed' }, { missingRoles: ['Get Request Status'] });
    expect(noRole.message).toContain('The API key lacks the Hyros role Get Request Status');
    await sandbox?.close();
    expect((await check({ write_confirmation: 'processed' })).status).toBe('SUCCEEDED');
  });

  it('a bad config: FAILED naming the field, without any request', async () => {
    const result = await check({ timezone: 'Mars/Olympus', max_rejected_percent: 150 });
    expect(result.status).toBe('FAILED');
    expect(result.message).toBe('Invalid config: max_rejected_percent: expected a number from 0 to 100.');
    const tz = await check({ timezone: 'Mars/Olympus' });
    expect(tz.message).toBe('Invalid config: timezone: expected an IANA time zone such as America/New_York or an offset such as -05:00, got "Mars/Olympus".');
    const offset = await check({ timezone: 'UTC+19:00' });
    expect(offset.message).toBe('Invalid config: timezone: expected an IANA time zone such as America/New_York or an offset such as -05:00, got "UTC+19:00": offset +19:00 is outside -18:00…+18:00.');
    const http = await check({ base_url: 'http://api.example.com/v1/api/v1.0' });
    expect(http.message).toContain('plain http:// is only allowed for a loopback host');
  });
});
