// The benchmark's own measures: the longest chain of sequential requests, and the check of Neon's
// rate limit on arrival times.
import { describe, expect, it } from 'vitest';
import { longestChain, neonRate, type Timed } from '../../scripts/bench.js';

const request = (start: number, end: number): Timed => ({ platform: 'Neon', method: 'GET', url: '/x', start, end, status: 200 });

describe('longestChain', () => {
  it('counts requests sent one after another, not those in flight together', () => {
    // a → b → d in sequence; c overlaps b.
    expect(longestChain([request(0, 50), request(60, 110), request(70, 120), request(115, 165)])).toBe(3);
    expect(longestChain([request(0, 50), request(10, 60), request(20, 70)])).toBe(1);
    expect(longestChain([])).toBe(0);
  });
});

describe('neonRate', () => {
  it('accepts a burst of 40 and then 700 a minute', () => {
    const burst = Array.from({ length: 40 }, () => 0);
    const paced = Array.from({ length: 100 }, (_, i) => ((i + 1) * 60_000) / 700);
    expect(neonRate([...burst, ...paced]).excess).toBeLessThanOrEqual(0);
    expect(neonRate([...burst, ...paced]).peakPerMinute).toBe(140);
  });

  it('finds a run over the bucket', () => {
    const tooMany = Array.from({ length: 60 }, (_, i) => i * 10);
    expect(neonRate(tooMany).excess).toBeGreaterThan(0);
    expect(neonRate(tooMany).peakPerMinute).toBe(60);
  });

  it('counts the busiest 60 s', () => {
    expect(neonRate([0, 30_000, 59_999, 60_000, 120_001]).peakPerMinute).toBe(3);
  });
});
