// The one pace of every wait on Neon, on a fake clock: rounds a tenth of the time already waited
// apart (100 ms to 2 s), the next round never before the previous one was answered.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiSession } from '../../src/http/retry.js';
import { NeonOperations, pollIntervalMs } from '../../src/neon/operations.js';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('NeonOperations.until', () => {
  it('starts rounds a tenth of the time waited apart, from 100 ms to 2 s', async () => {
    const operations = new NeonOperations({} as never, new ApiSession(600_000), 'p');
    const startedAt: number[] = [];
    const waiting = operations.until(
      () => 'a test',
      async () => {
        startedAt.push(Date.now());
        return startedAt.length === 60;
      },
    );
    await vi.advanceTimersByTimeAsync(200_000);
    await waiting;
    const gaps = startedAt.slice(1).map((t, i) => t - startedAt[i]!);
    expect(startedAt[0]).toBe(100);
    expect(gaps.every((gap, i) => gap === pollIntervalMs(startedAt[i]!))).toBe(true);
    expect(Math.min(...gaps)).toBe(100);
    expect(Math.max(...gaps)).toBe(2000);
  });

  it('starts a round only once the previous one was answered', async () => {
    const operations = new NeonOperations({} as never, new ApiSession(600_000), 'p');
    const startedAt: number[] = [];
    const waiting = operations.until(
      () => 'a test',
      async () => {
        startedAt.push(Date.now());
        // An answer that takes 700 ms, longer than the pace.
        await new Promise((resolve) => setTimeout(resolve, 700));
        return startedAt.length === 3;
      },
    );
    await vi.advanceTimersByTimeAsync(10_000);
    await waiting;
    expect(startedAt).toEqual([100, 800, 1500]);
  });

  it('fails naming what it waited for when the run’s timeout comes first', async () => {
    const operations = new NeonOperations({} as never, new ApiSession(1_000), 'p');
    const waiting = operations.until(
      () => 'Neon branch x to be ready',
      async () => false,
    );
    const failed = expect(waiting).rejects.toThrow(/^Timed out waiting for Neon branch x to be ready/);
    await vi.advanceTimersByTimeAsync(5_000);
    await failed;
  });
});

describe('long waits', () => {
  it('say at most every 10 s what they wait for and how long so far', async () => {
    const lines: string[] = [];
    const session = new ApiSession(
      600_000,
      () => {},
      undefined,
      undefined,
      (line) => lines.push(`${Date.now()} ${line}`),
    );
    const operations = new NeonOperations({} as never, session, 'p');
    let rounds = 0;
    const waiting = operations.until(
      () => 'Neon operations (create_branch)',
      async () => ++rounds === 60,
    );
    await vi.advanceTimersByTimeAsync(200_000);
    await waiting;
    const times = lines.map((l) => Number(l.split(' ')[0]));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => /Waiting for Neon operations \(create_branch\): \d+ s so far$/.test(l))).toBe(true);
    expect(times.slice(1).every((t, i) => t - times[i]! >= 10_000)).toBe(true);
  });

  it('a platform’s long Retry-After is said at once and then every 10 s', async () => {
    const lines: string[] = [];
    const session = new ApiSession(
      600_000,
      () => {},
      undefined,
      undefined,
      (line) => lines.push(`${Date.now()} ${line}`),
    );
    let calls = 0;
    const call = session.call({ platform: 'GitHub', operation: 'create PR comment' }, async () => {
      if (calls++ === 0) throw Object.assign(new Error('rate limited'), { status: 429, response: { status: 429, headers: { 'retry-after': '25' }, data: { message: 'secondary rate limit' } } });
      return 'ok';
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await call).toBe('ok');
    expect(lines).toEqual([
      '0 GitHub: create PR comment: HTTP 429; retrying in 25.0 s (attempt 2)',
      '10000 Waiting for GitHub (create PR comment): 10 s so far, 15 s to go',
      '20000 Waiting for GitHub (create PR comment): 20 s so far, 5 s to go',
    ]);
  });
});
