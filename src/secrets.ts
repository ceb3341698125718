// Every secret the run knows (tokens, passwords, URLs that carry a password), registered once:
// masked by the runner in every form a platform could echo it in, and cut out of any text the
// action itself prints (a platform's error message may quote a request body).
import * as core from '@actions/core';

const known = new Set<string>();
/** Every registered form, longest first, so a form inside another is cut with it. */
let forms: string[] = [];

/** The ways a value can appear in a platform's answer: as sent, URL-encoded, JSON-escaped. */
function formsOf(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [value, encodeURIComponent(value), json, json.replaceAll('/', '\\/'), JSON.stringify(encodeURIComponent(value)).slice(1, -1)];
}

/** Masks `value` (every form of it) before anything can print it. Empty values are ignored. */
export function registerSecret(value: string | undefined): void {
  if (!value || known.has(value)) return;
  known.add(value);
  const added = [...new Set(formsOf(value))].filter((form) => form.length > 0 && !forms.includes(form));
  for (const form of added) core.setSecret(form);
  forms = [...forms, ...added].sort((a, b) => b.length - a.length);
}

/** `text` with every registered secret replaced by `***`, as the runner's mask would show it. */
export function redact(text: string): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.replaceAll(form, '***');
  return out;
}

/** A connection URL and the password in it: both registered, in every form. */
export function registerConnectionUrl(url: string): void {
  registerSecret(url);
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      registerSecret(decodeURIComponent(parsed.password));
      registerSecret(parsed.password);
    }
  } catch {
    // Not a URL: registered whole above.
  }
}
