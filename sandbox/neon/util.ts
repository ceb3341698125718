// Small helpers of the Neon stand-in: ids and passwords shaped like Neon's, timestamps, cursors.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { HttpError } from '../server.js';

const ADJECTIVES = ['aged', 'bitter', 'calm', 'cool', 'dark', 'floral', 'icy', 'lucky', 'misty', 'proud', 'quiet', 'raspy', 'shy', 'silent', 'sweet', 'wispy'];
const NOUNS = ['breeze', 'dream', 'field', 'hill', 'king', 'meadow', 'moon', 'salad', 'smoke', 'snow', 'sound', 'term', 'union', 'voice', 'wave', 'wind'];
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function errorCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT',
    412: 'PRECONDITION_FAILED',
    422: 'UNPROCESSABLE_ENTITY',
    423: 'LOCKED',
    429: 'TOO_MANY_REQUESTS',
    502: 'BAD_GATEWAY',
    503: 'SERVICE_UNAVAILABLE',
  };
  return codes[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'ERROR');
}

/** Per-request context: the request id for error bodies, and a way to fail. */
export class Ctx {
  readonly requestId: string;
  constructor(headers: http.IncomingHttpHeaders) {
    const sent = headers['x-request-id'];
    this.requestId = (Array.isArray(sent) ? sent[0] : sent) || randomUUID();
  }

  fail(status: number, message: string, code = errorCode(status)): never {
    throw new HttpError(status, { code, message, request_id: this.requestId }, { 'x-request-id': this.requestId });
  }
}

/** Seconds precision, as Neon writes its timestamps. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)]!;
}

function randomAlnum(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export function readableId(prefix: 'br' | 'ep'): string {
  return `${prefix}-${pick(ADJECTIVES)}-${pick(NOUNS)}-${randomAlnum(8, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
}

/** Like Neon's generated passwords: `npg_` and 12 alphanumerics. */
export function rolePassword(): string {
  return `npg_${randomAlnum(12)}`;
}

export function lsn(): string {
  return `0/${randomInt(0x1000000, 0xfffffff).toString(16).toUpperCase()}`;
}

export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp with a timezone; undefined when it is not one. */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.parse(value.toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}

export interface Cursor {
  v: string | number;
  s: number;
  by?: string;
  order?: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor | undefined {
  try {
    const parsed = asObject(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    if (!parsed || (typeof parsed.v !== 'string' && typeof parsed.v !== 'number') || typeof parsed.s !== 'number') return undefined;
    return parsed as unknown as Cursor;
  } catch {
    return undefined;
  }
}

export function compareKeys(a: string | number, as: number, b: string | number, bs: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return as - bs;
}
