// The Vercel REST calls the target makes, on the one JSON client under the run's retry policy.
// Requests are typed with `@vercel/sdk`'s own request types (types only: none of its code runs or
// is bundled); answers are read with answers.ts, never with the SDK's schemas.
import * as core from '@actions/core';
import type { BatchRemoveProjectEnvRequest, BatchRemoveProjectEnvRequestBody } from '@vercel/sdk/models/batchremoveprojectenvop.js';
import type { CreateProjectEnv21, CreateProjectEnvRequest } from '@vercel/sdk/models/createprojectenvop.js';
import type { FilterProjectEnvsRequest } from '@vercel/sdk/models/filterprojectenvsop.js';
import type { GetDeploymentsRequest } from '@vercel/sdk/models/getdeploymentsop.js';
import type { GetProjectRequest } from '@vercel/sdk/models/getprojecthas2.js';
import type { CreateDeploymentRequest, CreateDeploymentRequestBody } from '@vercel/sdk/models/responsebodyimages.js';
import { JsonClient, type JsonRequest } from '../../http/json.js';
import { ApiError, type CallFailure } from '../../http/failure.js';
import type { ApiSession } from '../../http/retry.js';
import { readPreviewDeployments, readProject, readRedeployed, readRefused, readValueList, type Deployment, type ProjectInfo, type Redeployed, type RefusedValue, type ValueList } from './answers.js';
import type { VercelSettings } from './index.js';

/** A value as an upsert sends it. */
export type ValueWrite = CreateProjectEnv21;

/** A request's query parameters, by the names the SDK's request type gives them. */
type Query<R> = { [K in Exclude<keyof R, 'idOrName' | 'requestBody'>]?: string };

/** The most ids one batch delete takes. */
const BATCH_LIMIT = 1000;
/** Deployments looked at when searching the branch's newest preview. */
const DEPLOYMENT_LOOKUP_LIMIT = 10;

/**
 * Vercel's 400 for concurrent variable writes to one project ("an env update is already
 * happening"): refused, so safe to send again. The API description names no error code for it,
 * so the message is matched.
 */
function isEnvUpdateConflict(failure: CallFailure): boolean {
  return failure.status === 400 && /already happening|ongoing (env )?update/i.test(failure.message);
}

export class VercelApi {
  private readonly json: JsonClient;
  /** `teamId` or `slug`, sent with every call for a team project. */
  private readonly scope: { teamId?: string; slug?: string };
  private readonly envPath: string;

  constructor(
    private readonly settings: VercelSettings,
    session: ApiSession,
  ) {
    this.json = new JsonClient('Vercel', settings.apiUrl, settings.token, session);
    const team = settings.team;
    this.scope = team === undefined ? {} : team.startsWith('team_') ? { teamId: team } : { slug: team };
    this.envPath = `/v10/projects/${encodeURIComponent(settings.project)}/env`;
  }

  /** The project: its name and connected Git repository. */
  async project(): Promise<ProjectInfo> {
    const query: Query<GetProjectRequest> = { ...this.scope };
    return readProject(await this.send({ method: 'GET', path: `/v9/projects/${encodeURIComponent(this.settings.project)}`, query, operation: 'read the project' }));
  }

  /**
   * The project's variables: those the `gitBranch` filter returns (branch-less ones too: the caller
   * re-filters), or every one. The list takes no page parameter and answers everything with
   * `pagination.next` null; should it ever carry a cursor, the read is said to be incomplete (a
   * warning: the caller then only leaves values behind, it never removes one it should not).
   */
  async values(gitBranch?: string): Promise<ValueList> {
    const query: Query<FilterProjectEnvsRequest> = { gitBranch, ...this.scope };
    const list = readValueList(await this.send({ method: 'GET', path: this.envPath, query, operation: 'list variables' }));
    if (!list) throw new Error(`Vercel: list variables failed: the answer holds no \`envs\` list, so the values of project ${this.settings.project} cannot be told apart; nothing was changed`);
    if (list.next !== undefined) {
      core.warning(
        `Vercel: the variable list of project ${this.settings.project} says more follow (pagination.next ${list.next}) but takes no page parameter; only the first ${list.values.length} value(s) were looked at`,
      );
    }
    return list;
  }

  /** Writes every value in one request (`upsert` updates a value of the same key and branch in place); returns those Vercel refused. */
  async upsert(items: ValueWrite[]): Promise<RefusedValue[]> {
    const query: Query<CreateProjectEnvRequest> = { upsert: 'true', ...this.scope };
    return readRefused(await this.send({ method: 'POST', path: this.envPath, query, body: items satisfies CreateProjectEnvRequest['requestBody'], operation: 'publish variables' }));
  }

  /** Removes values by id in one request: true when removed, false on 404 (one or more ids unknown). */
  private async batchRemove(ids: string[]): Promise<boolean> {
    const query: Query<BatchRemoveProjectEnvRequest> = { ...this.scope };
    const body: BatchRemoveProjectEnvRequestBody = { ids };
    const answer = await this.request({ method: 'DELETE', path: `/v1/projects/${encodeURIComponent(this.settings.project)}/env`, query, body, operation: 'remove variables', acceptStatus: [404] });
    return answer !== undefined;
  }

  /**
   * Removes values by id, in batches of up to 1000, one after another (Vercel refuses concurrent
   * variable writes to one project). A 404 means some were already gone (a concurrent run): what
   * `present` still finds of that batch is removed.
   */
  async removeAll(ids: string[], present: () => Promise<Set<string>>): Promise<void> {
    for (let start = 0; start < ids.length; start += BATCH_LIMIT) {
      const batch = ids.slice(start, start + BATCH_LIMIT);
      if (await this.batchRemove(batch)) continue;
      const there = await present();
      const left = batch.filter((id) => there.has(id));
      if (left.length > 0) await this.batchRemove(left);
    }
  }

  /** The newest preview deployments built from `head`, newest first. */
  async previewDeployments(head: string): Promise<Deployment[]> {
    const query: Query<GetDeploymentsRequest> = { projectId: this.settings.project, branch: head, target: 'preview', limit: String(DEPLOYMENT_LOOKUP_LIMIT), ...this.scope };
    return readPreviewDeployments(await this.send({ method: 'GET', path: '/v7/deployments', query, operation: 'find the preview deployment' }), head);
  }

  /** A new preview deployment from `from`, built from its branch's latest commit (no `target`: it stays a preview). */
  async redeploy(from: Deployment): Promise<Redeployed> {
    const query: Query<CreateDeploymentRequest> = { skipAutoDetectionConfirmation: '1', ...this.scope };
    const body: CreateDeploymentRequestBody = { name: from.name, deploymentId: from.uid, project: this.settings.project, withLatestCommit: true };
    return readRedeployed(await this.send({ method: 'POST', path: '/v13/deployments', query, body, operation: 'redeploy the preview', idempotent: false }));
  }

  private async send(req: JsonRequest): Promise<unknown> {
    return (await this.request(req))?.body;
  }

  private async request(req: JsonRequest) {
    try {
      return await this.json.request<unknown>({ retryIf: isEnvUpdateConflict, ...req });
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** Adds what to check to an access failure (never the token). */
  private explain(error: unknown): unknown {
    if (!(error instanceof ApiError)) return error;
    const { project, team } = this.settings;
    const teamPart = team ? ` in team ${team}` : '';
    let hint: string | undefined;
    if (error.status === 401) hint = 'Check vercel_token: Vercel did not accept it (revoked, expired or mistyped; create one under Account Settings → Tokens)';
    if (error.status === 403)
      hint = `Check that vercel_token can access project ${project}${teamPart}${team ? ' (the token must be scoped to that team)' : ' (and set vercel_team if it is a team project)'}`;
    if (error.status === 404) hint = `Check vercel_project (${project})${team ? ` and vercel_team (${team})` : ': the token sees no such personal project; set vercel_team if it belongs to a team'}`;
    return hint ? new ApiError(error.platform, error.operation, error.failure, error.attempts, error.outcomeUnknown, hint) : error;
  }
}
