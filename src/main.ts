// run(): settings → command → outputs and report. The only place that fails the step.
import * as core from '@actions/core';
import { createPreview, type CreateResult } from './commands/create.js';
import { deletePreview, type DeleteResult } from './commands/delete.js';
import { sweepRepository } from './commands/sweep.js';
import { readCommentState, renderComment, upsertComment, type CommentFacts, type CommentState } from './github/comment.js';
import { ApiSession, tuningFor } from './http/retry.js';
import { createOctokit, USER_AGENT } from './github/octokit.js';
import { readSettings, type Settings } from './inputs.js';
import { NeonClient, consoleUrl, createNeonApi } from './neon/client.js';
import { Phases } from './phases.js';
import { PullRequests } from './github/pulls.js';
import { setConnectionOutputs, writeCreateSummary, writeDeleteSummary, writeFailureSummary, writeSweepSummary } from './report.js';
import { redact } from './secrets.js';
import { createTargets } from './targets/index.js';

export async function run(): Promise<void> {
  const started = Date.now();
  try {
    const settings = readSettings();
    core.setOutput('command', settings.command);
    if (settings.command === 'skip') {
      core.notice(settings.reason);
      return;
    }
    const session = new ApiSession(settings.timeoutMs, (line) => core.info(line), tuningFor(settings.timeoutMs));
    const neon = new NeonClient(createNeonApi(settings.neon.apiKey, settings.neon.apiUrl, USER_AGENT), session, settings.neon.projectId);
    const targets = createTargets(settings, session);
    const phases = new Phases();
    const seconds = () => (Date.now() - started) / 1000;
    const octokit = settings.github.token ? createOctokit(settings.github.token, settings.github.apiUrl) : undefined;
    const pulls = octokit && new PullRequests(octokit, session, settings.repository);

    if (settings.command === 'sweep') {
      const result = await sweepRepository(settings, neon, targets, pulls!, phases);
      await writeSweepSummary(result, session.stats, phases.timings, seconds());
      const removed = result.rows.filter((r) => r.outcome === 'removed').length;
      const failed = result.rows.filter((r) => r.outcome === 'failed');
      core.info(`Sweep: ${removed} pull requests cleaned up, ${result.rows.length - removed - failed.length} kept, ${failed.length} failed`);
      if (failed.length > 0) throw new Error(`Sweep: ${failed.length} pull requests could not be cleaned up: ${failed.map((r) => `#${r.pr ?? '?'}: ${r.note}`).join(' | ')}`);
      return;
    }

    const commenting = settings.comment ? octokit : undefined;
    /** Starts the comment's reads (token login, the PR's comments) once the targets are done. */
    const readComment = (): Promise<CommentState> | undefined => (commenting ? readCommentState(commenting, session, settings.pr) : undefined);
    const comment = async (facts: CommentFacts, state: Promise<CommentState> | undefined) => {
      if (!commenting) return;
      const outcome = await phases.run('PR comment', () => upsertComment(commenting, session, settings.pr, renderComment(facts), state));
      core.info(`PR comment: ${outcome}`);
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

    const result = await createPreview(settings, { neon, targets, pulls, phases }, setConnectionOutputs);
    // The values are published; the comment's reads go while Neon's operations end.
    const state = readComment();
    await result.ready;
    core.info(`Preview database ready: ${result.branch.name} (${result.branch.id}), ${result.branch.created ? 'created' : 'reused'}`);
    await comment(readyFacts(settings, result), state);
    // A close that came while this run worked found less than it made: made good here.
    if (pulls && (await closedMeanwhile(pulls, settings))) {
      core.warning(`Pull request #${settings.pr.number} was closed while this run made its preview; removing it again, as its close does.`);
      core.setOutput('command', 'delete');
      return await remove();
    }
    await writeCreateSummary(settings.neon.projectId, result, session.stats, phases.timings, seconds());
  } catch (error) {
    // Only the message (client error objects carry request headers), and no secret in it.
    const message = redact(error instanceof Error ? error.message : String(error));
    core.setFailed(message);
    await writeFailureSummary(message);
  }
}

function readyFacts(settings: Settings, result: CreateResult): CommentFacts {
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

/** Whether GitHub says the pull request is closed now (the event's state was read when it was sent). */
async function closedMeanwhile(pulls: PullRequests, settings: Settings): Promise<boolean> {
  const { state, reason } = await pulls.state(settings.pr.number);
  if (state === 'closed') return true;
  if (state !== 'open') core.info(`Could not confirm that pull request #${settings.pr.number} is still open (${reason ?? state}); should it have closed during this run, its close or the nightly sweep removes the preview.`);
  return false;
}
