// The run's phases and log: each phase's lines written as one group when it ends, closed by a line
// saying how it ended and how long it took; a line belongs to the phase whose work wrote it, even
// while other phases run; groups never nest; a long wait says so at once. On a fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coreLog } from '../setup-actions-core.js';

const { Phases, info, progress } = await import('../../src/phases.js');

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A step that logs `lines`, one every `ms`, and resolves with `value`. */
function step<T>(ms: number, value: T, lines: string[] = []): () => Promise<T> {
  return async () => {
    for (const line of lines) {
      await sleep(ms);
      info(line);
    }
    await sleep(ms);
    return value;
  };
}

describe('Phases', () => {
  it('writes a phase as one group: its lines, then how it ended and how long it took', async () => {
    const phases = new Phases();
    const done = phases.run('Neon branch preview/pr-1', step(100, 'br-1', ['Created Neon branch preview/pr-1 (br-1)']), (id) => `created ${id}`);
    await vi.advanceTimersByTimeAsync(200);
    expect(await done).toBe('br-1');
    expect(coreLog).toEqual(['::group::Neon branch preview/pr-1', 'Created Neon branch preview/pr-1 (br-1)', 'Neon branch preview/pr-1: created br-1 (0.2 s)', '::endgroup::']);
    expect(phases.timings).toEqual([{ name: 'Neon branch preview/pr-1', ms: 200 }]);
  });

  it('keeps the lines of phases that run at once apart, each in its own group, in the order they end', async () => {
    const phases = new Phases();
    const slow = phases.run('slow', step(100, 1, ['slow 1', 'slow 2']), () => 'ok');
    const fast = phases.run('fast', step(50, 2, ['fast 1']), () => 'ok');
    info('outside any phase');
    await vi.advanceTimersByTimeAsync(300);
    await Promise.all([slow, fast]);
    expect(coreLog).toEqual(['outside any phase', '::group::fast', 'fast 1', 'fast: ok (0.1 s)', '::endgroup::', '::group::slow', 'slow 1', 'slow 2', 'slow: ok (0.3 s)', '::endgroup::']);
    // Timings keep the order the phases started.
    expect(phases.timings.map((t) => t.name)).toEqual(['slow', 'fast']);
  });

  it('never nests groups: a phase run inside another is written whole when it ends, before the outer one', async () => {
    const phases = new Phases();
    const outer = phases.run(
      'outer',
      async () => {
        info('outer before');
        await phases.run('inner', step(10, 'x', ['inner line']), () => 'inner done');
        info('outer after');
      },
      () => 'outer done',
    );
    await vi.advanceTimersByTimeAsync(100);
    await outer;
    expect(coreLog).toEqual([
      '::group::inner',
      'inner line',
      'inner: inner done (0.0 s)',
      '::endgroup::',
      '::group::outer',
      'outer before',
      'outer after',
      'outer: outer done (0.0 s)',
      '::endgroup::',
    ]);
  });

  it('closes a failed phase with its error (secrets cut out), and times it', async () => {
    const phases = new Phases();
    const failing = phases.run('Publish', async () => {
      info('trying');
      await sleep(30);
      throw new Error('Vercel: publish variables failed: HTTP 400: bad\nsecond line');
    });
    const seen = expect(failing).rejects.toThrow(/HTTP 400/);
    await vi.advanceTimersByTimeAsync(30);
    await seen;
    expect(coreLog).toEqual(['::group::Publish', 'trying', 'Publish: failed: Vercel: publish variables failed: HTTP 400: bad (0.0 s)', '::endgroup::']);
    expect(phases.timings).toEqual([{ name: 'Publish', ms: 30 }]);
  });

  it('writes a progress line at once, even inside a phase', async () => {
    const phases = new Phases();
    const waiting = phases.run('Neon branch', async () => {
      info('created');
      progress('Waiting for Neon operations (create_branch): 10 s so far');
      await sleep(10);
    });
    await vi.advanceTimersByTimeAsync(10);
    await waiting;
    expect(coreLog).toEqual(['Waiting for Neon operations (create_branch): 10 s so far', '::group::Neon branch', 'created', 'Neon branch: done (0.0 s)', '::endgroup::']);
  });
});
