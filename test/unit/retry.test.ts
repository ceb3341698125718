import { createApiClient } from '@neondatabase/api-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError, DeadlineError, describeFailure, requestedWaitMs } from '../../src/http/failure.js';
import { ApiSession, RateGate, tuningFor, type RetryTuning } from '../../src/http/retry.js';
import { allPages, lastPageOf } from '../../src/http/pages.js';
import { pollIntervalMs } from '../../src/neon/operations.js';
import { StandIn } from '../../sandbox/server.js';

// Short backoffs; an attempt limit no answer from 127.0.0.1 comes near, even on a busy machine
// (the test of the limit itself sets its own, on a fake clock).
const FAST: RetryTuning = { baseDelayMs: 5, maxDelayMs: 20, attemptTimeoutMs: 60_000 };
const TOKEN = 'napi_very_secret_token';

let server: StandIn;
let answers: { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }[] = [];
let hits = 0;

beforeAll(async () => {
  server = new StandIn('Test', { errorBody: (_s, message) => ({ code: 'X', message }) });
  server.route('GET', '/projects/{id}/branches', async () => {
    hits++;
    const next = answers.shift() ?? { status: 200, body: { branches: [], annotations: {} } };
    if (next.delayMs) await new Promise((r) => setTimeout(r, next.delayMs));
    return next;
  });
  server.route('POST', '/projects/{id}/branches', () => {
    hits++;
    return answers.shift() ?? { status: 201, body: { branch: { id: 'br-1' } } };
  });
  await server.start();
});

afterAll(() => server.stop());

afterEach(() => {
  vi.useRealTimers();
});

function neon() {
  return createApiClient({ apiKey: TOKEN, baseURL: server.url });
}

function session(timeoutMs = 60_000, log: string[] = []) {
  return new ApiSession(
    timeoutMs,
    (line) => log.push(line),
    FAST,
    () => 0.5,
  );
}

function list(s: ApiSession) {
  return s.call({ platform: 'Neon', operation: 'list branches' }, (signal) => neon().listProjectBranches({ projectId: 'p' }, { signal }));
}

function create(s: ApiSession) {
  return s.call({ platform: 'Neon', operation: 'create branch', idempotent: false }, (signal) => neon().createProjectBranch('p', { branch: { name: 'x' } }, { signal }));
}

function reset(next: typeof answers) {
  answers = next;
  hits = 0;
}

describe('the retry policy', () => {
  it.each([423, 429, 500, 502, 503, 504])('retries HTTP %i and then succeeds', async (status) => {
    reset([{ status, body: { code: 'X', message: 'busy' } }, { status }]);
    const s = session();
    const { data } = await list(s);
    expect(data.branches).toEqual([]);
    expect(hits).toBe(3);
    expect(s.stats).toEqual({ requests: expect.objectContaining({ Neon: 3 }), retries: expect.objectContaining({ Neon: 2 }) });
  });

  it('fails at once on another 4xx, naming platform, operation, status and the platform message', async () => {
    reset([{ status: 404, body: { code: 'NOT_FOUND', message: 'project not found' } }]);
    const error = await list(session()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as Error).message).toBe('Neon: list branches failed: HTTP 404: project not found');
    expect(hits).toBe(1);
  });

  it('never puts the token in the error message', async () => {
    reset([{ status: 401, body: { code: 'UNAUTHORIZED', message: 'authentication required' } }]);
    const error = (await list(session()).catch((e: unknown) => e)) as ApiError;
    expect(JSON.stringify({ message: error.message, failure: error.failure })).not.toContain(TOKEN);
  });

  it('waits as long as Retry-After asks', async () => {
    reset([{ status: 429, headers: { 'retry-after': '1' }, body: { code: 'X', message: 'slow down' } }]);
    const log: string[] = [];
    await list(session(60_000, log));
    expect(log).toEqual(['Neon: list branches: HTTP 429; retrying in 1.0 s (attempt 2)']);
  });

  it('retries a dropped connection', async () => {
    server.failNext({ path: /branches/, status: 'reset' });
    reset([]);
    const s = session();
    await list(s);
    expect(s.stats.retries.Neon).toBe(1);
  });

  it('ends an attempt that gets no answer in time and tries again', async () => {
    reset([]);
    const before = server.requests.length;
    // The first attempt gets no answer until the test has seen the retry through; the attempt's
    // limit runs on a fake clock, so it ends at 300 ms exactly, and no other attempt ends early.
    const unanswered = server.hold('GET', /\/branches$/);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const log: string[] = [];
    const s = new ApiSession(
      60_000,
      (l) => log.push(l),
      { ...FAST, attemptTimeoutMs: 300 },
      () => 0.5,
    );
    const listed = list(s);
    await unanswered.arrived;
    await vi.advanceTimersByTimeAsync(299);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual([`Neon: list branches: no answer in time; retrying in 0.0 s (attempt 2)`]);
    await vi.advanceTimersByTimeAsync(s.backoffMs(1));
    const { data } = await listed;
    unanswered.release();
    expect(data.branches).toEqual([]);
    expect(s.stats.retries.Neon).toBe(1);
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/projects/p/branches', '/projects/p/branches']);
  });

  it('does not repeat a create whose outcome is unknown, but does repeat a refused one', async () => {
    reset([{ status: 502, body: { code: 'X', message: 'bad gateway' } }]);
    const unknown = (await create(session()).catch((e: unknown) => e)) as ApiError;
    expect(unknown.outcomeUnknown).toBe(true);
    expect(hits).toBe(1);

    reset([{ status: 423, body: { code: 'LOCKED', message: 'locked' } }]);
    await create(session());
    expect(hits).toBe(2);
  });

  it("treats GitHub's secondary rate limit without retry-after as a wait of a minute, not a refusal", async () => {
    reset([{ status: 403, body: { code: 'X', message: 'You have exceeded a secondary rate limit.' }, headers: { 'x-ratelimit-remaining': '4990' } }]);
    // A minute does not fit in this run's 10 s: it gives up saying so, where a refusal would fail at once.
    await expect(list(session(10_000))).rejects.toThrow(/HTTP 403: You have exceeded a secondary rate limit.*Gave up: the next try would pass the run's timeout/);
    expect(hits).toBe(1);
  });

  it('gives up when the next wait would pass the deadline', async () => {
    reset([{ status: 429, headers: { 'retry-after': '30' }, body: { code: 'X', message: 'slow down' } }]);
    const error = (await list(session(20_000)).catch((e: unknown) => e)) as ApiError;
    expect(error.message).toMatch(/^Neon: list branches failed: HTTP 429: slow down\. Gave up: the next try would pass the run's timeout/);
    expect(hits).toBe(1);
  });

  it('refuses to sleep past the deadline', async () => {
    await expect(session(100).sleep(5000, 'Neon operations')).rejects.toBeInstanceOf(DeadlineError);
  });

  it('treats accepted statuses as answers', async () => {
    reset([{ status: 404, body: { code: 'NOT_FOUND', message: 'gone' } }]);
    const result = await session().call({ platform: 'Neon', operation: 'delete', acceptStatus: [404] }, (signal) => neon().listProjectBranches({ projectId: 'p' }, { signal }));
    expect(result).toBeUndefined();
  });
});

describe('reading failures and wait headers', () => {
  it('reads an Octokit-style error', () => {
    const failure = describeFailure({ status: 403, response: { headers: { 'retry-after': '2' }, data: { message: 'You have exceeded a secondary rate limit' } } });
    expect(failure).toMatchObject({ status: 403, message: 'You have exceeded a secondary rate limit', headers: { 'retry-after': '2' } });
  });

  it('reads a Vercel SDK-style error (status code, body text, Headers)', () => {
    const failure = describeFailure({
      statusCode: 400,
      body: JSON.stringify({ error: { code: 'env_update_in_progress', message: 'An env update is already happening' } }),
      headers: new Headers({ 'X-RateLimit-Reset': '1' }),
    });
    expect(failure).toMatchObject({ status: 400, message: 'An env update is already happening', headers: { 'x-ratelimit-reset': '1' } });
  });

  it('reads a Netlify client-style error', () => {
    expect(describeFailure({ status: 422, json: { code: 422, message: 'key already exists' } })).toMatchObject({ status: 422, message: 'key already exists' });
  });

  it('reads a network error code through causes', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }) });
    expect(describeFailure(error)).toMatchObject({ code: 'ECONNRESET', status: undefined });
  });

  it('turns wait headers into milliseconds', () => {
    const now = 1_700_000_000_000;
    expect(requestedWaitMs({ message: '', headers: { 'retry-after': '3' } }, now)).toBe(3000);
    expect(requestedWaitMs({ message: '', headers: { 'retry-after': new Date(now + 5000).toUTCString() } }, now)).toBe(5000);
    expect(requestedWaitMs({ status: 429, message: '', headers: { 'x-ratelimit-reset': String(now / 1000 + 7) } }, now)).toBe(7000);
    expect(requestedWaitMs({ status: 200, message: '', headers: { 'x-ratelimit-reset': String(now / 1000 + 7) } }, now)).toBeUndefined();
    expect(requestedWaitMs({ status: 500, message: '', headers: {} }, now)).toBeUndefined();
  });

  it("reads GitHub's rate limits: the reset only when requests are used up, a minute for a secondary limit that names no wait", () => {
    const now = 1_700_000_000_000;
    const primary = { 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': String(now / 1000 + 3000) };
    const secondary = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    expect(requestedWaitMs({ status: 403, message: 'API rate limit exceeded', headers: { ...primary, 'x-ratelimit-remaining': '0' } }, now)).toBe(3_000_000);
    // Requests remain: the primary reset is not what a secondary limit waits for.
    expect(requestedWaitMs({ status: 403, message: secondary, headers: { ...primary, 'x-ratelimit-remaining': '4990' } }, now)).toBe(60_000);
    expect(requestedWaitMs({ status: 429, message: secondary, headers: { ...primary, 'x-ratelimit-remaining': '4990' } }, now)).toBe(60_000);
    expect(requestedWaitMs({ status: 403, message: secondary, headers: { ...primary, 'x-ratelimit-remaining': '4990', 'retry-after': '2' } }, now)).toBe(2000);
    // A plain refusal (permissions) carries the same headers and is not a rate limit.
    expect(requestedWaitMs({ status: 403, message: 'Resource not accessible by integration', headers: { ...primary, 'x-ratelimit-remaining': '4990' } }, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    const s = new ApiSession(
      1000,
      () => {},
      { baseDelayMs: 100, maxDelayMs: 1000, attemptTimeoutMs: 1000 },
      () => 1,
    );
    expect([1, 2, 3, 4, 5, 6].map((n) => s.backoffMs(n))).toEqual([100, 200, 400, 800, 1000, 1000]);
    const low = new ApiSession(
      1000,
      () => {},
      { baseDelayMs: 100, maxDelayMs: 1000, attemptTimeoutMs: 1000 },
      () => 0,
    );
    expect(low.backoffMs(3)).toBe(200);
  });
});

describe('limits', () => {
  it('gives one attempt a quarter of the run, between 2 and 30 seconds', () => {
    expect(tuningFor(300_000).attemptTimeoutMs).toBe(30_000);
    expect(tuningFor(60_000).attemptTimeoutMs).toBe(15_000);
    expect(tuningFor(4_000).attemptTimeoutMs).toBe(2_000);
  });

  it('lets a burst through at once and then paces requests to the rate', async () => {
    // On a fake clock (timers and Date): each request goes exactly when the bucket allows it.
    vi.useFakeTimers();
    const gate = new RateGate(600, 3); // 10 a second after a burst of 3
    const started = Date.now();
    const times: number[] = [];
    const all = Promise.all(Array.from({ length: 6 }, () => gate.take().then(() => times.push(Date.now() - started))));
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toEqual([0, 0, 0]);
    // The three after the burst wait for the bucket: 100, 200 and 300 ms, not a moment sooner.
    await vi.advanceTimersByTimeAsync(99);
    expect(times).toEqual([0, 0, 0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0, 0, 0, 100]);
    await vi.advanceTimersByTimeAsync(200);
    await all;
    expect(times).toEqual([0, 0, 0, 100, 200, 300]);
  });
});

describe("GitHub's paginated lists", () => {
  const link = (page: number, last: number): string | undefined => {
    const parts: string[] = [];
    if (page < last) parts.push(`<https://api.github.com/repos/o/r/pulls?per_page=2&page=${page + 1}>; rel="next"`, `<https://api.github.com/repos/o/r/pulls?per_page=2&page=${last}>; rel="last"`);
    if (page > 1) parts.push(`<https://api.github.com/repos/o/r/pulls?per_page=2&page=${page - 1}>; rel="prev"`);
    return parts.length ? parts.join(', ') : undefined;
  };

  it('reads the last page number from a Link header', () => {
    expect(lastPageOf(link(1, 7))).toBe(7);
    expect(lastPageOf(link(7, 7))).toBeUndefined();
    expect(lastPageOf(undefined)).toBeUndefined();
    expect(lastPageOf('<not a url>; rel="last"')).toBeUndefined();
  });

  it('asks for page 1, then for all the other pages at once, and keeps page order', async () => {
    const asked: number[] = [];
    let inFlight = 0;
    let most = 0;
    const items = await allPages(
      async (page) => {
        asked.push(page);
        inFlight++;
        most = Math.max(most, inFlight);
        // Later pages answer first: the result still follows page order.
        await new Promise((r) => setTimeout(r, 40 - page * 5));
        inFlight--;
        return { items: [`${page}a`, `${page}b`], link: link(page, 5) };
      },
      { maxPages: 100, concurrency: 8 },
    );
    expect(items).toEqual(['1a', '1b', '2a', '2b', '3a', '3b', '4a', '4b', '5a', '5b']);
    expect(asked[0]).toBe(1);
    expect(asked.slice(1).sort()).toEqual([2, 3, 4, 5]);
    expect(most).toBe(4);
  });

  it('follows rel="next" when no last page is named, and stops at maxPages', async () => {
    const pages = (page: number) => ({ items: [page], link: `<https://x/?page=${page + 1}>; rel="next"` });
    expect(await allPages(async (page) => (page < 3 ? pages(page) : { items: [page] }), { maxPages: 100, concurrency: 8 })).toEqual([1, 2, 3]);
    expect(await allPages(async (page) => pages(page), { maxPages: 4, concurrency: 8 })).toEqual([1, 2, 3, 4]);
  });
});

describe('the pace of operation polls', () => {
  it('is a tenth of the time already waited, from 100 ms to 2 s', () => {
    expect(pollIntervalMs(0)).toBe(100);
    expect(pollIntervalMs(1000)).toBe(100);
    expect(pollIntervalMs(2000)).toBe(200);
    expect(pollIntervalMs(10_000)).toBe(1000);
    expect(pollIntervalMs(60_000)).toBe(2000);
  });
});
