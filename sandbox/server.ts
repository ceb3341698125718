// The common machinery of every platform stand-in: an HTTP server on 127.0.0.1 with a router,
// injected latency and faults, a log of every request, and a check of each request against the
// platform's published API description. Each platform file (neon.ts, vercel.ts, ...) only adds
// routes and state.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Transient failures a stand-in can inject, as the real platforms produce them. */
export type FaultKind = '429' | '423' | '500' | '502' | '503' | 'reset' | 'slow';

export interface FaultPlan {
  /** Share of requests (0..1) that fail transiently. */
  rate: number;
  /** Which faults to draw from; every kind when omitted. */
  kinds?: FaultKind[];
  /** Seed of the pseudo-random draw, so a run can be repeated. */
  seed?: number;
  /** How long a `slow` response is held before it is sent (after the request was applied). */
  slowMs?: number;
  /** Seconds a 429 asks the client to wait (Retry-After / reset header). */
  retryAfterSeconds?: number;
}

/**
 * A request the test wants to fail on purpose, the next `times` times it matches. `status` is an
 * HTTP status, or a broken connection:
 * - `reset`: the socket is destroyed without an answer;
 * - `hang`: the request is accepted and never answered (no headers ever), until the client gives up
 *   or the stand-in stops (a platform that stalls, issue #16 point 9);
 * - `cut`: the request is applied, then the real answer's status line and headers go out with its
 *   full `content-length`, only part of the body follows and the socket is destroyed (a body that
 *   does not arrive whole, issue #16 point 10). An answer without a body is cut before its headers.
 */
export interface ForcedFailure {
  method?: string;
  /** Matched against the path (without query). */
  path: RegExp;
  status: number | 'reset' | 'hang' | 'cut';
  body?: unknown;
  headers?: Record<string, string>;
  times?: number;
  /** Apply the request first, then fail the response (the client cannot know it landed). `cut` always applies first. */
  afterApply?: boolean;
  /**
   * With a numeric status: the error body (the platform's shape, `errorBody`) has the message
   * `invalid value: <the raw request body>`, as validation errors that quote the request do
   * (issue #16 point 6). `body` is then ignored.
   */
  echoRequest?: boolean;
}

/** A request the test holds before it is handled (see `hold`). */
export interface Hold {
  /** Resolves when a matching request has arrived and is waiting. */
  arrived: Promise<void>;
  /** Lets it be handled. */
  release(): void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The status sent, or -1 when no answer went out (reset, a hang the client gave up on). */
  status: number;
  /** `forced` for a forced status or reset; `hang` / `cut` for those forced failures. */
  fault?: FaultKind | 'forced' | 'hang' | 'cut';
  at: number;
}

export interface StandInRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Every value of a repeated query parameter. */
  queryAll: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  rawBody: string;
}

export interface StandInResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: StandInRequest) => StandInResponse | Promise<StandInResponse>;

/** A response with a status other than 2xx; thrown by handlers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * Checks one request against an API description. Returns the violations (empty when the
 * request is valid). `undefined` means the description has no such operation.
 */
export interface RequestCheck {
  check(req: { method: string; path: string; query: Record<string, string>; headers: http.IncomingHttpHeaders; body: unknown }): string[];
}

export interface StandInOptions {
  /** Added before every response, in milliseconds. */
  latencyMs?: number;
  faults?: FaultPlan;
  /** Checks every request; a violation is answered with 400 and recorded in `violations`. */
  requestCheck?: RequestCheck;
  /** Builds the platform's error body for a status and message. */
  errorBody?: (status: number, message: string) => unknown;
  /** Headers sent with an injected 429, given the seconds to wait. */
  rateLimitHeaders?: (seconds: number) => Record<string, string>;
  /** Path prefix the platform serves under (e.g. `/api/v1`); routes are declared without it. */
  basePath?: string;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** Small deterministic PRNG (mulberry32), so fault runs can be replayed with a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALL_FAULTS: FaultKind[] = ['429', '423', '500', '502', '503', 'reset', 'slow'];

export class StandIn {
  readonly requests: RecordedRequest[] = [];
  /** Requests that did not match the API description, as `METHOD /path: problem`. */
  readonly violations: string[] = [];
  private readonly routes: Route[] = [];
  private readonly forced: ForcedFailure[] = [];
  private readonly holds: { method: string; path: RegExp; body?: (body: unknown, query: Record<string, string>) => boolean; arrive: () => void; released: Promise<void> }[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private random: () => number = Math.random;
  private options: StandInOptions;
  url = '';

  constructor(
    readonly platform: string,
    options: StandInOptions = {},
  ) {
    this.options = { ...options };
    if (options.faults?.seed !== undefined) this.random = seededRandom(options.faults.seed);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(this.errorBody(500, `stand-in error: ${String(error)}`)));
        }
      });
    });
    this.server.keepAliveTimeout = 1000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  route(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  setLatency(ms: number): void {
    this.options.latencyMs = ms;
  }

  setFaults(plan: FaultPlan | undefined): void {
    this.options.faults = plan;
    if (plan?.seed !== undefined) this.random = seededRandom(plan.seed);
  }

  /** The next matching request(s) fail with the given status, then the rule is spent. */
  failNext(failure: ForcedFailure): void {
    if (failure.echoRequest && typeof failure.status !== 'number') throw new Error('failNext: echoRequest needs a numeric status');
    this.forced.push({ times: 1, ...failure });
  }

  /** Forgets every forced failure not yet spent. */
  clearFailures(): void {
    this.forced.length = 0;
  }

  /**
   * Holds the next request that matches (method, path without the base path, and `body` when
   * given) once it passed the API check, until `release()`; then it is handled as any other. Lets
   * a test order the requests of runs that race.
   */
  hold(method: string, path: RegExp, body?: (body: unknown, query: Record<string, string>) => boolean): Hold {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ method: method.toUpperCase(), path, body, arrive, released });
    return { arrived, release };
  }

  /** Requests whose path (without the base path) matches, optionally of one method. */
  requestsTo(path: RegExp, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => path.test(r.path) && (!method || r.method === method.toUpperCase()));
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    const { port: bound } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${bound}${this.options.basePath ?? ''}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  errorBody(status: number, message: string): unknown {
    return this.options.errorBody ? this.options.errorBody(status, message) : { message };
  }

  private drawFault(): FaultKind | undefined {
    const plan = this.options.faults;
    if (!plan || plan.rate <= 0) return undefined;
    if (this.random() >= plan.rate) return undefined;
    const kinds = plan.kinds?.length ? plan.kinds : ALL_FAULTS;
    return kinds[Math.floor(this.random() * kinds.length)];
  }

  private takeForced(method: string, path: string): ForcedFailure | undefined {
    const index = this.forced.findIndex((f) => (!f.method || f.method.toUpperCase() === method) && f.path.test(path));
    if (index < 0) return undefined;
    const rule = this.forced[index]!;
    rule.times = (rule.times ?? 1) - 1;
    if (rule.times <= 0) this.forced.splice(index, 1);
    return rule;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    const base = this.options.basePath ?? '';
    let path = decodeURI(url.pathname);
    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const query = Object.fromEntries(url.searchParams.entries());
    const record: RecordedRequest = { method, path, query, headers: req.headers, body, status: 0, at: Date.now() };
    this.requests.push(record);

    if (this.options.latencyMs) await sleep(this.options.latencyMs);

    const send = (response: StandInResponse): void => {
      record.status = response.status;
      const { headers, payload } = serialize(response);
      res.writeHead(response.status, headers);
      res.end(payload);
    };
    const reset = (): void => {
      record.status = -1;
      req.socket.destroy();
    };

    if (base && !path.startsWith(base)) {
      send({ status: 404, body: this.errorBody(404, `not found: ${path}`) });
      return;
    }
    path = path.slice(base.length) || '/';
    record.path = path;

    const forced = this.takeForced(method, path);
    const fault = forced ? undefined : this.drawFault();
    // A cut answer is always the real one, so the request is applied first.
    const applyFirst = forced !== undefined && (forced.afterApply === true || forced.status === 'cut');
    if (forced && !applyFirst) return this.sendForced(forced, record, rawBody, res, send, reset);
    if (fault && fault !== 'slow') {
      record.fault = fault;
      if (fault === 'reset') return reset();
      const status = Number(fault);
      const seconds = this.options.faults?.retryAfterSeconds ?? 1;
      const headers = status === 429 ? (this.options.rateLimitHeaders?.(seconds) ?? { 'retry-after': String(seconds) }) : {};
      send({ status, body: this.errorBody(status, injectedMessage(status)), headers });
      return;
    }

    const violations = this.options.requestCheck?.check({ method, path, query, headers: req.headers, body }) ?? [];
    if (violations.length > 0) {
      for (const v of violations) this.violations.push(`${method} ${path}: ${v}`);
      send({ status: 400, body: this.errorBody(400, `request does not match the API description: ${violations.join('; ')}`) });
      return;
    }

    const held = this.holds.findIndex((h) => h.method === method && h.path.test(path) && (!h.body || h.body(body, query)));
    if (held >= 0) {
      const [hold] = this.holds.splice(held, 1);
      hold!.arrive();
      await hold!.released;
    }

    const response = await this.dispatch({ method, path, query, queryAll: url.searchParams, headers: req.headers, body, rawBody });
    if (forced && forced.status === 'cut') return this.cut(response, record, req, res);
    if (forced) return this.sendForced(forced, record, rawBody, res, send, reset);
    if (fault === 'slow') {
      record.fault = fault;
      await sleep(this.options.faults?.slowMs ?? 5000);
      if (req.socket.destroyed) {
        record.status = -1;
        return;
      }
    }
    send(response);
  }

  /** Answers a forced failure that is not a cut: a status (its body, or the request echoed), a reset or a hang. */
  private async sendForced(forced: ForcedFailure, record: RecordedRequest, rawBody: string, res: http.ServerResponse, send: (response: StandInResponse) => void, reset: () => void): Promise<void> {
    if (forced.status === 'hang') return this.hang(record, res);
    record.fault = 'forced';
    if (forced.status === 'reset' || forced.status === 'cut') return reset();
    const body = forced.echoRequest ? this.errorBody(forced.status, `invalid value: ${rawBody}`) : (forced.body ?? this.errorBody(forced.status, 'forced failure'));
    send({ status: forced.status, body, headers: forced.headers });
  }

  /** Never answers: waits until the connection closes (the client gave up, or `stop()` destroyed it). */
  private async hang(record: RecordedRequest, res: http.ServerResponse): Promise<void> {
    record.fault = 'hang';
    record.status = -1;
    if (res.socket?.destroyed ?? true) return;
    await new Promise<void>((resolve) => res.once('close', () => resolve()));
  }

  /** Sends the real answer's status and headers with its full length, half its body, then destroys the socket. */
  private async cut(response: StandInResponse, record: RecordedRequest, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    record.fault = 'cut';
    const { headers, payload } = serialize(response);
    const bytes = Buffer.from(payload ?? '', 'utf8');
    if (bytes.length === 0) {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    record.status = response.status;
    res.writeHead(response.status, { ...headers, 'content-length': String(bytes.length) });
    // Flushed before the socket goes, so the client sees a started body that stops.
    await new Promise<void>((resolve) => res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => resolve()));
    req.socket.destroy();
  }

  private async dispatch(req: Omit<StandInRequest, 'params'>): Promise<StandInResponse> {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(req.path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
      try {
        return await route.handler({ ...req, params });
      } catch (error) {
        if (error instanceof HttpError) return { status: error.status, body: error.body, headers: error.headers };
        throw error;
      }
    }
    const status = pathMatched ? 405 : 404;
    return { status, body: this.errorBody(status, `${req.method} ${req.path} is not served by the ${this.platform} stand-in`) };
  }
}

/** The headers and payload of an answer; an empty body goes without a JSON content type (some clients parse it and fail). */
function serialize(response: StandInResponse): { headers: Record<string, string>; payload: string | undefined } {
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined || response.status === 204) return { headers, payload: undefined };
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return { headers, payload: typeof response.body === 'string' ? response.body : JSON.stringify(response.body) };
}

function injectedMessage(status: number): string {
  switch (status) {
    case 429:
      return 'Too many requests';
    case 423:
      return 'project already has running conflicting operations, scheduling of new ones is prohibited';
    case 502:
      return 'Bad gateway';
    case 503:
      return 'Service temporarily unavailable';
    default:
      return 'Internal server error';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The bearer token of a request, or undefined. */
export function bearerToken(headers: http.IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (!value) return undefined;
  const match = /^(?:Bearer|token)\s+(.+)$/i.exec(value);
  return match?.[1];
}
