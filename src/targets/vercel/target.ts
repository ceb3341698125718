// Vercel: the PR's values as preview variables scoped to its head branch (`gitBranch`), each
// marked with the PR in its comment, so remove (and a later publish) finds exactly this PR's
// values. Optionally redeploys the branch's newest preview once the Neon branch is ready.
//
// Requests: prepare = project + list (+ deployments with `vercel_redeploy`), at once; publish =
// one upsert (+ one batch delete when values left the mapping); afterReady = the redeploy;
// remove = list (+ one batch delete); findManaged (sweep) = one list of the whole project,
// removeManaged = batch deletes.
import * as core from '@actions/core';
import { info } from '../../phases.js';
import { started } from '../../concurrency.js';
import { ApiError } from '../../http/failure.js';
import type { ApiSession } from '../../http/retry.js';
import { note, type Note } from '../../note.js';
import type { PublishedVariable } from '../../variables.js';
import type { BranchRef, Link, Managed, ManagedGroup, PullRequestRef, ReportAddition, Target, TargetReport } from '../target.js';
import type { Deployment, ListedValue, ProjectInfo } from './answers.js';
import { VercelApi, type ValueWrite } from './client.js';
import type { VercelSettings } from './index.js';
import { headOf, isOwned, isPreview, markedPullRequest, ownershipComment, uniqueSorted } from './ownership.js';
import { findMarked, idsOf, type VercelListing } from './sweep.js';

/** What `prepare` read for a publish. */
export interface VercelPrepared {
  head: string;
  project: ProjectInfo;
  /** The values the list's `gitBranch` filter returned (branch-less ones too). */
  listed: ListedValue[];
  /** With `vercel_redeploy`: the head branch's newest preview deployment, when it has one. */
  latest?: Deployment;
}

const SETTINGS_LINK = 'Vercel environment variables';

export class VercelTarget implements Target<VercelPrepared, VercelListing> {
  readonly name = 'vercel';
  readonly label = 'Vercel';
  readonly platform = 'Vercel';
  /** With `vercel_redeploy` only: redeploys the head branch's newest preview. */
  readonly afterReady?: (prepared: VercelPrepared, pr: PullRequestRef) => Promise<ReportAddition>;
  private readonly api: VercelApi;

  constructor(
    private readonly settings: VercelSettings,
    session: ApiSession,
  ) {
    this.api = new VercelApi(settings, session);
    if (settings.redeploy) this.afterReady = (prepared) => this.redeploy(prepared);
  }

  async prepare(pr: PullRequestRef): Promise<VercelPrepared> {
    const head = headOf(pr);
    const [project, list, previews] = await Promise.allSettled([this.api.project(), this.api.values(head), this.settings.redeploy ? this.api.previewDeployments(head) : undefined]);
    // All three at once; when several fail (a wrong token fails each), the first in this order is told.
    for (const read of [project, list, previews]) if (read.status === 'rejected') throw read.reason;
    const value = <T>(read: PromiseSettledResult<T>): T => (read as PromiseFulfilledResult<T>).value;
    return { head, project: value(project), listed: value(list).values, latest: value(previews)?.[0] };
  }

  async publish(prepared: VercelPrepared, pr: PullRequestRef, variables: PublishedVariable[], _branch: BranchRef): Promise<TargetReport> {
    const { head, project, listed } = prepared;
    const projectName = this.projectName(project);
    if (!project.link) {
      throw new Error(
        `Vercel: nothing was published: project ${projectName} has no connected Git repository, so it cannot hold values scoped to the branch ${head} (Vercel takes branch values only for branches of the connected repository). Connect the repository in the project's Settings → Git, or remove vercel from \`targets\`.`,
      );
    }
    const links = this.settingsLinks(project);
    if (isProductionBranch(prepared)) {
      core.warning(
        `Vercel does not take preview values for the production branch: ${head}, the head branch of pull request #${pr.number}, is project ${projectName}'s production branch, so Vercel gets nothing for this pull request (no action needed).`,
      );
      const why = note`Nothing published: ${head} is the project's production branch, and Vercel does not take preview values for the production branch.`;
      return { target: this.name, label: this.label, names: [], removedNames: [], links, notes: [why] };
    }

    // A value of one of our keys on this branch that is not ours would be taken over by the
    // upsert (and later deleted as ours), so it stops the publish instead.
    const marker = ownershipComment(pr);
    const names = new Set(variables.map((v) => v.name));
    const foreign = listed.filter((e) => names.has(e.key) && e.gitBranch === head && isPreview(e) && e.comment !== marker);
    if (foreign.length > 0) {
      const keys = uniqueSorted(foreign.map((e) => e.key));
      const owners = uniqueSorted(foreign.flatMap((e) => markedPullRequest(e.comment, pr.repository) ?? []).map((n) => `#${n}`));
      const whose =
        owners.length > 0
          ? `that belongs to pull request ${owners.join(', ')} (from the same head branch)`
          : `that neon-preview did not create for ${pr.repository}#${pr.number} (its comment differs)`;
      throw new Error(
        `Vercel: publish variables failed: project ${projectName} already has a preview value of ${keys.join(', ')} for branch ${head} ${whose}; it is left alone. Remove it, or publish under other names with \`env_prefix\`.`,
      );
    }
    const stale = listed.filter((e): e is ListedValue & { id: string } => isOwned(e, head, marker) && !names.has(e.key));

    if (variables.length > 0)
      await this.write(
        prepared,
        pr,
        variables.map((v) => valueWrite(v, head, marker)),
      );
    if (stale.length > 0)
      await this.api.removeAll(
        stale.map((e) => e.id),
        () => this.ownedIds(head, marker),
      );
    const removedNames = uniqueSorted(stale.map((e) => e.key));

    const notes: Note[] = this.settings.redeploy ? [] : [note`Vercel applies variables to new deployments only: the next push to ${head} builds with them (or set ${'vercel_redeploy: true'}).`];
    return { target: this.name, label: this.label, names: variables.map((v) => v.name), removedNames, links, notes };
  }

  async remove(pr: PullRequestRef, _names: string[]): Promise<TargetReport> {
    const head = headOf(pr);
    const marker = ownershipComment(pr);
    const owned = (await this.api.values(head)).values.filter((e) => isOwned(e, head, marker));
    if (owned.length > 0)
      await this.api.removeAll(
        owned.map((e) => e.id),
        () => this.ownedIds(head, marker),
      );
    const names = uniqueSorted(owned.map((e) => e.key));
    return { target: this.name, label: this.label, names, links: this.settingsLinks(), notes: [] };
  }

  /**
   * Sweep: the whole project in one list (no `gitBranch` filter). A marked value without a branch
   * is no value remove would touch (remove matches the branch), so it is left alone.
   */
  async findManaged(repository: string, _names: string[]): Promise<Managed<VercelListing>> {
    const { entries, listing, branchless } = findMarked((await this.api.values()).values, repository);
    if (branchless > 0) info(`Vercel: left alone ${branchless} value(s) marked for ${repository} but applying to every preview branch (neon-preview scopes its values to a branch)`);
    return { entries, listing };
  }

  /**
   * Sweep: the groups' values from the listing, in batch deletes of up to 1000 ids: a sweep of 200
   * pull requests costs 1 request instead of 400. Every group settles when the whole job is done.
   */
  removeManaged(listing: VercelListing | undefined, groups: ManagedGroup[], _names: string[]): Promise<void>[] {
    const ids = idsOf(listing, groups);
    if (ids.length === 0) return groups.map(() => Promise.resolve());
    const done = started(this.api.removeAll(ids, async () => new Set((await this.api.values()).values.flatMap((e) => (e.id === undefined ? [] : [e.id])))));
    done.then(
      () => info(`Vercel: removed ${ids.length} value(s) of ${groups.length} pull request(s) from project ${this.settings.project}`),
      () => {},
    );
    return groups.map(() => done);
  }

  /** One upsert; a refusal is named per value, with Vercel's reason (never the value). */
  private async write(prepared: VercelPrepared, pr: PullRequestRef, items: ValueWrite[]): Promise<void> {
    let refused;
    try {
      refused = await this.api.upsert(items);
    } catch (error) {
      throw explainRefusal(error, prepared, pr);
    }
    if (refused.length > 0) {
      const reasons = refused.map((r) => `${r.key}: ${r.message}${r.code ? ` (${r.code})` : ''}`);
      throw new Error(`Vercel: publish variables failed: ${reasons.join('; ')}`);
    }
  }

  private async ownedIds(head: string, marker: string): Promise<Set<string>> {
    return new Set((await this.api.values(head)).values.flatMap((e) => (isOwned(e, head, marker) ? [e.id] : [])));
  }

  private async redeploy({ head, project, latest }: VercelPrepared): Promise<ReportAddition> {
    if (!project.link || isProductionBranch({ head, project })) return { links: [], notes: [] };
    if (!latest) {
      core.notice(`Vercel: no preview deployment of ${head} yet, so nothing was redeployed; the next Git push builds with the values.`);
      return { links: [], notes: [note`No preview deployment of ${head} yet; the next Git push will build with the values.`] };
    }
    const redeployed = await this.api.redeploy(latest);
    const links: Link[] = [];
    // The settings page's link, when publish could not build it: the inspector URL names the scope.
    const page = this.settingsLinks(project).length === 0 ? settingsPageFromInspector(redeployed.inspectorUrl) : undefined;
    if (page) links.push({ label: SETTINGS_LINK, url: page });
    if (redeployed.url) links.push({ label: 'Vercel redeploy', url: redeployed.url });
    return { links, notes: [note`Redeployed the newest preview deployment of ${head} (${latest.uid}) so it builds with the values.`] };
  }

  /** The project as messages name it: its name when read, else the input. */
  private projectName(project?: ProjectInfo): string {
    return project?.name ?? this.settings.project;
  }

  /** The dashboard page of the project's variables, when the team's slug and the project's name are known. */
  private settingsLinks(project?: ProjectInfo): Link[] {
    const { team } = this.settings;
    const name = project?.name ?? (this.settings.project.startsWith('prj_') ? undefined : this.settings.project);
    if (!team || team.startsWith('team_') || !name) return [];
    return [{ label: SETTINGS_LINK, url: `https://vercel.com/${encodeURIComponent(team)}/${encodeURIComponent(name)}/settings/environment-variables` }];
  }
}

/** A 400 that refused every value for the branch: says which branches Vercel takes values for. */
function explainRefusal(error: unknown, { head, project }: VercelPrepared, pr: PullRequestRef): unknown {
  if (!(error instanceof ApiError) || error.status !== 400 || !/no environment variables were created|connected git repository|production branch/i.test(error.failure.message)) return error;
  const link = project.link;
  const repository = link?.repository ? ` (${link.repository})` : '';
  const production = link?.productionBranch ? ` other than its production branch (${link.productionBranch})` : '';
  const hint = `Vercel takes values for branch ${head} only if it is a branch of the project's connected Git repository${repository}${production}; connect the project to ${pr.repository}, where this pull request's branch is, or check that the branch exists in the connected repository`;
  return new ApiError(error.platform, error.operation, error.failure, error.attempts, error.outcomeUnknown, hint);
}

function isProductionBranch({ head, project }: Pick<VercelPrepared, 'head' | 'project'>): boolean {
  return project.link?.productionBranch !== undefined && head === project.link.productionBranch;
}

function valueWrite(v: PublishedVariable, head: string, marker: string): ValueWrite {
  return { key: v.name, value: v.value, type: v.secret ? 'sensitive' : 'encrypted', target: ['preview'], gitBranch: head, comment: marker };
}

/** The variables page from a deployment's inspector URL (`https://vercel.com/<scope>/<project>/<id>`). */
function settingsPageFromInspector(inspectorUrl: string | undefined): string | undefined {
  if (!inspectorUrl) return undefined;
  try {
    const url = new URL(inspectorUrl);
    const [scope, project] = url.pathname.split('/').filter(Boolean);
    return scope && project ? `${url.origin}/${scope}/${project}/settings/environment-variables` : undefined;
  } catch {
    return undefined;
  }
}
