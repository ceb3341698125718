// The schema diff of the pull request's branch against its parent, per database, as Neon's
// compare_schema gives it, and a one-line count of what changed as far as the diff text shows it.
import { eachLimited } from '../concurrency.js';
import type { NeonClient } from './client.js';
import type { PreviewBranch } from './preview.js';

/** Databases compared at once. */
const CONCURRENCY = 4;

export interface DatabaseDiff {
  database: string;
  /** The unified diff; empty when nothing changed. Undefined when it could not be read. */
  diff?: string;
  /** Why it could not be read (one line). */
  problem?: string;
}

export interface SchemaDiffs {
  diffs: DatabaseDiff[];
  /** Why there is nothing to compare (a root branch has no parent). */
  note?: string;
}

/** Every database's diff against the parent, at once; a failure is a line, never the run's failure. */
export async function takeSchemaDiffs(neon: NeonClient, branch: PreviewBranch, databases: string[]): Promise<SchemaDiffs> {
  if (!branch.parentId) return { diffs: [], note: 'A schema-only branch is a root branch: it has no parent to compare with.' };
  const diffs = databases.map((database): DatabaseDiff => ({ database }));
  await eachLimited(diffs, CONCURRENCY, async (entry) => {
    try {
      entry.diff = await neon.compareSchema(branch.id, entry.database);
    } catch (error) {
      entry.problem = error instanceof Error ? error.message : String(error);
    }
  });
  return { diffs };
}

const KINDS: [RegExp, string, string][] = [
  [/^CREATE\s+(?:UNLOGGED\s+)?TABLE\b/i, 'table', 'tables'],
  [/^CREATE\s+(?:UNIQUE\s+)?INDEX\b/i, 'index', 'indexes'],
  [/^CREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\b/i, 'view', 'views'],
  [/^CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\b/i, 'function', 'functions'],
  [/^CREATE\s+SEQUENCE\b/i, 'sequence', 'sequences'],
  [/^CREATE\s+TYPE\b/i, 'type', 'types'],
  [/^CREATE\s+SCHEMA\b/i, 'schema', 'schemas'],
  [/^CREATE\s+EXTENSION\b/i, 'extension', 'extensions'],
  [/^ALTER\s+TABLE\b.*\bADD\s+CONSTRAINT\b/i, 'constraint', 'constraints'],
];

/**
 * What a diff changes, in words: "1 table added, 2 columns added, 1 index removed"; "No schema
 * changes" for an empty diff. Columns are counted inside the tables the diff shows unchanged.
 */
export function describeChanges(diff: string): string {
  const counts = new Map<string, { added: number; removed: number; changed: number; plural: string }>();
  const count = (one: string, plural: string, how: 'added' | 'removed' | 'changed') => {
    const entry = counts.get(one) ?? counts.set(one, { added: 0, removed: 0, changed: 0, plural }).get(one)!;
    entry[how]++;
  };
  /** The table whose column list the diff is in, and whether the table itself is added or removed. */
  let table: { whole: boolean; added: Set<string>; removed: Set<string> } | undefined;
  const closeTable = () => {
    if (!table || table.whole) return;
    for (const name of table.added) count('column', 'columns', table.removed.has(name) ? 'changed' : 'added');
    for (const name of table.removed) if (!table.added.has(name)) count('column', 'columns', 'removed');
  };
  for (const raw of diff.split('\n')) {
    if (raw.startsWith('+++') || raw.startsWith('---') || raw.startsWith('@@')) continue;
    const sign = raw[0] === '+' ? 'added' : raw[0] === '-' ? 'removed' : undefined;
    const line = raw.slice(1).trim();
    const kind = KINDS.find(([pattern]) => pattern.test(line));
    if (kind) {
      if (sign) count(kind[1], kind[2], sign);
      if (kind[1] === 'table') {
        closeTable();
        table = { whole: sign !== undefined, added: new Set(), removed: new Set() };
      }
      continue;
    }
    if (table && /^\);?$/.test(line)) {
      closeTable();
      table = undefined;
      continue;
    }
    const column = /^"?([A-Za-z_][\w$]*)"?\s+\S/.exec(line)?.[1];
    if (table && sign && column && !/^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)$/i.test(column)) table[sign].add(column);
  }
  closeTable();
  const parts = [...counts.entries()].flatMap(([one, c]) => (['added', 'removed', 'changed'] as const).filter((how) => c[how] > 0).map((how) => `${c[how]} ${c[how] === 1 ? one : c.plural} ${how}`));
  if (parts.length > 0) return parts.join(', ');
  return diff.trim() ? 'Schema changed' : 'No schema changes';
}

/** The diff cut at a line boundary to at most `max` characters; `cut` says whether lines were left out. */
export function fitDiff(diff: string, max: number): { text: string; cut: boolean } {
  if (diff.length <= max) return { text: diff, cut: false };
  const end = diff.lastIndexOf('\n', Math.max(0, max));
  return { text: end > 0 ? diff.slice(0, end) : '', cut: true };
}

/** Shares `budget` characters among the diffs in order: each gets what it needs while there is room. */
export function shareBudget(lengths: number[], budget: number): number[] {
  let left = Math.max(0, budget);
  return lengths.map((length, i) => {
    // What the later diffs need at least for a first line each, so one long diff cannot starve them.
    const reserve = lengths.slice(i + 1).reduce((sum, l) => sum + Math.min(l, 200), 0);
    const share = Math.max(0, Math.min(length, left - reserve));
    left -= share;
    return share;
  });
}
