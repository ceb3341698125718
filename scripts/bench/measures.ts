// What the benchmark measures from the requests the stand-ins saw: when each arrived and when its
// answer was finished, the longest chain of sequential requests, Neon's operation polls, and
// Neon's rate limit on the arrival times.
import type http from 'node:http';
import type { Platforms } from '../../sandbox/platforms.js';
import type { StandIn } from '../../sandbox/server.js';

/** A stand-in's name, as sandbox/platforms.ts starts them (the one list of platforms). */
export type Platform = keyof Platforms['standIns'];

export interface Timed {
  platform: Platform;
  method: string;
  url: string;
  /** Epoch ms (fractional) the request arrived at the stand-in. */
  start: number;
  /** Epoch ms the response was finished (NaN while open). */
  end: number;
  status: number;
}

export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Notes every request's arrival and the end of its response, on each stand-in's server. */
export class Tracer {
  readonly requests: Timed[] = [];

  attach(platform: Platform, standIn: StandIn): void {
    // The stand-in keeps its server private; one more listener does not change how it answers.
    const server = (standIn as unknown as { server: http.Server }).server;
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const entry: Timed = { platform, method: req.method ?? 'GET', url: req.url ?? '', start: now(), end: NaN, status: 0 };
      this.requests.push(entry);
      const done = (): void => {
        if (Number.isNaN(entry.end)) {
          entry.end = now();
          entry.status = res.statusCode;
        }
      };
      res.on('finish', done);
      res.on('close', done);
    });
  }

  between(from: number, to: number): Timed[] {
    return this.requests.filter((r) => r.start >= from && r.start <= to);
  }
}

/**
 * The longest sequence of requests in which each arrived after the previous one's response was
 * finished. Exact (O(n²) over the run's requests).
 */
export function longestChain(requests: Timed[]): number {
  const sorted = [...requests].filter((r) => !Number.isNaN(r.end)).sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= sorted[i]!.start && depth[j]! + 1 > d) d = depth[j]! + 1;
    depth.push(d);
    if (d > best) best = d;
  }
  return best;
}

/** A read of Neon's operations (one by id, or the project's list): how the action waits for them. */
export function isPoll(r: Pick<Timed, 'platform' | 'method' | 'url'>): boolean {
  return r.platform === 'Neon' && r.method === 'GET' && /^\/projects\/[^/]+\/operations(\/[^/?]+)?(\?|$)/.test(r.url);
}

/** The run's requests per platform (Neon's without its operation polls) and its polls. */
export function countRequests(platforms: readonly Platform[], requests: Timed[]): { requests: Record<Platform, number>; polls: number } {
  const counts = Object.fromEntries(platforms.map((name) => [name, requests.filter((r) => r.platform === name && !isPoll(r)).length])) as Record<Platform, number>;
  return { requests: counts, polls: requests.filter(isPoll).length };
}

/** Neon's rate limit as the action keeps it: bursts of 40, refilled at 700 a minute. */
export const NEON_BURST = 40;
export const NEON_PER_SECOND = 700 / 60;

/**
 * Neon's rate limit as the action reads it, checked on the arrival times of a run's Neon requests:
 * in every window [t_i, t_j] at most `burst` + `perSecond` × (t_j − t_i) requests arrive (a token
 * bucket). Returns the largest number of requests any 60 s window held, and the largest excess over
 * the bucket (0 or less: within the limit). `slackMs` absorbs the latency between the action's
 * gate and the arrival.
 */
export function neonRate(starts: number[], burst = NEON_BURST, perSecond = NEON_PER_SECOND, slackMs = 0): { peakPerMinute: number; excess: number } {
  const t = [...starts].sort((a, b) => a - b);
  let peakPerMinute = 0;
  let excess = -Infinity;
  let from = 0;
  for (let j = 0; j < t.length; j++) {
    while (t[j]! - t[from]! >= 60_000) from++;
    peakPerMinute = Math.max(peakPerMinute, j - from + 1);
    for (let i = 0; i <= j; i++) excess = Math.max(excess, j - i + 1 - (burst + (perSecond * (t[j]! - t[i]! + slackMs)) / 1000));
  }
  // Rounded: the bucket's own arithmetic is in fractions of a request.
  return { peakPerMinute, excess: t.length === 0 ? 0 : Math.round(excess * 1e6) / 1e6 };
}

/** The middle item by `by` (the lower of the two middle ones for an even count). */
export function median<T>(items: T[], by: (item: T) => number): T {
  if (items.length === 0) throw new Error('median of nothing');
  const sorted = [...items].sort((a, b) => by(a) - by(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The middle value of numbers (the mean of the two middle ones for an even count). */
export function medianOf(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}
