// Bounded concurrency: never more than the limit at once, every item run, no new item after a
// failure and the failure thrown once the running ones have settled; a promise started early
// never reported as an unhandled rejection, yet still rejecting where it is awaited.
import { afterEach, describe, expect, it } from 'vitest';
import { eachLimited, started } from '../../src/concurrency.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('eachLimited', () => {
  it('runs every item, never more than the limit at once', async () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachLimited(items, 3, async (item) => {
      running++;
      most = Math.max(most, running);
      await sleep(2 + ((item * 7) % 5));
      running--;
      done.push(item);
    });
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(items);
  });

  it('runs one at a time with a limit of 1, in order', async () => {
    const order: string[] = [];
    await eachLimited(['a', 'b', 'c'], 1, async (item) => {
      order.push(`start ${item}`);
      await sleep(item === 'a' ? 15 : 1);
      order.push(`end ${item}`);
    });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('resolves at once for no items', async () => {
    let calls = 0;
    await eachLimited([], 4, async () => void calls++);
    expect(calls).toBe(0);
  });

  it('throws the failure only after the items already running have settled, and starts no new item', async () => {
    const failure = new Error('item 1 failed');
    const startedItems: number[] = [];
    const settled: number[] = [];
    // Item 0 ends only when the test says so, after item 1 has failed: the order is the test's.
    let finishItem0!: () => void;
    const item0 = new Promise<void>((resolve) => (finishItem0 = resolve));
    const outcome = eachLimited([0, 1, 2, 3, 4], 2, async (item) => {
      startedItems.push(item);
      if (item === 1) {
        await Promise.resolve();
        settled.push(item);
        throw failure;
      }
      await item0;
      settled.push(item);
    });
    let thrown: unknown;
    const done = outcome.catch((error: unknown) => void (thrown = error));
    // Let everything that can run without item 0 run (a macrotask ends every microtask chain).
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual([1]);
    expect(thrown).toBeUndefined();
    finishItem0();
    await done;
    expect(thrown).toBe(failure);
    // Item 0 was running when item 1 failed: waited for. Items 2..4 were queued: never started.
    expect(startedItems).toEqual([0, 1]);
    expect(settled).toEqual([1, 0]);
  });

  it('throws the first failure when several items fail', async () => {
    const first = new Error('first');
    await expect(
      eachLimited([0, 1, 2], 3, async (item) => {
        await sleep(5 + item * 20);
        throw item === 0 ? first : new Error(`later ${item}`);
      }),
    ).rejects.toBe(first);
  });
});

describe('started', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
  });

  it('keeps a promise that rejects before it is awaited from being reported unhandled, and still rejects where awaited', async () => {
    process.on('unhandledRejection', onUnhandled);
    const failure = new Error('failed early');
    const promise = started(Promise.reject(failure));
    // Long enough for Node to report an unhandled rejection (it does after the microtask queue drains).
    await sleep(20);
    expect(unhandled).toEqual([]);
    await expect(promise).rejects.toBe(failure);
  });
});
