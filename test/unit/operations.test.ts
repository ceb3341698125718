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
