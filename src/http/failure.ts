// What a failed platform call said, read from every client's shape (axios, fetch, node-fetch,
// Octokit, the platforms' SDKs) without ever keeping a request's headers
// (they carry the tokens), and the verdict the retry policy gives it.
import { redact } from '../secrets.js';

/** A platform's name as errors and counts show it: Neon, GitHub, and each target's (`TargetDefinition.platform`). */
export type Platform = string;

/** What a failed call said, reduced to what the policy and the error message need. */
export interface CallFailure {
  /** HTTP status, when the platform answered. */
  status?: number;
  /** The platform's own message, or the network error's. */
  message: string;
  /** Network error code (ECONNRESET, ETIMEDOUT, ...), when there was no answer. */
  code?: string;
  /** Response headers, lower-cased (never the request's). */
  headers: Record<string, string>;
  /** The parsed response body, when there was one. */
  body?: unknown;
  /** This attempt ran out of its own time limit. */
  timedOut?: boolean;
}

export interface CallOptions {
  platform: Platform;
  /** Says what the call does, e.g. "create branch"; used in logs and errors. */
  operation: string;
  /**
   * False for requests that must not be repeated blindly when their outcome is unknown (a reset or
   * a timeout after the request was sent, a 500 or 502): the policy then retries only answers that
   * say the request was refused (423, 429, 503), and the caller decides after looking again.
   */
  idempotent?: boolean;
  /** Platform-specific answers that are also worth retrying (e.g. a concurrent-update 400). */
  retryIf?: (failure: CallFailure) => boolean;
  /** Statuses that are an answer, not a failure: the call resolves with `undefined`. */
  acceptStatus?: number[];
}

/** A platform call that failed for good. Its message never contains a token or a password. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly platform: Platform,
    readonly operation: string,
    readonly failure: CallFailure,
    readonly attempts: number,
    /** The request may have been applied although it failed (only for non-idempotent calls). */
    readonly outcomeUnknown: boolean,
    detail?: string,
  ) {
    super(formatApiError(platform, operation, failure, attempts, detail));
  }
  get status(): number | undefined {
    return this.failure.status;
  }
}

/** Raised when the run's `timeout` leaves no time for the next wait or attempt. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

function formatApiError(platform: Platform, operation: string, failure: CallFailure, attempts: number, detail?: string): string {
  const what = failure.status !== undefined ? `HTTP ${failure.status}` : failure.timedOut ? 'no answer in time' : failure.code ? `network error ${failure.code}` : 'error';
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const message = oneLine(failure.message).replace(/\.$/, '');
  return `${platform}: ${operation} failed: ${what}: ${message}${tries}${detail ? `. ${detail}` : ''}`;
}

function oneLine(text: string): string {
  // Secrets out before the cut: a cut could leave a prefix of one that no mask would hide.
  const line = redact(text).replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line || 'no message';
}

const RETRY_STATUSES = new Set([423, 429, 500, 502, 503, 504]);
/** Answers that prove the request was not applied, so even a create may be sent again. */
const REFUSED_STATUSES = new Set([423, 429, 503]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * A non-2xx answer to a request sent with `fetch` rather than a platform's client, in the shape
 * `describeFailure` reads: status, response headers, parsed body.
 */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Reads any client's error (axios, fetch, node-fetch, Octokit, the platforms' SDKs). */
export function describeFailure(error: unknown): CallFailure {
  const e = (error ?? {}) as Record<string, unknown>;
  const response = (e.response ?? undefined) as Record<string, unknown> | undefined;
  // Octokit reports a request that got no answer as an HttpError with status 500 and no response.
  const unanswered = e.name === 'HttpError' && !response;
  const status = unanswered ? undefined : firstNumber(e.status, e.statusCode, response?.status);
  const headers = readHeaders(response?.headers ?? e.headers);
  const body = parseBody(response?.data ?? e.json ?? e.body ?? e.data);
  const code = networkCode(error);
  const platformMessage = messageFromBody(body);
  const message = platformMessage ?? (typeof body === 'string' && body.trim() ? body : undefined) ?? (error instanceof Error ? error.message : String(error));
  return { status: status && status > 0 ? status : undefined, message, code, headers, body };
}

function firstNumber(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

function readHeaders(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw || typeof raw !== 'object') return out;
  const source = raw as { forEach?: unknown; toJSON?: unknown };
  if (typeof (raw as Headers).get === 'function' && typeof source.forEach === 'function') {
    (raw as Headers).forEach((value, key) => (out[key.toLowerCase()] = value));
    return out;
  }
  const plain = typeof source.toJSON === 'function' ? (source.toJSON as () => unknown)() : raw;
  for (const [key, value] of Object.entries(plain as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function messageFromBody(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; error?: unknown; errors?: unknown };
  if (b.error && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') {
    return (b.error as { message: string }).message;
  }
  if (typeof b.message === 'string') {
    const extra = Array.isArray(b.errors) ? b.errors.map((x) => (typeof x === 'string' ? x : (x as { message?: string })?.message)).filter(Boolean) : [];
    return extra.length ? `${b.message} (${extra.join('; ')})` : b.message;
  }
  if (typeof b.error === 'string') return b.error;
  return undefined;
}

/** The most telling code along the error's causes: a network code when one of them has it. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  let first: string | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const c = current as { code?: unknown; errno?: unknown; cause?: unknown };
    for (const code of [c.code, c.errno]) {
      if (typeof code !== 'string' || !code) continue;
      if (NETWORK_CODES.has(code)) return code;
      first ??= code;
    }
    current = c.cause;
  }
  return first;
}

/** Milliseconds the platform asked us to wait, from Retry-After or a rate-limit reset header. */
export function requestedWaitMs(failure: CallFailure, now = Date.now()): number | undefined {
  const retryAfter = failure.headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  // The reset time counts when the limit it belongs to is used up: `x-ratelimit-remaining: 0`, or a
  // 429 that does not say (GitHub sends the primary limit's headers on every answer, so a
  // secondary-limit refusal with requests remaining must not wait for the primary reset).
  const reset = failure.headers['x-ratelimit-reset'];
  const remaining = failure.headers['x-ratelimit-remaining'];
  if (reset !== undefined && (remaining === '0' || (failure.status === 429 && remaining === undefined))) {
    const value = Number(reset);
    // Unix seconds (most platforms); a small number is a delay in seconds.
    if (Number.isFinite(value)) return Math.max(0, value > 1e9 ? value * 1000 - now : value * 1000);
  }
  // GitHub: a secondary rate limit that names no wait asks for at least a minute.
  if (isSecondaryRateLimit(failure)) return SECONDARY_LIMIT_WAIT_MS;
  return undefined;
}

/** GitHub's wait after a secondary rate limit answer without `retry-after`. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

function isSecondaryRateLimit(failure: CallFailure): boolean {
  return (failure.status === 403 || failure.status === 429) && /secondary rate limit|abuse detection/i.test(failure.message);
}

/** GitHub's rate limits answer 403 with a wait header, no remaining requests, or their own message. */
export function isRateLimited403(failure: CallFailure): boolean {
  return failure.status === 403 && (failure.headers['retry-after'] !== undefined || failure.headers['x-ratelimit-remaining'] === '0' || isSecondaryRateLimit(failure));
}

type Verdict = 'retry' | 'unknown-outcome' | 'fail';

export function judge(failure: CallFailure, options: CallOptions): Verdict {
  const idempotent = options.idempotent !== false;
  if (failure.status !== undefined) {
    if (REFUSED_STATUSES.has(failure.status) || isRateLimited403(failure)) return 'retry';
    if (options.retryIf?.(failure)) return 'retry';
    if (RETRY_STATUSES.has(failure.status)) return idempotent ? 'retry' : 'unknown-outcome';
    return 'fail';
  }
  if (options.retryIf?.(failure)) return 'retry';
  // Refused connections never reached the platform.
  if (failure.code === 'ECONNREFUSED') return 'retry';
  if (failure.timedOut || (failure.code && NETWORK_CODES.has(failure.code))) return idempotent ? 'retry' : 'unknown-outcome';
  if (/fetch failed|socket hang up|network|terminated/i.test(failure.message)) return idempotent ? 'retry' : 'unknown-outcome';
  return 'fail';
}
