// A step's log as GitHub's web page shows it, from what the action printed: workflow commands
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions) are consumed
// as the runner consumes them. `::group::` becomes a collapsible heading (▸, shown opened here:
// its lines are indented under it), `::notice::`/`::warning::`/`::error::` lines are labelled as
// the log labels them, `::add-mask::` lines disappear and from then on every registered value
// reads `***`, as do the workflow's secrets (the inputs that come from `secrets.*`) from the start.
// `::debug::` lines are left out (GitHub shows them only with step debug logging on).
import { cyan, red, yellow } from './output.js';

const HIDDEN = new Set(['add-mask', 'debug', 'endgroup', 'set-output', 'save-state', 'add-path', 'set-env', 'echo', 'add-matcher', 'remove-matcher']);
const LABELS: Record<string, (text: string) => string> = {
  notice: (text) => cyan(`Notice: ${text}`),
  warning: (text) => yellow(`Warning: ${text}`),
  error: (text) => red(`Error: ${text}`),
};

/** A workflow command's data as the runner reads it (the toolkit's escapeData, undone). */
function unescapeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

export class GitHubLog {
  private masks: string[] = [];
  private inGroup = false;

  /** `secrets`: values the runner masks from the first line (the workflow's `secrets.*`). */
  constructor(secrets: string[] = []) {
    for (const secret of secrets) this.addMask(secret);
  }

  private addMask(value: string): void {
    // The runner masks each line of a multi-line value; an empty one masks nothing.
    for (const part of value.split(/\r?\n/)) if (part && !this.masks.includes(part)) this.masks.push(part);
    this.masks.sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let out = text;
    for (const value of this.masks) if (out.includes(value)) out = out.replaceAll(value, '***');
    return out;
  }

  /** A group as the runner opens one, e.g. the step's own "Run …" heading with its inputs. */
  group(title: string, lines: string[]): string[] {
    return [`▸ ${this.mask(title)}`, ...lines.map((line) => `    ${this.mask(line)}`)];
  }

  /** The lines GitHub shows for one line the step printed: none for a command it consumes. */
  render(line: string): string[] {
    const command = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    const indent = this.inGroup ? '    ' : '  ';
    if (!command) return [`${indent}${this.mask(line)}`];
    const [, name, , rawData] = command as unknown as [string, string, string | undefined, string];
    const data = unescapeData(rawData);
    if (name === 'add-mask') this.addMask(data);
    if (name === 'endgroup') this.inGroup = false;
    if (name === 'group') {
      this.inGroup = true;
      return [`▸ ${this.mask(data)}`];
    }
    if (HIDDEN.has(name)) return [];
    const label = LABELS[name];
    // A command the runner does not know is printed as it is.
    if (!label) return [`${indent}${this.mask(line)}`];
    const [first, ...more] = this.mask(data).split(/\r?\n/);
    return [`${indent}${label(first ?? '')}`, ...more.map((text) => `${indent}${text}`)];
  }
}
