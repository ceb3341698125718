// What the published URLs lead to: real SQL through node-postgres on the branches' PGlite
// databases. Every check that fails is added to `problems`, and the demo then exits with 1.
import pg from 'pg';
import { row, rowMore, say } from './output.js';

export const problems: string[] = [];

export function problem(text: string): string {
  problems.push(text);
  return `PROBLEM: ${text}`;
}

/** Runs SQL through a connection URL; the error's code or message when it cannot. */
export async function query(url: string, sql: string): Promise<{ rows: Record<string, unknown>[] } | { error: string }> {
  // The limit only guards against a hang: PGlite answers from this process, slower on a busy machine.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query(sql);
    return { rows };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { error: e.code && e.message ? `${e.code}, ${e.message}` : (e.code ?? e.message) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** A URL as a person may see it: the password replaced. */
export function hidePassword(url: string | undefined): string {
  if (!url) return '(none)';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '********';
  return parsed.toString();
}

export interface PublishedUrls {
  /** DATABASE_URL: the pooled endpoint, what the application uses. */
  pooled: string;
  /** DATABASE_URL_UNPOOLED: the direct endpoint, what migrations use. */
  direct: string;
}

/** select version() through both URLs, and the rows the preview holds. */
export async function showDatabase(urls: PublishedUrls): Promise<void> {
  for (const [name, url] of [
    ['DATABASE_URL (pooled)', urls.pooled],
    ['DATABASE_URL_UNPOOLED (direct)', urls.direct],
  ] as const) {
    const version = await query(url, 'select version()');
    row(name, 'rows' in version ? `select version(): ${String(version.rows[0]!.version).split(' on ')[0]}` : problem(`refused: ${version.error}`));
  }
  const rows = await query(urls.pooled, 'select name, price_cents from products order by id');
  row('rows of products', 'rows' in rows ? rows.rows.map((r) => `${r.name} (${r.price_cents})`).join(', ') : problem(rows.error));
}

/** A row written through the preview's URL is on the preview only. */
export async function writeOnPreview(urls: PublishedUrls, parentUrl: string): Promise<void> {
  const before = await query(parentUrl, 'select count(*)::int as n from products');
  const insert = await query(urls.direct, "insert into products (name, price_cents) values ('Preview-only mug', 999)");
  const preview = await query(urls.pooled, 'select count(*)::int as n from products');
  const parent = await query(parentUrl, 'select count(*)::int as n from products');
  if ('error' in insert || !('rows' in preview) || !('rows' in parent) || !('rows' in before)) {
    row(
      'a row written on the preview',
      problem(`could not write or count: ${['error' in insert ? insert.error : '', 'error' in preview ? preview.error : '', 'error' in parent ? parent.error : ''].filter(Boolean).join('; ')}`),
    );
    return;
  }
  const [p, q, b] = [preview.rows[0]!.n, parent.rows[0]!.n, before.rows[0]!.n];
  row('a row written on the preview', q === b ? `the preview has ${p} rows, the parent still ${q}` : problem(`the parent went from ${b} to ${q} rows`));
}

/** The table the demo adds on the preview (a migration of the pull request), through the direct URL. */
export const MIGRATION = [
  `create table reviews (
     id bigint generated always as identity primary key,
     product_id integer not null references products (id),
     stars smallint not null check (stars between 1 and 5),
     body text
   )`,
  'create index reviews_product_id_idx on reviews (product_id)',
];

export async function migratePreview(urls: PublishedUrls): Promise<void> {
  for (const sql of MIGRATION) {
    const result = await query(urls.direct, sql);
    if ('error' in result) {
      row('migration on the preview', problem(result.error));
      return;
    }
  }
  row('migration on the preview', 'create table reviews (… references products …); create index reviews_product_id_idx');
  say("  (through DATABASE_URL_UNPOOLED; the next push shows it in the PR comment's schema diff)");
}

/**
 * The preview's own password: Neon's for the preview, the action's output and the published URLs'
 * agree and are not the parent's; and what the parent's password does on the preview's URL, said
 * as it is. No password is printed.
 */
export async function showPasswords(p: { urls: PublishedUrls; output: string | undefined; neon: string; parent: string }): Promise<void> {
  const password = (url: string) => decodeURIComponent(new URL(url).password);
  const parent = password(p.parent);
  const [neon, published] = [password(p.neon), password(p.urls.pooled)];
  const mismatch = !p.output
    ? 'the action gave no password output'
    : neon !== p.output
      ? "Neon's password for the preview is not the output's"
      : published !== p.output
        ? "the published DATABASE_URL's password is not the output's"
        : p.output === parent
          ? "it is the parent's"
          : undefined;
  row("the preview's password", mismatch ? problem(mismatch) : "Neon's, the output's and the published URLs' are one, not the parent's");
  if (!mismatch) rowMore('(compared here, not printed)');

  const withParents = new URL(p.urls.direct);
  withParents.password = encodeURIComponent(parent);
  const answer = await query(withParents.toString(), 'select 1');
  if ('error' in answer) row("the parent's password on it", `refused (${answer.error})`);
  else {
    row("the parent's password on it", "accepted: the stand-in's Postgres (PGlite) checks no password (any user");
    rowMore('with any password gets in), so the demo cannot show Neon refusing this login;');
    rowMore('it shows instead that Neon holds another password for the preview, and that');
    rowMore('the targets got that one.');
  }
}
