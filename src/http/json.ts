// The one small JSON-over-fetch client for platforms whose official client does not fit (their
// SDK's strict answer checks, or a retry loop of their own): each request under the run's
// ApiSession, a non-2xx answer an HttpStatusError the policy reads.
import { HttpStatusError, type CallOptions } from './failure.js';
import type { ApiSession } from './retry.js';
import { USER_AGENT } from './user-agent.js';

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Below the base URL, with its path parameters already encoded. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** What the request does, for the log and errors. */
  operation: string;
  idempotent?: boolean;
  /** Statuses that resolve to `undefined` instead of failing (e.g. 404 for already gone). */
  acceptStatus?: number[];
  retryIf?: CallOptions['retryIf'];
}

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

export class JsonClient {
  constructor(
    readonly platform: string,
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly session: ApiSession,
  ) {}

  url(path: string, query: Record<string, string | undefined> = {}): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, value);
    const text = search.toString();
    return `${this.baseUrl.replace(/\/+$/, '')}${path}${text ? `?${text}` : ''}`;
  }

  request<T>(req: JsonRequest): Promise<JsonAnswer<T> | undefined> {
    const url = this.url(req.path, req.query);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json', 'user-agent': USER_AGENT };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const { operation, idempotent, acceptStatus, retryIf } = req;
    return this.session.call({ platform: this.platform, operation, idempotent, acceptStatus, retryIf }, async (signal) => {
      const response = await fetch(url, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body), signal });
      // Read whole: a body that breaks off is a failed request (retried), never an empty answer.
      const body = parseBody(await response.text());
      if (!response.ok) throw new HttpStatusError(response.status, response.headers, body);
      return { status: response.status, body: body as T };
    });
  }
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
