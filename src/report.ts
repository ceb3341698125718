// What the run tells the workflow and the person reading it: outputs and the job summary.
// Built only from names, ids, hosts and links: never a password or a URL that carries one.
import * as core from '@actions/core';
import type { DeleteResult } from './commands/delete.js';
import type { SweepResult } from './commands/sweep.js';
import type { CreateResult } from './commands/create.js';
import { passwordText } from './neon/credentials.js';
import type { CallStats } from './http/retry.js';
import { consoleUrl, type PreviewBranch } from './neon/preview.js';
import { describeChanges, fitDiff, shareBudget, type SchemaDiffs } from './neon/schema-diff.js';
import { escapeHtml, escapeHtmlLines, renderNote, type Note } from './note.js';
import type { PhaseTiming } from './phases.js';
import type { TargetReport } from './targets/target.js';
import type { ConnectionDetails } from './variables.js';

export function setConnectionOutputs(branch: PreviewBranch, connection: ConnectionDetails): void {
  core.setOutput('branch_id', branch.id);
  core.setOutput('branch_name', branch.name);
  core.setOutput('created', String(branch.created));
  core.setOutput('db_url', connection.directUrl);
  core.setOutput('db_url_pooled', connection.pooledUrl);
  core.setOutput('db_host', connection.directHost);
  core.setOutput('db_host_pooled', connection.pooledHost);
  core.setOutput('database', connection.database);
  core.setOutput('role', connection.role);
  core.setOutput('password', connection.password);
  core.setOutput('expires_at', branch.expiresAt ?? '');
}

function requestsLine(stats: CallStats): string {
  const used = Object.keys(stats.requests).filter((p) => (stats.requests[p] ?? 0) > 0);
  if (used.length === 0) return 'no API requests';
  return used.map((p) => `${p}: ${stats.requests[p]} requests${stats.retries[p] ? ` (${stats.retries[p]} retried)` : ''}`).join(', ');
}

/** The closing line: time per phase, requests and retries per platform. */
function costLine(stats: CallStats, timings: PhaseTiming[], seconds: number): string {
  const phases = timings.map((t) => `${escapeHtml(t.name)} ${(t.ms / 1000).toFixed(1)} s`).join(' · ');
  return `<sub>${phases ? `${phases} · ` : ''}total ${seconds.toFixed(1)} s · ${requestsLine(stats)}</sub>`;
}

/** A summary table: its header row, then `rows`; no table at all when there are no rows. */
function table(headers: string[], rows: string[][]): (string | { data: string; header: boolean })[][] {
  return rows.length ? [headers.map((data) => ({ data, header: true })), ...rows] : [];
}

function targetRows(reports: TargetReport[], verb: string): string[][] {
  return reports.map((r) => [
    r.label,
    r.names.length ? `${verb} ${r.names.map((n) => `<code>${n}</code>`).join(', ')}${r.removedNames?.length ? `; removed ${r.removedNames.join(', ')}` : ''}` : 'nothing to do',
    // An empty cell would be written as an unclosed <td>.
    [...r.links.map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a>`), ...r.notes.map(noteHtml)].join('<br>') || '–',
  ]);
}

/** Text shown as it is in HTML, characters that reorder or hide text shown by their code point. */

/** A note in HTML: its words escaped, its values in `<code>`. */
function noteHtml(n: Note): string {
  return renderNote(n, escapeHtml, (v) => `<code>${escapeHtml(v)}</code>`);
}

/** A step's summary may hold 1 MiB; the rest of it needs far less than the margin. */
const SUMMARY_DIFF_BUDGET = 1024 * 1024 - 64 * 1024;

/** The schema diff per database, each in a collapsed section, within the summary's limit. */
function schemaHtml(schema: SchemaDiffs): string {
  const title = '<h3>Schema changes against the parent branch</h3>';
  if (schema.note) return `${title}<p>${escapeHtml(schema.note)}</p>`;
  const shares = shareBudget(
    schema.diffs.map((d) => d.diff?.length ?? 0),
    SUMMARY_DIFF_BUDGET,
  );
  const sections = schema.diffs.map((d, i) => {
    const name = `<code>${escapeHtml(d.database)}</code>`;
    if (d.problem !== undefined) return `<p>${name}: the diff could not be read (${escapeHtml(d.problem)})</p>`;
    if (!d.diff?.trim()) return `<p>${name}: No schema changes</p>`;
    const { text, cut } = fitDiff(d.diff, shares[i]!);
    return `<details><summary>${name}: ${escapeHtml(describeChanges(d.diff))}</summary><pre><code>${escapeHtmlLines(text)}</code></pre>${cut ? '<p>Shortened to fit the job summary.</p>' : ''}</details>`;
  });
  return title + sections.join('');
}

export async function writeCreateSummary(projectId: string, result: CreateResult<unknown>, schema: SchemaDiffs | undefined, stats: CallStats, timings: PhaseTiming[], seconds: number): Promise<void> {
  const { branch, connection } = result;
  const link = consoleUrl(projectId, branch.id);
  await core.summary
    .addHeading('Neon preview database: ready', 2)
    .addTable([
      [{ data: 'Branch', header: true }, { data: `<a href="${link}">${escapeHtml(branch.name)}</a> (<code>${escapeHtml(branch.id)}</code>)` }],
      [{ data: 'Parent', header: true }, { data: branch.parentId ? `<code>${escapeHtml(branch.parentId)}</code>` : '–' }],
      [{ data: 'Created', header: true }, { data: branch.created ? 'yes, by this run' : 'no, reused (expiry renewed)' }],
      [{ data: 'Expires', header: true }, { data: branch.expiresAt ?? 'never' }],
      [{ data: 'Password', header: true }, { data: escapeHtml(passwordText(result.password)) }],
      ...(branch.lastResetAt ? [[{ data: 'Reset', header: true }, { data: `${escapeHtml(branch.lastResetAt)}, to its parent's state (<code>reset_on_push</code>)` }]] : []),
      [{ data: 'Database / role', header: true }, { data: `<code>${escapeHtml(connection.database)}</code> / <code>${escapeHtml(connection.role)}</code>` }],
      [{ data: 'Direct host', header: true }, { data: `<code>${escapeHtml(connection.directHost)}</code> (migrations)` }],
      [{ data: 'Pooled host', header: true }, { data: `<code>${escapeHtml(connection.pooledHost)}</code> (application)` }],
    ])
    .addRaw(result.targets.length || result.skipped.length ? '' : 'No targets configured: the URLs are in the step outputs only.\n\n', true)
    .addRaw(result.skipped.map((n) => `<p>${noteHtml(n)}</p>`).join(''), true)
    .addTable(table(['Target', 'Published', 'Links'], targetRows(result.targets, 'set')))
    .addRaw(schema ? schemaHtml(schema) : '', true)
    .addRaw(costLine(stats, timings, seconds), true)
    .write();
}

export async function writeDeleteSummary(projectId: string, result: DeleteResult, stats: CallStats, timings: PhaseTiming[], seconds: number): Promise<void> {
  const branchText = result.branch
    ? `<a href="${consoleUrl(projectId, result.branch.id)}">${escapeHtml(result.branch.name)}</a> (<code>${result.branch.id}</code>)`
    : `<code>${escapeHtml(result.branchName)}</code>`;
  const outcome = { deleted: 'deleted', absent: 'already gone: nothing to delete', kept: 'kept: not managed by neon-preview' }[result.outcome];
  await core.summary
    .addHeading('Neon preview database: removed', 2)
    .addTable([
      [{ data: 'Branch', header: true }, { data: branchText }],
      [{ data: 'Outcome', header: true }, { data: outcome }],
    ])
    .addTable(table(['Target', 'Removed', 'Notes'], targetRows(result.targets, 'removed')))
    .addRaw(costLine(stats, timings, seconds), true)
    .write();
}

export async function writeFailureSummary(message: string): Promise<void> {
  try {
    // Escaped: the message can hold a head branch's name, which could close the block.
    await core.summary.addHeading('Neon preview database: failed', 2).addCodeBlock(escapeHtml(message)).write();
  } catch {
    // No summary file outside a runner; the failure itself is already reported.
  }
}

export async function writeSweepSummary(result: SweepResult, stats: CallStats, timings: PhaseTiming[], seconds: number): Promise<void> {
  const removed = result.rows.filter((r) => r.outcome === 'removed').length;
  const heading = result.rows.length === 0 ? 'Neon preview sweep: nothing to do' : `Neon preview sweep: ${removed} removed, ${result.rows.length - removed} kept or failed`;
  const rows = result.rows.map((r) => [r.pr !== undefined ? `#${r.pr}` : '?', r.state, r.outcome, r.items.map(escapeHtml).join('<br>'), escapeHtml(r.note ?? '–')]);
  await core.summary
    .addHeading(heading, 2)
    .addTable(table(['PR', 'State', 'Outcome', 'What', 'Note'], rows))
    .addRaw(costLine(stats, timings, seconds), true)
    .write();
}
