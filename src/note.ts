// A sentence for the PR comment, the job summary and the log, written with the `note` tag so the
// values in it (branch names, environment names: chosen by whoever opened the pull request) stay
// apart from the words: each place escapes them for how it renders (a code span in Markdown,
// `<code>` in HTML), so no value becomes a mention, a link, markup or reordered text.

export interface Note {
  /** The words around the values: one more than `values`. */
  readonly words: readonly string[];
  readonly values: readonly (string | number)[];
}

/** Tag: note`Created environment ${name}.` */
export function note(words: TemplateStringsArray, ...values: (string | number)[]): Note {
  return { words: [...words], values };
}

/** A note of words only (no value from outside). */
export function words(text: string): Note {
  return { words: [text], values: [] };
}

/** Joins the parts of a note, each value as `value(v)` renders it and each run of words as `word(w)`. */
export function renderNote(n: Note, word: (text: string) => string, value: (v: string) => string): string {
  let out = word(n.words[0] ?? '');
  n.values.forEach((v, i) => {
    out += typeof v === 'number' ? word(String(v)) : value(v);
    out += word(n.words[i + 1] ?? '');
  });
  return out;
}

/** Control, format and line-separator characters (bidi overrides included) shown as `U+202E`. */
export function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
}

/** `visible` line by line: the line breaks of a block (a diff) stay, tabs become spaces. */
export function visibleLines(text: string): string {
  return text
    .split('\n')
    .map((line) => visible(line.replace(/\t/g, '    ')))
    .join('\n');
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text for HTML (a job summary cell, a comment's `<summary>`): shown as it is, as `visible` shows it. */
export function escapeHtml(text: string): string {
  return visible(text).replace(/[&<>"]/g, (c) => HTML_ENTITIES[c]!);
}

/** A block for HTML (`<pre>`): `visibleLines`, then escaped as `escapeHtml` does. */
export function escapeHtmlLines(text: string): string {
  return visibleLines(text).replace(/[&<>"]/g, (c) => HTML_ENTITIES[c]!);
}

/** The note as one line of plain text, for the log. */
export function noteText(n: Note): string {
  return renderNote(n, (w) => w, visible);
}
