// The demo's steps (see sandbox/demo.ts): start the stand-ins, then run the built action for each
// event of one pull request's life and show what it printed, what each platform holds and what
// the database answers.
import type { NeonStandIn } from '../neon.js';
import type { Platforms } from '../platforms.js';
import { passwordRow, schemaDiffSection } from './comment.js';
import { hidePassword, migratePreview, problem, problems, query, showDatabase, showPasswords, writeOnPreview, type PublishedUrls } from './database.js';
import { GitHubLog } from './log.js';
import { bold, dim, quietFor, row, rowMore, say, sayPart, section, seconds } from './output.js';

const NEON_KEY = 'napi_demo_key_0000000000000000';
const VERCEL_TOKEN = 'vercel_demo_token_000000000000';
const NETLIFY_TOKEN = 'netlify_demo_token_00000000000';
const PR = 42;
const HEAD = 'feature/checkout';
const OPERATION_MS = 800;
const LATENCY_MS = 20;

type Action = 'opened' | 'synchronize' | 'closed';
interface Step {
  title: string;
  action: Action;
  sha: string;
  what: string;
}

const STEPS: Step[] = [
  { title: `1. PR #${PR} opened`, action: 'opened', sha: 'a'.repeat(40), what: 'creates the branch, fetches both URLs, publishes them everywhere' },
  { title: '2. New commits pushed', action: 'synchronize', sha: 'b'.repeat(40), what: 'reuses the branch, renews its expiry, updates in place' },
  { title: `3. PR #${PR} closed`, action: 'closed', sha: 'b'.repeat(40), what: 'removes the values everywhere, then the branch' },
  { title: '4. The closed event delivered again', action: 'closed', sha: 'b'.repeat(40), what: 'nothing left: succeeds' },
];

const PARTS = {
  load: 'loading PGlite (Postgres compiled to WebAssembly) and the code',
  template: 'initdb of the database every branch starts from',
  platforms: "Neon's main branch (seeded); the Vercel, Netlify, GitHub APIs",
};
const PART_WIDTH = Math.max(...Object.values(PARTS).map((label) => label.length));

/** Runs `work`, its label printed first and its time after it on the same line. */
async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  sayPart(`  ${label.padEnd(PART_WIDTH)}  `);
  const began = Date.now();
  const result = await work();
  say(seconds(Date.now() - began));
  return result;
}

async function startEverything(): Promise<{ platforms: Platforms; runner: typeof import('../action-runner.js') }> {
  say('Starting Postgres and the four stand-ins (once per run; 5 to 15 s):');
  // Each part keeps this process busy while it works (PGlite runs on this thread): a line each.
  const [{ startPostgresEngine }, platformsModule, runner] = await timed(PARTS.load, () =>
    Promise.all([import('../postgres.js'), import('../platforms.js'), import('../action-runner.js'), import('pg')]),
  );
  // The template every branch's database starts from is made once per process; made here, the
  // Neon stand-in finds it ready.
  await timed(PARTS.template, () => startPostgresEngine({ database: 'neondb', role: 'neondb_owner' }));
  const platforms = await timed(PARTS.platforms, () =>
    platformsModule.startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN }, { operationMs: OPERATION_MS, latencyMs: LATENCY_MS, postgres: true }),
  );
  return { platforms, runner };
}

function requestCounts(p: Platforms): Record<string, number> {
  return Object.fromEntries(Object.entries(p.standIns).map(([name, standIn]) => [name, standIn.requests.length]));
}

/** A branch's connection URI for neondb_owner, straight from the Neon stand-in. */
async function neonUri(neon: NeonStandIn, branchId: string): Promise<string> {
  const response = await fetch(`${neon.url}/projects/${neon.projectId}/connection_uri?database_name=neondb&role_name=neondb_owner&branch_id=${branchId}`, {
    headers: { authorization: `Bearer ${NEON_KEY}` },
  });
  return ((await response.json()) as { uri: string }).uri;
}

/** What the preview's DATABASE_URL (pooled) and DATABASE_URL_UNPOOLED (direct) are on Vercel. */
function publishedUrls(p: Platforms): PublishedUrls | undefined {
  const values = Object.fromEntries(
    p.vercel
      .envs('shop-web')
      .filter((e) => e.gitBranch === HEAD)
      .map((e) => [e.key, e.value]),
  );
  return values.DATABASE_URL && values.DATABASE_URL_UNPOOLED ? { pooled: values.DATABASE_URL, direct: values.DATABASE_URL_UNPOOLED } : undefined;
}

let legendShown = false;

function platformState(p: Platforms): void {
  const secret = (name: string, isSecret: boolean) => `${name}${isSecret ? '*' : ''}`;
  const previews = p.neon.branches().filter((b) => b.annotations['managed-by'] === 'neon-preview');
  row('Neon', previews.length ? previews.map((b) => `${b.name} (${b.id}, ${b.current_state}, expires ${b.expires_at ?? 'never'})`).join('; ') : 'no preview branch');
  const vercel = p.vercel.envs('shop-web').filter((e) => e.gitBranch === HEAD);
  row('Vercel', vercel.length ? `${vercel.length} preview values for ${HEAD}: ${vercel.map((e) => secret(e.key, e.type === 'sensitive')).join(' ')}` : `no values for ${HEAD}`);
  const netlify = p.netlify.vars().filter((v) => v.values.some((x) => x.context === 'branch' && x.context_parameter === HEAD));
  row('Netlify', netlify.length ? `${netlify.length} branch values for ${HEAD}: ${netlify.map((v) => secret(v.key, v.is_secret)).join(' ')}` : `no values for ${HEAD}`);
  const environment = p.github.environment(`pr-${PR}`);
  const active = p.github.deployments(`pr-${PR}`).filter((d) => d.state === 'success').length;
  row(
    'GitHub',
    environment
      ? `environment pr-${PR}: ${[...environment.secretNames.map((n) => secret(n, true)), ...Object.keys(environment.variables)].join(' ')}; ${active} active deployment`
      : `no environment pr-${PR}`,
  );
  const comment = p.github.comments(PR)[0];
  row(
    `PR #${PR} comment`,
    comment
      ? `"${comment.body
          .split('\n')
          .find((l) => l.startsWith('###'))
          ?.replace(/^### /, '')}"`
      : 'none',
  );
  if (!legendShown && (vercel.length || netlify.length || environment)) rowMore(dim('(* = stored as a secret)'));
  legendShown ||= Boolean(vercel.length || netlify.length || environment);
}

/**
 * Runs the action for one event. Its log as GitHub shows it is shown live for the first step, and
 * for any step that fails.
 */
async function runStep(p: Platforms, runner: typeof import('../action-runner.js'), step: Step, showLog: boolean) {
  const inputs = p.inputs();
  const event = runner.pullRequestEvent({ action: step.action, number: PR, headRef: HEAD, headSha: step.sha });
  say(`Running dist/index.js for the pull_request event "${step.action}"${showLog ? '.' : ' …'}`);
  if (showLog) say('Its log as GitHub shows it (▸ a group: collapsed on GitHub until clicked, opened here):');
  // In a workflow the tokens come from `secrets.*`: the runner masks them from the first line.
  const log = new GitHubLog([NEON_KEY, VERCEL_TOKEN, NETLIFY_TOKEN, p.github.tokens.admin, p.github.tokens.actions]);
  const shown: string[] = [];
  const show = (lines: string[]) => {
    shown.push(...lines);
    if (showLog) lines.forEach((line) => say(`  ${dim('│')} ${line}`));
  };
  show(log.group('Run OWNER/neon-preview@v1', ['with:', ...Object.entries(inputs).map(([name, value]) => `  ${name}: ${value}`)]));
  const began = Date.now();
  const ticker = setInterval(() => {
    if (quietFor() >= 2500) say(dim(`  … still running (${seconds(Date.now() - began)})`));
  }, 250);
  try {
    const result = await runner.runAction({ inputs, githubApiUrl: p.github.url, githubToken: p.github.tokens.actions, event, onLine: (line) => show(log.render(line)) });
    if (result.code !== 0 && !showLog) {
      say('Its log as GitHub shows it:');
      shown.forEach((line) => say(`  ${dim('│')} ${line}`));
    }
    return result;
  } finally {
    clearInterval(ticker);
  }
}

function describeRun(result: Awaited<ReturnType<typeof runStep>>, before: Record<string, number>, after: Record<string, number>): void {
  const requests = Object.keys(after)
    .map((k) => `${k} ${after[k]! - before[k]!}`)
    .join(', ');
  say(`Exit code ${result.code} after ${seconds(result.ms)}; requests: ${requests}`);
  if (result.code !== 0) {
    problem(`the action failed (exit code ${result.code})`);
    return;
  }
  const o = result.outputs;
  const outputs: [string, string | undefined][] = [
    ['command', o.command],
    ['branch', o.branch_name && `${o.branch_name} (${o.branch_id})`],
    ['created', o.created],
    ['expires_at', o.expires_at],
    ['db_url', o.db_url && hidePassword(o.db_url)],
    ['db_url_pooled', o.db_url_pooled && hidePassword(o.db_url_pooled)],
  ];
  for (const [name, value] of outputs) if (value !== undefined) row(name, value);
  const secrets = [o.password, o.db_url, o.db_url_pooled, NEON_KEY, VERCEL_TOKEN, NETLIFY_TOKEN].filter((s): s is string => Boolean(s));
  const visible = [...result.stdout.split('\n'), ...result.stderr.split('\n')].filter((l) => !l.startsWith('::add-mask::')).join('\n') + result.summary;
  const leaked = secrets.filter((s) => visible.includes(s));
  row('secrets', leaked.length ? problem(`${leaked.length} found in the log or job summary`) : 'masked before use; none in the log or the job summary');
}

export async function main(start: { at: number; what: string }): Promise<void> {
  const { platforms, runner } = await startEverything();
  const { neon, github } = platforms;
  say(`Neon operations take ${seconds(OPERATION_MS)}; every request to any platform waits ${LATENCY_MS} ms; each Neon branch is a real Postgres (PGlite).`);
  const parentUrl = await neonUri(neon, neon.defaultBranchId);
  let urls: PublishedUrls | undefined;
  try {
    for (const [index, step] of STEPS.entries()) {
      section(`${step.title}: ${step.what}`);
      // GitHub's own record of the pull request, which the action reads back.
      github.setPullRequest(PR, { state: step.action === 'closed' ? 'closed' : 'open', headRef: HEAD, headSha: step.sha });
      const before = requestCounts(platforms);
      const result = await runStep(platforms, runner, step, index === 0);
      describeRun(result, before, requestCounts(platforms));
      say(bold('What each platform holds'));
      platformState(platforms);
      if (result.code !== 0) continue;
      const comment = github.comments(PR)[0]?.body ?? '';
      if (step.action !== 'closed') {
        urls = publishedUrls(platforms);
        say(bold('What the published URLs lead to'));
        if (!urls) {
          row('DATABASE_URL on Vercel', problem('not published'));
          continue;
        }
        await showDatabase(urls);
      }
      if (step.action === 'opened' && urls) {
        await writeOnPreview(urls, parentUrl);
        say(bold("The preview's own password"));
        row('Password (PR comment)', passwordRow(comment) ?? problem('the comment has no Password row'));
        await showPasswords({ urls, output: result.outputs.password, neon: await neonUri(neon, result.outputs.branch_id ?? ''), parent: parentUrl });
        say(bold('A migration of the pull request, on the preview'));
        await migratePreview(urls);
      }
      if (step.action === 'synchronize') {
        say(bold("The PR comment's schema diff, as the comment shows it"));
        const diff = schemaDiffSection(comment);
        if (!diff) say(`  ${problem('the comment has no schema-diff section')}`);
        else for (const line of diff) say(`  ${dim('│')} ${line}`);
        if (diff && !diff.some((line) => line.includes('CREATE TABLE public.reviews'))) say(`  ${problem('the diff does not show the table reviews')}`);
      }
      if (step.action === 'closed' && urls) {
        say(bold('What the old URLs lead to'));
        for (const [name, url] of [
          ['the old pooled URL', urls.pooled],
          ['the old direct URL', urls.direct],
        ] as const) {
          const answer = await query(url, 'select 1');
          row(name, 'error' in answer ? `refuses connections (${answer.error.split(',')[0]})` : problem('still accepts connections'));
        }
        urls = undefined;
      }
    }
    section('Summary');
    const refused = Object.values(platforms.standIns).reduce((n, s) => n + s.violations.length, 0);
    // Each request is checked against the platform's own API description.
    say(`Requests the real platforms would refuse: ${refused ? problem(String(refused)) : 'none'}`);
    say(`Checks: ${problems.length ? `${problems.length} failed` : 'all passed'}`);
    for (const text of problems) say(`  ${text}`);
  } finally {
    await platforms.stop();
  }
  if (problems.length) process.exitCode = 1;
  say(`Total time: ${seconds(Date.now() - start.at)} (from the start of ${start.what} to this line)`);
}
