// What the demo prints, and when: the clock (from the moment the user's command started), lines
// with aligned value columns, section rules, and the time since the last line (for "still
// running" lines). Loaded before anything heavy, so it imports node builtins only.
import { readFileSync } from 'node:fs';

const tty = process.stdout.isTTY === true;
const style = (code: string) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = style('1');
export const dim = style('2');
export const red = style('31');
export const green = style('32');
export const yellow = style('33');
export const cyan = style('36');

/** Where the value column of every table starts (two spaces of indent, then the label). */
const LABEL_WIDTH = 30;

let lastLineAt = Date.now();

/** Prints a line (several with `\n`). */
export function say(text = ''): void {
  console.log(text);
  lastLineAt = Date.now();
}

/** Prints the start of a line whose end `say` prints once the work it names is done. */
export function sayPart(text: string): void {
  process.stdout.write(text);
  lastLineAt = Date.now();
}

/** Milliseconds since the last line. */
export function quietFor(): number {
  return Date.now() - lastLineAt;
}

/** One row of a table: label, then the value in the column every table shares. */
export function row(label: string, value: string): void {
  say(`  ${label.padEnd(LABEL_WIDTH)} ${value}`);
}

/** A line that continues the value column of the row above it. */
export function rowMore(value: string): void {
  row('', value);
}

export function section(title: string): void {
  say(`\n${bold(`── ${title} ${'─'.repeat(Math.max(2, 88 - title.length))}`)}`);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * When the user's command started, in epoch milliseconds. `npm run demo` is npm, then a shell
 * running tsx, then tsx's own node process running this one, and the user waited for all of it:
 * on Linux the oldest of these (read from /proc: processes whose command runs tsx, up to the
 * package manager that started them) is the start; elsewhere, this process's.
 */
export function commandStart(): { at: number; what: string } {
  const own = { at: performance.timeOrigin, what: 'this process' };
  try {
    const ticksPerSecond = 100; // USER_HZ: the unit of /proc/<pid>/stat's start time on Linux.
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const bootAt = Date.now() - uptime * 1000;
    let start = own;
    let pid = process.ppid;
    for (let depth = 0; depth < 4 && pid > 1; depth++) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The fields after the command name (in parentheses, may hold spaces): state, ppid, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const packageManager = /^(npm|npx|pnpm|yarn)\b/.test(command);
      if (!packageManager && !/\btsx\b/.test(command)) break;
      const at = bootAt + (Number(fields[19]) / ticksPerSecond) * 1000;
      if (Number.isFinite(at)) start = { at, what: `"${command}"` };
      if (packageManager) break;
      pid = Number(fields[1]);
    }
    return start;
  } catch {
    return own;
  }
}
