// The run's phases and its log. Phases overlap (a run starts independent work early), and the
// runner's log groups neither nest nor interleave: so each phase's lines are kept while it runs and
// written as one group when it ends, the group's last line saying how it ended and how long it
// took. A line belongs to the phase whose work wrote it (async context), whichever phases run
// beside it. Waits that take long say so at once, outside any group.
import { AsyncLocalStorage } from 'node:async_hooks';
import * as core from '@actions/core';
import { redact } from './secrets.js';

export interface PhaseTiming {
  name: string;
  ms: number;
}

/** The lines of the phase whose work is running. */
const current = new AsyncLocalStorage<string[]>();

/** A line of the run's log: in the group of the phase that wrote it, or at once outside any phase. */
export function info(line: string): void {
  const lines = current.getStore();
  if (lines) lines.push(line);
  else core.info(line);
}

/** A line written at once whatever phase runs (progress on a long wait). */
export function progress(line: string): void {
  core.info(line);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export class Phases {
  private readonly started: { name: string; ms?: number }[] = [];

  /** Finished phases, in the order they started. */
  get timings(): PhaseTiming[] {
    return this.started.filter((p): p is PhaseTiming => p.ms !== undefined);
  }

  /**
   * Runs `step` as the phase `name`. Its lines (see `info`) are written as one group when it ends,
   * closed by `outcome`'s line (what it did; the failure's message when it failed) and the time.
   */
  async run<T>(name: string, step: () => Promise<T>, outcome?: (result: T) => string): Promise<T> {
    const entry: { name: string; ms?: number } = { name };
    this.started.push(entry);
    const startedAt = Date.now();
    const lines: string[] = [];
    let last: string;
    try {
      const result = await current.run(lines, step);
      last = outcome ? outcome(result) : 'done';
      return result;
    } catch (error) {
      last = `failed: ${redact(error instanceof Error ? error.message.split('\n')[0]! : String(error))}`;
      throw error;
    } finally {
      entry.ms = Date.now() - startedAt;
      core.startGroup(name);
      for (const line of lines) core.info(line);
      core.info(`${name}: ${last!} (${seconds(entry.ms)})`);
      core.endGroup();
    }
  }
}
