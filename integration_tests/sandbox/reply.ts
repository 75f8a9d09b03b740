/** The sandbox's answer to one request, and the body shapes Hyros uses. */
import { randomBytes } from 'node:crypto';

export interface Reply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** called once the response is written (or the socket is gone) */
  release?: () => void;
}

export const requestId = (): string => randomBytes(16).toString('hex');
export const json = (status: number, obj: unknown): Reply => ({ status, body: JSON.stringify(obj), contentType: 'application/json' });
export const error = (status: number, ...message: string[]): Reply => json(status, { result: 'ERROR', message });
export const text = (status: number, body: string, contentType = 'text/plain'): Reply => ({ status, body, contentType });
export const NOT_FOUND = (): Reply => text(404, 'Not found');
