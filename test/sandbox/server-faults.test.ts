// The forced failures every stand-in offers through `failNext`, seen with plain fetch: a platform
// that accepts a request and never answers (`hang`), an answer cut off mid-body (`cut`), and a
// validation error that quotes the request body (`echoRequest`).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StandIn } from '../../sandbox/server.js';
import { startVercelStandIn } from '../../sandbox/vercel.js';

let standIn: StandIn;
/** How many requests the route really handled (applied). */
let applied: number;

beforeEach(async () => {
  applied = 0;
  standIn = new StandIn('test', { errorBody: (status, message) => ({ error: { code: `e${status}`, message } }) });
  standIn.route('POST', '/things', (req) => {
    applied++;
    return { status: 201, body: { created: req.body, padding: 'x'.repeat(2000) } };
  });
  standIn.route('DELETE', '/things/{id}', () => {
    applied++;
    return { status: 204 };
  });
  await standIn.start();
});

afterEach(async () => {
  await standIn.stop();
});

const post = (body: unknown, signal?: AbortSignal) => fetch(`${standIn.url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

/** Waits (without a clock) until the stand-in has recorded `count` requests. */
async function recorded(count: number): Promise<void> {
  await vi.waitFor(() => expect(standIn.requests.length).toBeGreaterThanOrEqual(count), { timeout: 30_000, interval: 5 });
}

describe('hang', () => {
  it('accepts the request and never answers, until the client gives up; nothing is applied', async () => {
    standIn.failNext({ method: 'POST', path: /^\/things$/, status: 'hang' });
    const controller = new AbortController();
    let answered = false;
    const pending = post({ a: 1 }, controller.signal).then(() => (answered = true));
    await recorded(1);
    expect(answered).toBe(false);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(answered).toBe(false);
    expect(applied).toBe(0);
    expect(standIn.requests[0]).toMatchObject({ method: 'POST', path: '/things', fault: 'hang', status: -1 });
    // Spent: the next request is answered.
    expect((await post({ a: 2 })).status).toBe(201);
    expect(applied).toBe(1);
  });

  it('with afterApply, applies the request and then never answers', async () => {
    standIn.failNext({ method: 'POST', path: /^\/things$/, status: 'hang', afterApply: true });
    const controller = new AbortController();
    const pending = post({ a: 1 }, controller.signal);
    await vi.waitFor(() => expect(applied).toBe(1), { timeout: 30_000, interval: 5 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(standIn.requests[0]).toMatchObject({ fault: 'hang', status: -1 });
  });

  it('does not keep stop() from finishing: the hanging request ends as a dropped connection', async () => {
    standIn.failNext({ path: /^\/things$/, status: 'hang' });
    const pending = post({ a: 1 }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    await recorded(1);
    await standIn.stop();
    const outcome = await pending;
    expect(outcome).toBeInstanceOf(TypeError);
    expect(String((outcome as TypeError).cause)).toMatch(/socket|closed|terminated|other side/i);
    // stop() again in afterEach is harmless once the server is closed.
    standIn = new StandIn('test');
    await standIn.start();
  });
});

describe('cut', () => {
  it('applies the request, sends the real status and full content-length, then only part of the body', async () => {
    standIn.failNext({ method: 'POST', path: /^\/things$/, status: 'cut' });
    const response = await post({ value: 'postgresql://u:p@h/db' });
    expect(response.status).toBe(201);
    const length = Number(response.headers.get('content-length'));
    expect(length).toBeGreaterThan(2000);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    await expect(response.text()).rejects.toThrow(/terminated/);
    expect(applied).toBe(1);
    expect(standIn.requests[0]).toMatchObject({ fault: 'cut', status: 201 });
    // The next answer arrives whole.
    const whole = await post({ value: 'x' });
    expect(((await whole.json()) as { created: unknown }).created).toEqual({ value: 'x' });
  });

  it('cuts an answer without a body before its headers, after applying it', async () => {
    standIn.failNext({ method: 'DELETE', path: /^\/things\//, status: 'cut' });
    await expect(fetch(`${standIn.url}/things/7`, { method: 'DELETE' })).rejects.toThrow(TypeError);
    expect(applied).toBe(1);
    expect(standIn.requests[0]).toMatchObject({ fault: 'cut', status: -1 });
  });
});

describe('echoRequest', () => {
  it("answers a 4xx whose message quotes the raw request body, in the platform's error shape, without applying it", async () => {
    standIn.failNext({ method: 'POST', path: /^\/things$/, status: 422, echoRequest: true });
    const raw = JSON.stringify({ value: 'postgresql://user:pa"ss@host/db' });
    const response = await fetch(`${standIn.url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: { code: 'e422', message: `invalid value: ${raw}` } });
    expect(applied).toBe(0);
    expect(standIn.requests[0]).toMatchObject({ fault: 'forced', status: 422 });
  });

  it('uses each stand-in’s own error body (Vercel: { error: { code, message } })', async () => {
    const vercel = await startVercelStandIn();
    try {
      vercel.standIn.failNext({ method: 'POST', path: /\/env$/, status: 400, echoRequest: true });
      const raw = JSON.stringify([{ key: 'DATABASE_URL', value: 'postgresql://u:secret@h/db', type: 'encrypted', target: ['preview'] }]);
      const response = await fetch(`${vercel.url}/v10/projects/prj_previewapp/env`, {
        method: 'POST',
        headers: { authorization: 'Bearer vercel-test-token', 'content-type': 'application/json' },
        body: raw,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 'bad_request', message: `invalid value: ${raw}` } });
      expect(vercel.envs('prj_previewapp')).toEqual([]);
    } finally {
      await vercel.stop();
    }
  });

  it('needs a numeric status', () => {
    expect(() => standIn.failNext({ path: /./, status: 'hang', echoRequest: true })).toThrow(/numeric status/);
  });
});
