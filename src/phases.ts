// The run's phases: each runs in a collapsible log group and its duration is kept for the job
// summary.
import * as core from '@actions/core';

export interface PhaseTiming {
  name: string;
  ms: number;
}

export class Phases {
  readonly timings: PhaseTiming[] = [];

  async run<T>(name: string, step: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await core.group(name, step);
    } finally {
      this.timings.push({ name, ms: Date.now() - started });
    }
  }
}
