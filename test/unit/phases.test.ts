// The run's phases: timings kept in the order the phases started, a log group only for a phase
// that runs alone (the runner's groups neither nest nor interleave), and a failing phase timed too.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const log: string[] = [];
vi.mock('@actions/core', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@actions/core')>()),
  startGroup: (name: string) => void log.push(`start ${name}`),
  endGroup: () => void log.push('end'),
}));

const { Phases } = await import('../../src/phases.js');

// The clock is the test's: each step takes exactly the time it says, and a phase's timing is
// exactly that, on any machine.
beforeEach(() => {
  log.length = 0;
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` while the fake clock moves on, and returns what it returns. */
async function withClock<T>(work: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return work;
}

/** A step that resolves with `value` after `ms`. */
function step<T>(ms: number, value: T): () => Promise<T> {
  return async () => {
    await sleep(ms);
    return value;
  };
}

describe('Phases', () => {
  it('gives each phase its own log group when they run one after another, and returns what the step returns', async () => {
    const phases = new Phases();
    expect(await withClock(phases.run('Neon branch', step(5, 'branch')))).toBe('branch');
    expect(await withClock(phases.run('Targets', step(7, 42)))).toBe(42);
    expect(log).toEqual(['start Neon branch', 'end', 'start Targets', 'end']);
    expect(phases.timings).toEqual([
      { name: 'Neon branch', ms: 5 },
      { name: 'Targets', ms: 7 },
    ]);
  });

  it('keeps the timings in the order the phases started, not the order they ended', async () => {
    const phases = new Phases();
    const slow = phases.run('slow', step(60, 'a'));
    const fast = phases.run('fast', step(5, 'b'));
    await vi.advanceTimersByTimeAsync(5);
    expect(await fast).toBe('b');
    // Only finished phases are listed.
    expect(phases.timings).toEqual([{ name: 'fast', ms: 5 }]);
    await vi.advanceTimersByTimeAsync(55);
    expect(await slow).toBe('a');
    expect(phases.timings).toEqual([
      { name: 'slow', ms: 60 },
      { name: 'fast', ms: 5 },
    ]);
  });

  it('opens no group for a phase that overlaps another, nor for one started while any other still runs', async () => {
    const phases = new Phases();
    const first = phases.run('first', step(30, 1));
    const second = phases.run('second', step(60, 2));
    await vi.advanceTimersByTimeAsync(30);
    await first;
    // `first` ended its group; `second` still runs, so `third` overlaps it and gets none.
    expect(log).toEqual(['start first', 'end']);
    const third = phases.run('third', step(5, 3));
    await withClock(Promise.all([second, third]));
    expect(log).toEqual(['start first', 'end']);
    // Once nothing runs, a phase is grouped again.
    await withClock(phases.run('fourth', step(1, 4)));
    expect(log).toEqual(['start first', 'end', 'start fourth', 'end']);
    expect(phases.timings.map((t) => t.name)).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('never nests groups: a phase run inside a grouped phase gets none', async () => {
    const phases = new Phases();
    await withClock(
      phases.run('outer', async () => {
        await phases.run('inner', step(1, 'x'));
        log.push('outer body');
      }),
    );
    expect(log).toEqual(['start outer', 'outer body', 'end']);
    expect(phases.timings.map((t) => t.name)).toEqual(['outer', 'inner']);
  });

  it('records the time of a failing step, closes its group and rethrows its error', async () => {
    const phases = new Phases();
    const failure = new Error('Neon said no');
    const failing = phases.run('Neon branch', async () => {
      await sleep(30);
      throw failure;
    });
    const settled = failing.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(30);
    expect(await settled).toBe(failure);
    expect(log).toEqual(['start Neon branch', 'end']);
    expect(phases.timings).toEqual([{ name: 'Neon branch', ms: 30 }]);
    // The failure leaves nothing running: the next phase is grouped.
    await withClock(phases.run('Summary', step(1, null)));
    expect(log).toEqual(['start Neon branch', 'end', 'start Summary', 'end']);
  });
});
