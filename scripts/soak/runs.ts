// Reading one run of the action: its error lines, its retries, why it failed, what it should output.
import type { RunResult } from '../../sandbox/action-runner.js';
import { perPlatform } from './report.js';
import type { EventAction, PerPlatform, Platform, PullRequest } from './types.js';

/** The `::error::` lines of a run, their messages unescaped (%0A, %0D, %25). */
export function errorLines(result: RunResult): string[] {
  return result.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error::'))
    .map((l) => l.slice('::error::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
}

/** The pull request a refusal names ("... they belong to pull request #12 ..."), if the run was refused. */
export function refusalOf(result: RunResult): number | undefined {
  const errors = errorLines(result);
  if (result.code !== 1 || errors.length !== 1) return undefined;
  const named = /cannot have .* belong to pull request #(\d+)\b/.exec(errors[0]!);
  return named ? Number(named[1]) : undefined;
}

/** The action's own retry log lines: `<Platform>: <operation>: <reason>; retrying in 1.0 s (attempt 2)`. */
export function countRetries(stdout: string, names: Platform[]): PerPlatform {
  const counts = perPlatform(names);
  const line = new RegExp(`^(${names.join('|')}): .*; retrying in \\d+(?:\\.\\d+)? s \\(attempt \\d+\\)$`, 'gm');
  for (const match of stdout.matchAll(line)) counts[match[1] as Platform]++;
  return counts;
}

/** What an injected fault makes the action say: a 423, 429 or 5xx, a lost answer, a dropped connection, the run's timeout (spent on slow answers). */
const TRANSIENT = /HTTP (?:423|429|5\d\d)\b|no answer in time|network error|socket hang up|ECONNRESET|UND_ERR|did not complete within the run's timeout|the run's timeout leaves/i;

/** Whether an injected fault explains a failure message. */
export function isTransient(message: string): boolean {
  return TRANSIENT.test(message);
}

/** Whether a failure message names a platform. */
export function namesPlatform(message: string, names: Platform[]): boolean {
  return new RegExp(`\\b(${names.join('|')})\\b`).test(message);
}

/** A failure message reduced to platform and operation, for the table of reasons. */
export function reasonOf(message: string, names: Platform[]): string {
  const first = message.split(' | ')[0]!.replace(/^\d+ targets failed: /, '');
  const platform = new RegExp(`^(${names.join('|')})(?: environment)?: ([^:]+?)(?: failed)?: ([^:(]+)`).exec(first);
  if (platform) {
    const operation = platform[2]!
      .replace(/\b(pr-\d+|#\d+|\d{3,})\b/g, '<n>')
      .replace(/[A-Z_]{4,}/g, '<KEY>')
      .replace(/branch \S+/g, 'branch <head>');
    return `${platform[1]}: ${operation}: ${platform[3]!.trim()}`;
  }
  return first.replace(/\d+/g, '<n>').slice(0, 100);
}

/**
 * The `command` outputs a successful run may end with: a skipped fork's runs skip; a create of a
 * PR that GitHub already says is closed may remove what it made again (`delete`).
 */
export function expectedCommands(pr: PullRequest | undefined, action: EventAction): string[] {
  if (action === 'sweep' || !pr) return ['sweep'];
  if (pr.kind === 'fork-skipped') return ['skip'];
  if (action === 'closed') return ['delete'];
  return pr.open ? ['create'] : ['create', 'delete'];
}

/** Why a run that exited 0 is wrong (an error line, the wrong command, a create without URLs), or undefined. */
export function wrongSuccess(result: RunResult, pr: PullRequest | undefined, action: EventAction): string | undefined {
  const errors = errorLines(result);
  if (errors.length > 0) return `exit 0 but ::error:: ${errors[0]!.slice(0, 200)}`;
  const command = result.outputs.command;
  const allowed = expectedCommands(pr, action);
  if (!command || !allowed.includes(command)) return `exit 0 but command=${command ?? '(none)'}, expected ${allowed.join(' or ')}; outputs ${JSON.stringify(Object.keys(result.outputs))}`;
  if (command === 'create' && !result.outputs.db_url) return `exit 0 but no db_url; outputs ${JSON.stringify(Object.keys(result.outputs))}`;
  if (command === 'skip' && !/^::notice::/m.test(result.stdout)) return 'exit 0, command=skip, but no ::notice:: line saying why';
  return undefined;
}

/** Every URL and password in a run's outputs: value → what it is. */
export function outputSecrets(result: RunResult): [string, string][] {
  const { db_url, db_url_pooled, password } = result.outputs;
  const found: [string | undefined, string][] = [
    [db_url, 'db_url'],
    [db_url_pooled, 'db_url_pooled'],
    [password, 'password'],
    [password && encodeURIComponent(password), 'password (URL-encoded)'],
  ];
  for (const url of [db_url, db_url_pooled]) {
    try {
      if (url) found.push([new URL(url).password, 'password (as in the URL)']);
    } catch {
      // not a URL: kept as a whole above
    }
  }
  return found.filter((f): f is [string, string] => Boolean(f[0]));
}
