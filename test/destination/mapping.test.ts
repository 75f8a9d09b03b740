/** Record → Hyros payload per object: every alias, every invalid case, dates with and without offsets. */
import { describe, expect, it } from 'vitest';
import { DayClock, parseTimezone } from '../../src/common/time/index.js';
import { mapRecord, naturalKey } from '../../src/destination/mapping.js';
import { OBJECTS } from '../../src/destination/objects.js';
import { maskEmail, toDate } from '../../src/destination/values.js';

const utc = new DayClock(() => 0);
const newYork = new DayClock(parseTimezone('America/New_York') as (ms: number) => number);
const map = (object: keyof typeof OBJECTS, record: Record<string, unknown>, clock = utc, renames?: Record<string, string>) =>
  mapRecord(OBJECTS[object], record, { clock, ...(renames ? { renames } : {}), nowMs: Date.parse('2026-12-01T00:00:00Z') });

describe('order mapping', () => {
  it("maps the seed's example warehouse row unchanged into a one-item order", () => {
    const result = map('order', { email: 'ann@example.com', sale_id: 'S-1001', amount: '49.90', currency: 'USD', occurred_at: '2026-03-01T10:00:00Z', product: 'Pro plan' });
    expect(result).toEqual({
      ok: true,
      key: 'order:S-1001',
      payload: { orderId: 'S-1001', date: '2026-03-01T10:00:00+00:00', email: 'ann@example.com', currency: 'USD', items: [{ name: 'Pro plan', price: 49.9 }] },
    });
  });

  it('reads every order alias: order_id, item_name, external_id, first/last name, phone, snake_case money fields', () => {
    const result = map('order', {
      order_id: 'ord_7', phone: '+15550100', first_name: 'Ann', last_name: 'Lee', occurred_at: '2026-03-01T10:00:00-05:00',
      item_name: 'Widget', amount: 10, quantity: '2', external_id: 'sku-ext', cost_of_goods: '1.5', item_discount: 0.5,
      shipping_cost: '4.00', order_discount: 1, hard_cost: '0.30', price_format: 'decimal', lead_ips: '10.0.0.1', parent_email: 'p@example.org',
    });
    expect(result).toEqual({
      ok: true,
      key: 'order:ord_7',
      payload: {
        orderId: 'ord_7', date: '2026-03-01T10:00:00-05:00', phoneNumbers: ['+15550100'], parentEmail: 'p@example.org', firstName: 'Ann', lastName: 'Lee',
        leadIps: ['10.0.0.1'], shippingCost: 4, orderDiscount: 1, hardCost: 0.3, priceFormat: 'DECIMAL',
        items: [{ name: 'Widget', price: 10, quantity: 2, externalId: 'sku-ext', costOfGoods: 1.5, itemDiscount: 0.5 }],
      },
    });
  });

  it('takes items as an array or as a JSON string, Hyros names and aliases inside each item', () => {
    const items = [{ name: 'Alpha', price: '1.00', sku: 'A' }, { product: 'Beta', amount: 2, taxes: '0.2' }];
    const base = { email: 'a@b.co', orderId: 'o1', date: '2026-01-02T03:04:05Z' };
    const expected = [{ name: 'Alpha', price: 1, sku: 'A' }, { name: 'Beta', price: 2, taxes: 0.2 }];
    expect(map('order', { ...base, items })).toMatchObject({ ok: true, payload: { items: expected } });
    expect(map('order', { ...base, items: JSON.stringify(items) })).toMatchObject({ ok: true, payload: { items: expected } });
  });

  it('omits null and empty values and fields Hyros does not document', () => {
    const result = map('order', { email: 'a@b.co', orderId: 'o1', date: '2026-01-02', name: 'Thing', price: 3, currency: null, firstName: '', tags: ['x'], internal_note: 'n' });
    expect(result).toEqual({ ok: true, key: 'order:o1', payload: { orderId: 'o1', date: '2026-01-02T00:00:00+00:00', email: 'a@b.co', items: [{ name: 'Thing', price: 3 }] } });
  });

  it('applies configured renames (Hyros field → record field) before names and aliases', () => {
    const result = map('order', { customer_email: 'c@d.io', email: 'ignored@x.io', ref: 'R-1', ts: '2026-05-05T05:05:05Z', title: 'Gadget', total: '9' }, utc, {
      email: 'customer_email', orderId: 'ref', date: 'ts', name: 'title', price: 'total',
    });
    expect(result).toMatchObject({ ok: true, payload: { email: 'c@d.io', orderId: 'R-1', date: '2026-05-05T05:05:05+00:00', items: [{ name: 'Gadget', price: 9 }] } });
  });

  it.each([
    [{ orderId: 'o1', date: '2026-01-01', name: 'Thing', price: 1 }, ['email or phoneNumbers: at least one is required']],
    [{ email: 'a@b.co', date: '2026-01-01', name: 'Thing', price: 1 }, ['orderId: is required']],
    [{ email: 'a@b.co', orderId: 'has space', date: '2026-01-01', name: 'Thing', price: 1 }, ['orderId: expected only letters, digits, _ . : - and no spaces, got "has space"']],
    [{ email: 'a@b.co', orderId: 'o1', name: 'Thing', price: 1 }, ['date: is required']],
    [{ email: 'a@b.co', orderId: 'o1', date: 'yesterday', name: 'Thing', price: 1 }, ['date: expected an ISO-8601 date-time such as 2026-03-01T14:30:00-05:00, got "yesterday"']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-02-30', name: 'Thing', price: 1 }, ['date: expected a real calendar date and time (day 30 does not exist in February 2026, which has 28 days), got "2026-02-30"']],
    [
      { email: 'a@b.co', orderId: 'o1', date: '2026-03-01T10:00:00+19:00', name: 'Thing', price: 1 },
      ['date: expected an offset between -18:00 and +18:00 (offset +19:00 is outside -18:00…+18:00), got "2026-03-01T10:00:00+19:00"'],
    ],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-03-01 24:00', name: 'Thing', price: 1 }, ['date: expected a real calendar date and time (hour 24 is not 00–23), got "2026-03-01 24:00"']],
    [
      { email: 'a@b.co', orderId: 'o1', date: 1e20, name: 'Thing', price: 1 },
      ['date: expected an ISO-8601 date-time such as 2026-03-01T14:30:00-05:00 or epoch seconds/milliseconds (100000000000000000000 is beyond the instants a date can hold), got 100000000000000000000'],
    ],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01' }, ['items: at least one item is required (give items, or name and price on the record)']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01', name: 'Th', price: 1 }, ['name: expected at least 3 characters, got "Th"']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01', name: 'Thing', price: '1,5' }, ['price: expected a number such as 12.5 or "12.50", got "1,5"']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01', name: 'Thing' }, ['price: is required']],
    [{ email: 'not-an-email', orderId: 'o1', date: '2026-01-01', name: 'Thing', price: 1 }, ['email: expected an email address like name@example.com, got "not-an-email"']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01', items: '[{"name":"Thing"' }, ['items: expected a JSON array of items']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01', items: [] }, ['items: at least one item is required (give items, or name and price on the record)']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01', items: '[]' }, ['items: at least one item is required']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01', items: [{ name: 'Thing', price: 'free' }] }, ['items[0].price: expected a number such as 12.5 or "12.50", got "free"']],
    [{ email: 'a@b.co', orderId: 'o1', date: '2026-01-01', name: 'Thing', price: 1, priceFormat: 'CENTS' }, ['priceFormat: expected one of DECIMAL, INTEGER, got "CENTS"']],
  ])('invalid order %j', (record, problems) => {
    const result = map('order', record);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual(problems);
  });

  it('masks an email in a problem message (they go to logs)', () => {
    const result = map('order', { email: 'ann@example.com', parentEmail: 'bob@example', orderId: 'o1', date: '2026-01-01', name: 'Thing', price: 1 });
    expect(result.ok ? [] : result.problems).toEqual(['parentEmail: expected an email address like name@example.com, got "bob@example"']);
    const masked = map('order', { email: 'x', orderId: 'o1', date: 'ann@example.com', name: 'Thing', price: 1 });
    expect(masked.ok ? [] : masked.problems.join(' ')).toContain('"a***@example.com"');
  });
});

describe('dates', () => {
  it('keeps an explicit offset, reads naive date-times and bare dates in the configured timezone, drops sub-seconds', () => {
    expect(toDate('2026-03-01T10:00:00+02:00', newYork)).toBe('2026-03-01T10:00:00+02:00');
    expect(toDate('2026-03-01T10:00:00.987Z', newYork)).toBe('2026-03-01T10:00:00+00:00');
    expect(toDate('2026-03-01T10:00:00+0530', newYork)).toBe('2026-03-01T10:00:00+05:30');
    expect(toDate('2026-03-01 10:00:00', newYork)).toBe('2026-03-01T10:00:00-05:00');
    expect(toDate('2026-07-01T10:00', newYork)).toBe('2026-07-01T10:00:00-04:00');
    expect(toDate('2026-07-01', newYork)).toBe('2026-07-01T00:00:00-04:00');
    expect(toDate('2026-07-01T10:00:00', new DayClock(parseTimezone('+09:30') as (ms: number) => number))).toBe('2026-07-01T10:00:00+09:30');
    expect(toDate(Date.parse('2026-03-01T15:00:00Z'), newYork)).toBe('2026-03-01T10:00:00-05:00');
    expect(toDate(Date.parse('2026-03-01T15:00:00Z') / 1000, utc)).toBe('2026-03-01T15:00:00+00:00');
  });

  it('the instant is the same whatever form it came in', () => {
    const forms = ['2026-03-08T07:30:00Z', '2026-03-08T03:30:00-04:00', '2026-03-08 03:30:00', Date.parse('2026-03-08T07:30:00Z')];
    const instants = forms.map((form) => Date.parse(toDate(form, newYork) as string));
    expect(new Set(instants)).toEqual(new Set([Date.parse('2026-03-08T07:30:00Z')]));
  });
});

describe('lead, call, refund, subscription, cart mapping', () => {
  it('lead: occurred_at → tagsDate, tags as list or JSON string, key = email lower-cased, else phone', () => {
    expect(map('lead', { email: 'Ann@Example.com', tags: '["$vip","@fb"]', occurred_at: '2026-03-01T00:00:00Z', first_name: 'Ann' })).toEqual({
      ok: true,
      key: 'lead:ann@example.com',
      payload: { email: 'Ann@Example.com', firstName: 'Ann', tags: ['$vip', '@fb'], tagsDate: '2026-03-01T00:00:00+00:00' },
    });
    expect(map('lead', { phone_numbers: ['+15550100', '+15550101'] })).toEqual({ ok: true, key: 'lead:+15550100', payload: { phoneNumbers: ['+15550100', '+15550101'] } });
    expect(map('lead', { firstName: 'Nobody' })).toMatchObject({ ok: false, problems: ['email or phoneNumbers: at least one is required'] });
    expect(map('lead', { email: 'a@b.co', tagsDate: '2027-01-01T00:00:00Z' })).toMatchObject({ ok: false, problems: ['tagsDate: Hyros refuses a tag date in the future, got "2027-01-01T00:00:00+00:00"'] });
  });

  it('call: name, email, externalId, date required; state enum (case-insensitive)', () => {
    expect(map('call', { external_id: 'c-1', name: 'Discovery', email: 'a@b.co', occurred_at: '2026-03-01T09:00:00Z', state: 'no_show' })).toEqual({
      ok: true,
      key: 'call:c-1',
      payload: { externalId: 'c-1', name: 'Discovery', email: 'a@b.co', date: '2026-03-01T09:00:00+00:00', state: 'NO_SHOW' },
    });
    expect(map('call', { state: 'MAYBE' })).toMatchObject({
      ok: false,
      problems: ['externalId: is required', 'name: is required', 'email: is required', 'date: is required', 'state: expected one of QUALIFIED, UNQUALIFIED, CANCELLED, NO_SHOW, got "MAYBE"'],
    });
  });

  it('refund: order id and the total refunded amount; the key space is shared with orders', () => {
    expect(map('refund', { order_id: 'o1', refunded_amount: '12.50' })).toEqual({ ok: true, key: 'order:o1', payload: { orderId: 'o1', refundedAmount: 12.5 } });
    expect(naturalKey(OBJECTS.refund, { orderId: 'o1' })).toBe(naturalKey(OBJECTS.order, { orderId: 'o1' }));
  });

  it('subscription: Hyros enums and startDate from occurred_at', () => {
    expect(map('subscription', { subscription_id: 's1', email: 'a@b.co', status: 'active', occurred_at: '2026-01-01', price: '19.99', periodicity: 'month' })).toEqual({
      ok: true,
      key: 'subscription:s1',
      payload: { subscriptionId: 's1', status: 'ACTIVE', startDate: '2026-01-01T00:00:00+00:00', price: 19.99, periodicity: 'MONTH', email: 'a@b.co' },
    });
    expect(map('subscription', { subscription_id: 's1', email: 'a@b.co', status: 'ON', occurred_at: '2026-01-01', price: 1, periodicity: 'HOUR' })).toMatchObject({
      ok: false,
      problems: [
        `status: expected one of ACTIVE, TRIALING, CANCELED, PAST_DUE, INCOMPLETE, INCOMPLETE_EXPIRED, UNPAID, COMPLETED, PAUSED, got "ON"`,
        'periodicity: expected one of DAY, WEEK, MONTH, QUARTER, YEAR, got "HOUR"',
      ],
    });
  });

  it('cart: cartId and at least one item', () => {
    expect(map('cart', { cart_id: 'k1', email: 'a@b.co', product: 'Widget', amount: 5 })).toEqual({ ok: true, key: 'cart:k1', payload: { cartId: 'k1', email: 'a@b.co', items: [{ name: 'Widget', price: 5 }] } });
    expect(map('cart', { email: 'a@b.co' })).toMatchObject({ ok: false, problems: ['cartId: is required', 'items: at least one item is required (give items, or name and price on the record)'] });
  });

  it('masks emails for logs', () => {
    expect(maskEmail('ann.lee@example.com')).toBe('a***@example.com');
  });
});
