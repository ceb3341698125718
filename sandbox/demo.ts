// npm run demo: one pull request's whole life (opened → synchronize → closed) through the built
// action (dist/index.js), run as the GitHub runner runs it, against the local stand-ins of Neon,
// Vercel, Netlify and GitHub. The Neon stand-in is backed by a real Postgres engine (PGlite): a
// branch is a copy of its parent's data, and the URLs the action publishes accept connections.
// Prints what happened at each step, what each platform holds, and what the database answers.
import pg from 'pg';
import { REPOSITORY, pullRequestEvent, runAction, type RunResult } from './action-runner.js';
import type { NeonStandIn } from './neon.js';
import { startPlatforms, type Platforms } from './platforms.js';
import type { VercelStandIn } from './vercel.js';

const NEON_KEY = 'napi_demo_key_0000000000000000';
const VERCEL_TOKEN = 'vercel_demo_token_000000000000';
const NETLIFY_TOKEN = 'netlify_demo_token_00000000000';
const PR = 42;
const HEAD = 'feature/checkout';

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function section(title: string): void {
  console.log(`\n${bold(`── ${title} ${'─'.repeat(Math.max(0, 78 - title.length))}`)}`);
}

/** A URL as a person may see it: the password replaced. */
function hidePassword(url: string | undefined): string {
  if (!url) return '(none)';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '********';
  return parsed.toString();
}

function requestCounts(p: Platforms): Record<string, number> {
  return { Neon: p.neon.standIn.requests.length, Vercel: p.vercel.standIn.requests.length, Netlify: p.netlify.standIn.requests.length, GitHub: p.github.standIn.requests.length };
}

function describeRun(result: RunResult, before: Record<string, number>, after: Record<string, number>): void {
  const o = result.outputs;
  const requests = Object.keys(after).map((k) => `${k} ${after[k]! - before[k]!}`).join(', ');
  console.log(`exit code ${result.code} in ${(result.ms / 1000).toFixed(1)} s; requests: ${requests}`);
  if (result.code !== 0) {
    console.log(result.stdout.split('\n').filter((l) => l.startsWith('::error::')).join('\n'));
    return;
  }
  const rows: [string, string | undefined][] = [
    ['command', o.command],
    ['branch', o.branch_name && `${o.branch_name} (${o.branch_id})`],
    ['created', o.created],
    ['expires_at', o.expires_at],
    ['db_url', o.db_url && hidePassword(o.db_url)],
    ['db_url_pooled', o.db_url_pooled && hidePassword(o.db_url_pooled)],
  ];
  for (const [name, value] of rows) if (value !== undefined) console.log(`  ${name.padEnd(14)} ${value}`);
  const secrets = [o.password, o.db_url, o.db_url_pooled, NEON_KEY, VERCEL_TOKEN, NETLIFY_TOKEN].filter((s): s is string => Boolean(s));
  const visible = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n') + result.summary;
  const leaked = secrets.filter((s) => visible.includes(s));
  console.log(`  ${'secrets'.padEnd(14)} masked before use; found in the log or job summary: ${leaked.length ? `YES (${leaked.length})` : 'none'}`);
}

function platformState(p: Platforms): void {
  const previews = p.neon.branches().filter((b) => b.annotations['managed-by'] === 'neon-preview');
  console.log(`Neon     ${previews.length ? previews.map((b) => `${b.name} (${b.id}, ${b.current_state}, expires ${b.expires_at ?? 'never'})`).join('; ') : 'no preview branch'}`);
  const vercel = p.vercel.envs('shop-web').filter((e) => e.gitBranch === HEAD);
  console.log(`Vercel   ${vercel.length ? `${vercel.length} preview values for ${HEAD}: ${vercel.map((e) => `${e.key}${e.type === 'sensitive' ? '*' : ''}`).join(' ')}` : `no values for ${HEAD}`}`);
  const netlify = p.netlify.vars().filter((v) => v.values.some((x) => x.context === 'branch' && x.context_parameter === HEAD));
  console.log(`Netlify  ${netlify.length ? `${netlify.length} branch values for ${HEAD}: ${netlify.map((v) => `${v.key}${v.is_secret ? '*' : ''}`).join(' ')}` : `no values for ${HEAD}`}`);
  const environment = p.github.environment(`pr-${PR}`);
  const active = p.github.deployments(`pr-${PR}`).filter((d) => d.state === 'success').length;
  console.log(`GitHub   ${environment ? `environment pr-${PR}: secrets ${environment.secretNames.join(' ')}; variables ${Object.keys(environment.variables).join(' ')}; ${active} active deployment` : `no environment pr-${PR}`}`);
  const comment = p.github.comments(PR)[0];
  console.log(`PR #${PR}   ${comment ? `comment: "${comment.body.split('\n').find((l) => l.startsWith('###'))?.replace(/^### /, '')}"` : 'no comment'}`);
  console.log('         (* = stored as a secret)');
}

/** Runs SQL through a connection URL; the error's message when it cannot connect. */
async function query(url: string, sql: string): Promise<{ rows: Record<string, unknown>[] } | { error: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query(sql);
    return { rows };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { error: e.code ?? e.message };
  } finally {
    await client.end().catch(() => {});
  }
}

/** What the preview's DATABASE_URL (pooled) and DATABASE_URL_UNPOOLED (direct) lead to. */
async function showDatabase(vercel: VercelStandIn, parentUrl: string, write: boolean): Promise<void> {
  const published = Object.fromEntries(vercel.envs('shop-web').filter((e) => e.gitBranch === HEAD).map((e) => [e.key, e.value]));
  const pooled = published.DATABASE_URL;
  const direct = published.DATABASE_URL_UNPOOLED;
  if (!pooled || !direct) return;
  for (const [name, url] of [['DATABASE_URL (pooled)', pooled], ['DATABASE_URL_UNPOOLED (direct)', direct]] as const) {
    const version = await query(url, 'select version()');
    console.log(`  ${name.padEnd(32)} ${'rows' in version ? String(version.rows[0]!.version).split(' on ')[0] : `refused: ${version.error}`}`);
  }
  const rows = await query(pooled, 'select name, price_cents from products order by id');
  if ('rows' in rows) console.log(`  rows on the preview branch      ${rows.rows.map((r) => `${r.name} (${r.price_cents})`).join(', ')}`);
  if (write) {
    await query(direct, "insert into products (name, price_cents) values ('Preview-only mug', 999)");
    const preview = await query(pooled, 'select count(*)::int as n from products');
    const parent = await query(parentUrl, 'select count(*)::int as n from products');
    if ('rows' in preview && 'rows' in parent) console.log(`  after a write on the preview      preview has ${preview.rows[0]!.n} rows, the parent still ${parent.rows[0]!.n}`);
  }
}

/** The parent (default) branch's URL, straight from the Neon stand-in. */
async function parentUrl(neon: NeonStandIn): Promise<string> {
  const response = await fetch(`${neon.url}/projects/${neon.projectId}/connection_uri?database_name=neondb&role_name=neondb_owner&branch_id=${neon.defaultBranchId}`, { headers: { authorization: `Bearer ${NEON_KEY}` } });
  return ((await response.json()) as { uri: string }).uri;
}

async function main(): Promise<void> {
  const started = Date.now();
  const platforms = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN }, { operationMs: 800, latencyMs: 20, postgres: true });
  const { neon, vercel, netlify, github } = platforms;
  const inputs = platforms.inputs();
  console.log(bold(`neon-preview demo: pull request #${PR} of ${REPOSITORY} from opened to closed, against local stand-ins`));
  console.log('Neon operations take 0.8 s; every request to any platform waits 20 ms; each Neon branch is a real Postgres (PGlite).');
  const parent = await parentUrl(neon);
  let lastUrls: { pooled?: string; direct?: string } = {};

  try {
    const steps: [string, 'opened' | 'synchronize' | 'closed', string, string][] = [
      [`1. PR #${PR} opened`, 'opened', 'a'.repeat(40), 'creates the branch, fetches both URLs, publishes them everywhere'],
      ['2. New commits pushed', 'synchronize', 'b'.repeat(40), 'reuses the branch, renews its expiry, updates in place'],
      [`3. PR #${PR} closed`, 'closed', 'b'.repeat(40), 'removes the values everywhere, then the branch'],
      ['4. The closed event delivered again', 'closed', 'b'.repeat(40), 'nothing left: succeeds'],
    ];
    for (const [title, action, sha, what] of steps) {
      section(`${title}: ${what}`);
      const before = requestCounts(platforms);
      const result = await runAction({ inputs, githubApiUrl: github.url, githubToken: github.tokens.actions, event: pullRequestEvent({ action, number: PR, headRef: HEAD, headSha: sha }) });
      describeRun(result, before, requestCounts(platforms));
      platformState(platforms);
      if (result.code !== 0) process.exitCode = 1;
      if (action !== 'closed') {
        lastUrls = { pooled: result.outputs.db_url_pooled, direct: result.outputs.db_url };
        await showDatabase(vercel, parent, action === 'opened');
      } else if (lastUrls.pooled && lastUrls.direct) {
        for (const [name, url] of [['the old pooled URL', lastUrls.pooled], ['the old direct URL', lastUrls.direct]] as const) {
          const answer = await query(url, 'select 1');
          console.log(`  ${name.padEnd(32)} ${'error' in answer ? `refuses connections (${answer.error})` : 'STILL ACCEPTS CONNECTIONS'}`);
          if (!('error' in answer)) process.exitCode = 1;
        }
        lastUrls = {};
      }
    }
    section('Summary');
    const violations = [neon, vercel, netlify, github].reduce((n, p) => n + p.standIn.violations.length, 0);
    console.log(`Requests that broke a platform's API description: ${violations}`);
    console.log(`Total time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await platforms.stop();
  }
}

await main();
