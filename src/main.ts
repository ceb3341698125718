// run(): settings → command → outputs and report. The only place that fails the step.
//
// What loads when: the first Neon request needs only the settings and the Neon client; the GitHub
// client and the targets' clients load meanwhile (they are most of the bundle).
import * as core from '@actions/core';
import { started } from './concurrency.js';
import { createPreview, type CreateResult } from './commands/create.js';
import { deletePreview, type DeleteResult } from './commands/delete.js';
import { sweepRepository } from './commands/sweep.js';
import type { CommentFacts, CommentState } from './github/comment.js';
import type { Octokit } from './github/octokit.js';
import { PullRequests } from './github/pulls.js';
import { ApiSession, tuningFor } from './http/retry.js';
import { USER_AGENT } from './http/user-agent.js';
import { readSettings, type CommonSettings, type Settings } from './inputs.js';
import { NeonClient, createNeonApi } from './neon/client.js';
import { consoleUrl, type PreviewBranch } from './neon/preview.js';
import { describeChanges, takeSchemaDiffs } from './neon/schema-diff.js';
import { Phases, info, progress } from './phases.js';
import { setConnectionOutputs, writeCreateSummary, writeDeleteSummary, writeFailureSummary, writeSweepSummary } from './report.js';
import { redact } from './secrets.js';
import { TARGETS } from './targets/index.js';
import type { Target, TargetDefinition } from './targets/target.js';

/** The GitHub client, loaded and built when the run has a token. */
function loadOctokit(settings: CommonSettings): Promise<Octokit> | undefined {
  if (!settings.github.token) return undefined;
  return started(import('./github/octokit.js').then(({ createOctokit }) => createOctokit(settings.github.token, settings.github.apiUrl)));
}

/** The run's targets, each with its client, once loaded. */
function loadTargets(settings: CommonSettings, session: ApiSession, octokit: Promise<Octokit> | undefined): Promise<Target[]> {
  return started(Promise.all(settings.targets.map((t) => t.create({ session, octokit, githubApiUrl: settings.github.apiUrl, variables: settings.variables }))));
}

/** `registry`: the targets `targets` may name (tests add their own). */
export async function run(registry: readonly TargetDefinition[] = TARGETS): Promise<void> {
  const startedAt = Date.now();
  try {
    const settings = readSettings(registry);
    core.setOutput('command', settings.command);
    if (settings.command === 'skip') {
      core.notice(settings.reason);
      return;
    }
    const session = new ApiSession(settings.timeoutMs, info, tuningFor(settings.timeoutMs), undefined, progress);
    const neon = new NeonClient(createNeonApi(settings.neon.apiKey, settings.neon.apiUrl, USER_AGENT), session, settings.neon.projectId);
    const octokit = loadOctokit(settings);
    const targets = loadTargets(settings, session, octokit);
    const pulls = octokit && started(octokit.then((client) => new PullRequests(client, session, settings.repository)));
    const phases = new Phases();
    const seconds = () => (Date.now() - startedAt) / 1000;

    if (settings.command === 'sweep') {
      const result = await sweepRepository(settings, { neon, targets, pulls: pulls!, phases });
      await writeSweepSummary(result, session.stats, phases.timings, seconds());
      const removed = result.rows.filter((r) => r.outcome === 'removed').length;
      const failed = result.rows.filter((r) => r.outcome === 'failed');
      core.info(`Sweep: ${removed} pull requests cleaned up, ${result.rows.length - removed - failed.length} kept, ${failed.length} failed`);
      if (failed.length > 0) throw new Error(`Sweep: ${failed.length} pull requests could not be cleaned up: ${failed.map((r) => `#${r.pr ?? '?'}: ${r.note}`).join(' | ')}`);
      return;
    }

    const commentModule = settings.comment ? started(import('./github/comment.js')) : undefined;
    /** Starts the comment's reads (token login, the PR's comments). */
    const readComment = (): Promise<CommentState> | undefined =>
      commentModule && octokit ? started(Promise.all([commentModule, octokit]).then(([m, client]) => m.readCommentState(client, session, settings.pr))) : undefined;
    const comment = async (facts: CommentFacts, state: Promise<CommentState> | undefined) => {
      if (!commentModule || !octokit) return;
      const [m, client] = await Promise.all([commentModule, octokit]);
      await phases.run(
        'PR comment',
        () => m.upsertComment(client, session, settings.pr, m.renderComment(facts), state),
        (outcome) => outcome,
      );
    };
    /** Delete, as the closed event runs it: the targets' values, the branch, the comment. */
    const remove = async () => {
      let state: Promise<CommentState> | undefined;
      const result = await deletePreview(settings, { neon, targets, phases, afterTargets: () => (state = readComment()) });
      if (result.branch) {
        core.setOutput('branch_id', result.branch.id);
        core.setOutput('branch_name', result.branch.name);
      }
      await comment(removedFacts(settings, result), state);
      await writeDeleteSummary(settings.neon.projectId, result, session.stats, phases.timings, seconds());
    };

    if (settings.command === 'delete') return await remove();

    // The comment's reads go at once: nothing the run does changes what they find.
    const state = readComment();
    // The schema diff is taken once Neon's operations have ended, while the targets are written.
    const schemaDiff = (branch: PreviewBranch, databases: string[]) =>
      phases.run(
        'Schema diff',
        () => takeSchemaDiffs(neon, branch, databases),
        (diffs) => diffs.note ?? diffs.diffs.map((d) => `${d.database}: ${d.problem ? 'not read' : describeChanges(d.diff ?? '')}`).join(', '),
      );
    const result = await createPreview(settings, { neon, targets, pulls, phases }, { onConnection: setConnectionOutputs, whenReady: settings.schemaDiff ? schemaDiff : undefined });
    await result.ready;
    const schema = await result.afterReady;
    await comment({ ...readyFacts(settings, result), schema, runUrl: runUrl(settings) }, state);
    // A close that came while this run worked found less than it made: made good here.
    if (pulls && (await closedMeanwhile(await pulls, settings))) {
      core.warning(`Pull request #${settings.pr.number} was closed while this run made its preview; removing it again, as its close does.`);
      core.setOutput('command', 'delete');
      // Until the removal is done (or should it fail) the comment must not say "ready".
      await comment({ state: 'closing', branchName: result.branch.name, targets: result.targets }, readComment());
      return await remove();
    }
    await writeCreateSummary(settings.neon.projectId, result, schema, session.stats, phases.timings, seconds());
  } catch (error) {
    // Only the message (client error objects carry request headers), and no secret in it.
    const message = redact(error instanceof Error ? error.message : String(error));
    core.setFailed(message);
    await writeFailureSummary(message);
  }
}

function readyFacts(settings: Settings, result: CreateResult<unknown>): CommentFacts {
  const { branch } = result;
  return {
    state: 'ready',
    branchName: branch.name,
    branch: { ...branch, consoleUrl: consoleUrl(settings.neon.projectId, branch.id) },
    targets: result.targets,
    headSha: settings.pr.headSha,
    password: result.password,
    skipped: result.skipped,
  };
}

function removedFacts(settings: Settings, result: DeleteResult): CommentFacts {
  return {
    state: result.outcome === 'kept' ? 'kept' : 'removed',
    branchName: result.branchName,
    branch: result.branch && { ...result.branch, consoleUrl: consoleUrl(settings.neon.projectId, result.branch.id) },
    targets: result.targets,
  };
}

/** The workflow run's page (where its job summary is), as the runner names it. */
function runUrl(settings: Settings): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_RUN_ID: id } = process.env;
  return server && id ? `${server}/${settings.repository}/actions/runs/${id}` : undefined;
}

/** Whether GitHub says the pull request is closed now (the event's state was read when it was sent). */
async function closedMeanwhile(pulls: PullRequests, settings: Settings): Promise<boolean> {
  const { state, reason } = await pulls.state(settings.pr.number);
  if (state === 'closed') return true;
  if (state !== 'open')
    core.info(
      `Could not confirm that pull request #${settings.pr.number} is still open (${reason ?? state}); should it have closed during this run, its close or the nightly sweep removes the preview.`,
    );
  return false;
}
