// Parts of the sticky PR comment (Markdown) as GitHub's page shows them in a terminal: the
// "Password" row of its table, and its schema-diff section (a `<details>` per database, shown
// opened, with the ```diff block inside).
import { bold, green, red } from './output.js';

/** Inline Markdown and HTML as read on the page: code spans, bold and entities reduced to text. */
function inline(text: string): string {
  return text
    .replace(/<\/?code>/g, '')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, (_, strong: string) => bold(strong))
    .replace(/\\([()[\]*_`\\])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** The value of the comment's "Password" row, if it has one. */
export function passwordRow(comment: string): string | undefined {
  const line = comment.split('\n').find((l) => /^\|\s*Password\s*\|/.test(l));
  return line && inline(line.split('|')[2]!.trim());
}

/**
 * The schema-diff section, from its heading ("Schema changes …") to the comment's next part,
 * rendered: headings and list items as text, each `<details>` as `▸ summary` with what it holds
 * indented under it, the diff block's lines as they are. Undefined when there is none.
 */
export function schemaDiffSection(comment: string): string[] | undefined {
  const lines = comment.split('\n');
  const start = lines.findIndex((l) => /^(#+ |\*\*)Schema changes/.test(l));
  if (start < 0) return undefined;
  const out: string[] = [];
  let depth = 0;
  let fence = false;
  for (const line of lines.slice(start)) {
    if (fence) {
      if (/^\s*```\s*$/.test(line)) {
        fence = false;
        while (out.length && out[out.length - 1]!.trim() === '') out.pop();
      } else out.push(`${'    '.repeat(depth)}${/^\+/.test(line) ? green(line) : /^-/.test(line) ? red(line) : line}`);
      continue;
    }
    if (/^\s*```/.test(line)) {
      fence = true;
      continue;
    }
    if (out.length > 0 && (/^<sub>/.test(line) || /^(#+ |\*\*)/.test(line))) break;
    const summary = /<details>\s*<summary>(.*)<\/summary>/.exec(line);
    if (summary) {
      out.push(`${'    '.repeat(depth)}▸ ${inline(summary[1]!)}`);
      depth++;
      continue;
    }
    if (/^\s*<\/details>/.test(line)) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (line.trim() === '') continue;
    out.push(`${'    '.repeat(depth)}${inline(line.replace(/^#+ /, '').replace(/^- /, '• '))}`);
  }
  return out;
}
