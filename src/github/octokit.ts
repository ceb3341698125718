// The run's GitHub client: one Octokit, one user agent. Its answers are read whole before Octokit
// sees them: Octokit turns a body that breaks off midway into empty data (it swallows the read's
// error), which a run would take for an answer; read here, the break is a failed request, which
// the retry policy sends again.
import { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

export const USER_AGENT = 'neon-preview-action';

/** Statuses whose answer has no body (a Response refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

function wholeBody(fetchOnce: Fetch): Fetch {
  return async (url, init) => {
    const response = await fetchOnce(url, init);
    const body = NO_BODY.has(response.status) ? null : await response.arrayBuffer();
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

export function createOctokit(token: string, apiUrl: string): Octokit {
  // The proxy-aware fetch (and agent) @actions/github sets up, wrapped; a request option given to
  // the constructor replaces the defaults' whole, so they are taken from a first client.
  const defaults = (getOctokit(token, { baseUrl: apiUrl }).request.endpoint.DEFAULTS.request ?? {}) as { agent?: unknown; fetch?: Fetch };
  const request = { agent: defaults.agent, fetch: wholeBody(defaults.fetch ?? (fetch as Fetch)) };
  // No client-side timeout or retries: each attempt's limit and every retry come from the session.
  return getOctokit(token, { baseUrl: apiUrl, userAgent: USER_AGENT, request });
}
