// npm run demo: one pull request's whole life (opened → synchronize → closed) through the built
// action (dist/index.js), run as the GitHub runner runs it, against the local stand-ins. Prints
// what happened at each step and what each platform holds afterwards.
import { pullRequestEvent, runAction, type RunResult } from './action-runner.js';
import { startNeonStandIn, type NeonStandIn } from './neon.js';

const NEON_KEY = 'napi_demo_key_0000000000000000';
const PR = 42;

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function section(title: string): void {
  console.log(`\n${bold(`── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`)}`);
}

/** A URL as a person may see it: the password replaced. */
function hidePassword(url: string | undefined): string {
  if (!url) return '(none)';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '********';
  return parsed.toString();
}

function describeRun(result: RunResult, requests: number): void {
  const o = result.outputs;
  console.log(`exit code ${result.code} in ${(result.ms / 1000).toFixed(1)} s, ${requests} Neon requests`);
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
  const masked = result.stdout.split('\n').filter((l) => l.startsWith('::add-mask::')).length;
  const leaked = o.password && result.stdout.split('\n').some((l) => !l.startsWith('::add-mask::') && l.includes(o.password!));
  console.log(`  ${'masked'.padEnd(14)} ${masked} values registered with ::add-mask::; password printed elsewhere: ${leaked ? 'YES' : 'no'}`);
}

function neonState(neon: NeonStandIn): void {
  const previews = neon.branches().filter((b) => b.annotations['managed-by'] === 'neon-preview');
  console.log(`Neon project ${neon.projectId}: ${neon.branches().length} branches, ${previews.length} managed by neon-preview`);
  for (const b of previews) console.log(`  ${b.name} (${b.id}) state=${b.current_state} expires_at=${b.expires_at ?? 'never'} annotations=${JSON.stringify(b.annotations)}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const neon = await startNeonStandIn({ apiKeys: [NEON_KEY], operationMs: 800, latencyMs: 20 });
  const inputs = { neon_api_key: NEON_KEY, neon_project_id: neon.projectId, neon_api_url: neon.url };
  console.log(bold('neon-preview demo: a pull request from opened to closed, against local stand-ins'));
  console.log(`Neon stand-in at ${neon.url} (operations take 0.8 s, 20 ms latency per request)`);

  try {
    const steps: [string, 'opened' | 'synchronize' | 'closed', string][] = [
      ['1. PR #42 opened', 'opened', 'creates the branch, waits for its operations, fetches both URLs'],
      ['2. New commits pushed (synchronize)', 'synchronize', 'reuses the branch and renews its expiry'],
      ['3. PR #42 closed', 'closed', 'deletes the branch'],
      ['4. The closed event delivered again', 'closed', 'nothing left to delete: succeeds'],
    ];
    for (const [title, action, what] of steps) {
      section(`${title}: ${what}`);
      const before = neon.standIn.requests.length;
      const result = await runAction({ inputs, event: pullRequestEvent({ action, number: PR, headRef: 'feature/checkout' }) });
      describeRun(result, neon.standIn.requests.length - before);
      neonState(neon);
      if (result.code !== 0) process.exitCode = 1;
    }
    section('Summary');
    console.log(`API-description violations: ${neon.standIn.violations.length}`);
    console.log(`Total time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await neon.stop();
  }
}

await main();
