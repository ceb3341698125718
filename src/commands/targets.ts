// Runs one step on every target at once; a failure in one does not stop the others, and the
// error afterwards names every target that failed.
import { noteText } from '../note.js';
import { info } from '../phases.js';
import type { Target, TargetReport } from '../targets/target.js';

/** A target's report in the log: what it set or removed, its links and notes. */
export function logReport(report: TargetReport, verb: 'set' | 'removed'): void {
  info(`${report.label}: ${report.names.length > 0 ? `${verb} ${report.names.join(', ')}` : `nothing ${verb}`}${report.removedNames?.length ? `; removed ${report.removedNames.join(', ')}` : ''}`);
  for (const link of report.links) info(`  ${link.label}: ${link.url}`);
  for (const note of report.notes) info(`  ${noteText(note)}`);
}

export async function onEveryTarget<R>(targets: Target[], step: (target: Target, index: number) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(targets.map(step));
  const failures = settled.flatMap((s, i) => {
    if (s.status !== 'rejected') return [];
    const message = s.reason instanceof Error ? s.reason.message : String(s.reason);
    const target = targets[i]!;
    // A platform's error already starts with the platform's name.
    return [message.startsWith(`${target.platform}:`) ? message : `${target.label}: ${message}`];
  });
  if (failures.length > 0) throw new Error(failures.length === 1 ? failures[0] : `${failures.length} targets failed: ${failures.join(' | ')}`);
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}
