// The run's phases: each one's duration is kept for the job summary, in the order the phases
// started. Phases may overlap (a run starts independent work early); a phase gets its own
// collapsible log group only when no other phase is running, since the runner's log groups do not
// nest or interleave.
import * as core from '@actions/core';

export interface PhaseTiming {
  name: string;
  ms: number;
}

export class Phases {
  private readonly started: { name: string; ms?: number }[] = [];
  private grouped = false;
  private running = 0;

  /** Finished phases, in the order they started. */
  get timings(): PhaseTiming[] {
    return this.started.filter((p): p is PhaseTiming => p.ms !== undefined);
  }

  async run<T>(name: string, step: () => Promise<T>): Promise<T> {
    const entry: { name: string; ms?: number } = { name };
    this.started.push(entry);
    const startedAt = Date.now();
    const group = this.running === 0 && !this.grouped;
    this.running++;
    if (group) {
      this.grouped = true;
      core.startGroup(name);
    }
    try {
      return await step();
    } finally {
      this.running--;
      if (group) {
        core.endGroup();
        this.grouped = false;
      }
      entry.ms = Date.now() - startedAt;
    }
  }
}
