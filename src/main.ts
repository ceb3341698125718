// run(): settings → command → outputs and report. The only place that fails the step.
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { createPreview } from './commands/create.js';
import { deletePreview } from './commands/delete.js';
import { sweepRepository } from './commands/sweep.js';
import { readCommentState, renderComment, upsertComment, type CommentFacts, type CommentState } from './comment.js';
import { ApiSession, tuningFor } from './http/retry.js';
import { readSettings } from './inputs.js';
import { NeonClient, consoleUrl, createNeonApi } from './neon.js';
import { Phases } from './phases.js';
import { PullRequests } from './pulls.js';
import { setConnectionOutputs, writeCreateSummary, writeDeleteSummary, writeFailureSummary, writeSweepSummary } from './report.js';
import { createTargets } from './targets/index.js';

export const USER_AGENT = 'neon-preview-action';

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

    if (settings.command === 'sweep') {
      const octokit = getOctokit(settings.github.token, { baseUrl: settings.github.apiUrl, userAgent: USER_AGENT });
      const result = await sweepRepository(settings, neon, targets, new PullRequests(octokit, session, settings.repository), phases);
      await writeSweepSummary(result, session.stats, phases.timings, seconds());
      const removed = result.rows.filter((r) => r.outcome === 'removed').length;
      const failed = result.rows.filter((r) => r.outcome === 'failed');
      core.info(`Sweep: ${removed} pull requests cleaned up, ${result.rows.length - removed - failed.length} kept, ${failed.length} failed`);
      if (failed.length > 0) throw new Error(`Sweep: ${failed.length} pull requests could not be cleaned up: ${failed.map((r) => `#${r.pr ?? '?'}: ${r.note}`).join(' | ')}`);
      return;
    }

    const octokit = settings.comment ? getOctokit(settings.github.token, { baseUrl: settings.github.apiUrl, userAgent: USER_AGENT }) : undefined;
    /** Starts the comment's reads (token login, the PR's comments) once the targets are done. */
    const readComment = (): Promise<CommentState> | undefined => (octokit ? readCommentState(octokit, session, settings.pr) : undefined);
    const comment = async (facts: CommentFacts, state: Promise<CommentState> | undefined) => {
      if (!octokit) return;
      const outcome = await phases.run('PR comment', () => upsertComment(octokit, session, settings.pr, renderComment(facts), state));
      core.info(`PR comment: ${outcome}`);
    };

    if (settings.command === 'create') {
      const result = await createPreview(settings, neon, targets, phases, setConnectionOutputs);
      // The values are published; the comment's reads go while Neon's operations end.
      const state = readComment();
      await result.ready;
      core.info(`Preview database ready: ${result.branch.name} (${result.branch.id}), ${result.branch.created ? 'created' : 'reused'}`);
      const { branch } = result;
      await comment(
        {
          state: 'ready',
          branchName: branch.name,
          branch: { ...branch, consoleUrl: consoleUrl(settings.neon.projectId, branch.id) },
          targets: result.targets,
          headSha: settings.pr.headSha,
        },
        state,
      );
      await writeCreateSummary(settings.neon.projectId, result, session.stats, phases.timings, seconds());
    } else {
      let state: Promise<CommentState> | undefined;
      const result = await deletePreview(settings, neon, targets, phases, () => (state = readComment()));
      if (result.branch) {
        core.setOutput('branch_id', result.branch.id);
        core.setOutput('branch_name', result.branch.name);
      }
      await comment(
        {
          state: result.outcome === 'kept' ? 'kept' : 'removed',
          branchName: result.branchName,
          branch: result.branch && { ...result.branch, consoleUrl: consoleUrl(settings.neon.projectId, result.branch.id) },
          targets: result.targets,
        },
        state,
      );
      await writeDeleteSummary(settings.neon.projectId, result, session.stats, phases.timings, seconds());
    }
  } catch (error) {
    // Only the message: client error objects carry request headers (tokens).
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(message);
    await writeFailureSummary(message);
  }
}
