/** The HTTP request of one mapped payload, and the words a rejection is reported with. */
import type { Payload } from './mapping.js';
import type { ObjectDef } from './objects.js';

/** Hyros' message, and for a refund of an order Hyros does not know, what that means. */
export function rejectionReason(object: ObjectDef, payload: Payload, outcome: { status: number; message: string; notFound: boolean }): string {
  const said = `HTTP ${outcome.status}: ${outcome.message}`;
  if (object.name === 'refund' && outcome.notFound) {
    return `${said}. Hyros does not know order ${String(payload.orderId)} (yet): a refund applies only to an order Hyros has processed. Send the order first; in the same input a refund waits for its order.`;
  }
  return said;
}

/** The HTTP request for one payload: a JSON body, or (refunds) the order id in the path and a query. */
export function requestFor(object: ObjectDef, payload: Payload): { path: string; body: unknown; params: Array<[string, string]> } {
  if (object.method === 'DELETE') {
    const params: Array<[string, string]> = payload.refundedAmount === undefined ? [] : [['refundedAmount', String(payload.refundedAmount)]];
    return { path: `${object.path}/${encodeURIComponent(String(payload.orderId))}`, body: undefined, params };
  }
  return { path: object.path, body: payload, params: [] };
}
