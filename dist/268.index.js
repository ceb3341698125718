export const id = 268;
export const ids = [268];
export const modules = {

/***/ 2868:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ JsonClient)
/* harmony export */ });
/* harmony import */ var _failure_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2398);
/* harmony import */ var _user_agent_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1153);
// The one small JSON-over-fetch client for platforms whose official client does not fit (their
// SDK's strict answer checks, or a retry loop of their own): each request under the run's
// ApiSession, a non-2xx answer an HttpStatusError the policy reads.


class JsonClient {
    platform;
    baseUrl;
    token;
    session;
    constructor(platform, baseUrl, token, session) {
        this.platform = platform;
        this.baseUrl = baseUrl;
        this.token = token;
        this.session = session;
    }
    url(path, query = {}) {
        const search = new URLSearchParams();
        for (const [name, value] of Object.entries(query))
            if (value !== undefined)
                search.set(name, value);
        const text = search.toString();
        return `${this.baseUrl.replace(/\/+$/, '')}${path}${text ? `?${text}` : ''}`;
    }
    request(req) {
        const url = this.url(req.path, req.query);
        const headers = { authorization: `Bearer ${this.token}`, accept: 'application/json', 'user-agent': _user_agent_js__WEBPACK_IMPORTED_MODULE_1__/* .USER_AGENT */ ._ };
        if (req.body !== undefined)
            headers['content-type'] = 'application/json';
        const { operation, idempotent, acceptStatus, retryIf } = req;
        return this.session.call({ platform: this.platform, operation, idempotent, acceptStatus, retryIf }, async (signal) => {
            const response = await fetch(url, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body), signal });
            // Read whole: a body that breaks off is a failed request (retried), never an empty answer.
            const body = parseBody(await response.text());
            if (!response.ok)
                throw new _failure_js__WEBPACK_IMPORTED_MODULE_0__/* .HttpStatusError */ .F9(response.status, response.headers, body);
            return { status: response.status, body: body };
        });
    }
}
function parseBody(text) {
    if (!text)
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return text;
    }
}


/***/ }),

/***/ 2268:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  VercelTarget: () => (/* binding */ VercelTarget)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(8179);
// EXTERNAL MODULE: ./src/phases.ts
var phases = __webpack_require__(119);
// EXTERNAL MODULE: ./src/concurrency.ts
var concurrency = __webpack_require__(1532);
// EXTERNAL MODULE: ./src/http/failure.ts
var failure = __webpack_require__(2398);
// EXTERNAL MODULE: ./src/note.ts
var note = __webpack_require__(4215);
// EXTERNAL MODULE: ./src/http/json.ts
var json = __webpack_require__(2868);
;// CONCATENATED MODULE: ./src/targets/vercel/answers.ts
// Vercel's answers, read for what the action needs and nothing else. `@vercel/sdk` validates every
// answer against fixed schemas and rejects live answers that drift from them (vercel/sdk#104: an
// upsert Vercel accepted, answered 201, reported as failed; #30: numbers as strings; #175, #206):
// here each field is checked where it is used, and unknown fields, enum values and loosened types
// pass.
function fields(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
function answers_text(value) {
    return typeof value === 'string' && value !== '' ? value : undefined;
}
/** A number, also when sent as a numeric string (vercel/sdk#30). */
function numeric(value) {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
function listedValue(raw) {
    const e = fields(raw);
    const key = answers_text(e?.key);
    if (!e || key === undefined)
        return undefined;
    const target = e.target;
    const targets = Array.isArray(target) ? target.filter((t) => typeof t === 'string') : typeof target === 'string' ? [target] : [];
    return { id: answers_text(e.id), key, targets, gitBranch: answers_text(e.gitBranch), comment: typeof e.comment === 'string' ? e.comment : undefined };
}
/** The variable list (`GET /v10/projects/{idOrName}/env`), or undefined when the answer holds none. */
function readValueList(body) {
    const b = fields(body);
    if (!b)
        return undefined;
    if (!Array.isArray(b.envs)) {
        // The API description also allows one variable alone.
        const single = listedValue(b);
        return single ? { values: [single] } : undefined;
    }
    const values = b.envs.flatMap((e) => listedValue(e) ?? []);
    const next = fields(b.pagination)?.next;
    return { values, next: next === undefined || next === null ? undefined : String(next) };
}
/**
 * The values an upsert's 201 says it did not write. A 201 is Vercel's word that the request was
 * taken: only what `failed` lists, item by item, failed; a `failed` that is absent or not a list
 * means none did.
 */
function readRefused(body) {
    const failed = fields(body)?.failed;
    if (!Array.isArray(failed))
        return [];
    return failed.map((item) => {
        const error = fields(fields(item)?.error) ?? fields(item);
        return {
            key: answers_text(error?.key) ?? answers_text(error?.envVarKey) ?? '(unnamed)',
            message: answers_text(error?.message) ?? (typeof item === 'string' ? item : 'no reason given'),
            code: answers_text(error?.code),
        };
    });
}
function repositoryOf(link) {
    const pair = (a, b) => (answers_text(a) && answers_text(b) ? `${answers_text(a)}/${answers_text(b)}` : undefined);
    return pair(link.org, link.repo) ?? answers_text(link.projectNameWithNamespace) ?? pair(link.owner, link.slug) ?? pair(link.owner, link.repo);
}
/** The project (`GET /v9/projects/{idOrName}`): its name and Git link. */
function readProject(body) {
    const b = fields(body);
    const link = fields(b?.link);
    return { name: answers_text(b?.name), link: link && { productionBranch: answers_text(link.productionBranch), repository: repositoryOf(link) } };
}
/** The preview deployments of `head` in a deployments list (`GET /v7/deployments`), newest first. */
function readPreviewDeployments(body, head) {
    const list = fields(body)?.deployments;
    if (!Array.isArray(list))
        return [];
    const previews = list.flatMap((raw) => {
        const d = fields(raw);
        const uid = answers_text(d?.uid);
        const name = answers_text(d?.name);
        const createdAt = numeric(d?.createdAt) ?? numeric(d?.created);
        if (!d || uid === undefined || name === undefined || createdAt === undefined)
            return [];
        // A preview deployment has no target (null); `preview` is read the same way.
        const preview = d.target === null || d.target === undefined || d.target === 'preview';
        const state = answers_text(d.readyState) ?? answers_text(d.state);
        if (!preview || fields(d.meta)?.githubCommitRef !== head || state === 'DELETED')
            return [];
        return [{ uid, name, createdAt }];
    });
    return previews.sort((a, b) => b.createdAt - a.createdAt);
}
/** A redeploy's answer (`POST /v13/deployments`). */
function readRedeployed(body) {
    const b = fields(body);
    const url = answers_text(b?.url);
    return { url: url === undefined ? undefined : /^https?:\/\//.test(url) ? url : `https://${url}`, inspectorUrl: answers_text(b?.inspectorUrl) };
}

;// CONCATENATED MODULE: ./src/targets/vercel/client.ts
// The Vercel REST calls the target makes, on the one JSON client under the run's retry policy.
// Requests are typed with `@vercel/sdk`'s own request types (types only: none of its code runs or
// is bundled); answers are read with answers.ts, never with the SDK's schemas.




/** The most ids one batch delete takes. */
const BATCH_LIMIT = 1000;
/** Deployments looked at when searching the branch's newest preview. */
const DEPLOYMENT_LOOKUP_LIMIT = 10;
/**
 * Vercel's 400 for concurrent variable writes to one project ("an env update is already
 * happening"): refused, so safe to send again. The API description names no error code for it,
 * so the message is matched.
 */
function isEnvUpdateConflict(failure) {
    return failure.status === 400 && /already happening|ongoing (env )?update/i.test(failure.message);
}
class VercelApi {
    settings;
    json;
    /** `teamId` or `slug`, sent with every call for a team project. */
    scope;
    envPath;
    constructor(settings, session) {
        this.settings = settings;
        this.json = new json/* JsonClient */._('Vercel', settings.apiUrl, settings.token, session);
        const team = settings.team;
        this.scope = team === undefined ? {} : team.startsWith('team_') ? { teamId: team } : { slug: team };
        this.envPath = `/v10/projects/${encodeURIComponent(settings.project)}/env`;
    }
    /** The project: its name and connected Git repository. */
    async project() {
        const query = { ...this.scope };
        return readProject(await this.send({ method: 'GET', path: `/v9/projects/${encodeURIComponent(this.settings.project)}`, query, operation: 'read the project' }));
    }
    /**
     * The project's variables: those the `gitBranch` filter returns (branch-less ones too: the caller
     * re-filters), or every one. The list takes no page parameter and answers everything with
     * `pagination.next` null; should it ever carry a cursor, the read is said to be incomplete (a
     * warning: the caller then only leaves values behind, it never removes one it should not).
     */
    async values(gitBranch) {
        const query = { gitBranch, ...this.scope };
        const list = readValueList(await this.send({ method: 'GET', path: this.envPath, query, operation: 'list variables' }));
        if (!list)
            throw new Error(`Vercel: list variables failed: the answer holds no \`envs\` list, so the values of project ${this.settings.project} cannot be told apart; nothing was changed`);
        if (list.next !== undefined) {
            core/* warning */.$e(`Vercel: the variable list of project ${this.settings.project} says more follow (pagination.next ${list.next}) but takes no page parameter; only the first ${list.values.length} value(s) were looked at`);
        }
        return list;
    }
    /** Writes every value in one request (`upsert` updates a value of the same key and branch in place); returns those Vercel refused. */
    async upsert(items) {
        const query = { upsert: 'true', ...this.scope };
        return readRefused(await this.send({ method: 'POST', path: this.envPath, query, body: items, operation: 'publish variables' }));
    }
    /** Removes values by id in one request: true when removed, false on 404 (one or more ids unknown). */
    async batchRemove(ids) {
        const query = { ...this.scope };
        const body = { ids };
        const answer = await this.request({ method: 'DELETE', path: `/v1/projects/${encodeURIComponent(this.settings.project)}/env`, query, body, operation: 'remove variables', acceptStatus: [404] });
        return answer !== undefined;
    }
    /**
     * Removes values by id, in batches of up to 1000, one after another (Vercel refuses concurrent
     * variable writes to one project). A 404 means some were already gone (a concurrent run): what
     * `present` still finds of that batch is removed.
     */
    async removeAll(ids, present) {
        for (let start = 0; start < ids.length; start += BATCH_LIMIT) {
            const batch = ids.slice(start, start + BATCH_LIMIT);
            if (await this.batchRemove(batch))
                continue;
            const there = await present();
            const left = batch.filter((id) => there.has(id));
            if (left.length > 0)
                await this.batchRemove(left);
        }
    }
    /** The newest preview deployments built from `head`, newest first. */
    async previewDeployments(head) {
        const query = { projectId: this.settings.project, branch: head, target: 'preview', limit: String(DEPLOYMENT_LOOKUP_LIMIT), ...this.scope };
        return readPreviewDeployments(await this.send({ method: 'GET', path: '/v7/deployments', query, operation: 'find the preview deployment' }), head);
    }
    /** A new preview deployment from `from`, built from its branch's latest commit (no `target`: it stays a preview). */
    async redeploy(from) {
        const query = { skipAutoDetectionConfirmation: '1', ...this.scope };
        const body = { name: from.name, deploymentId: from.uid, project: this.settings.project, withLatestCommit: true };
        return readRedeployed(await this.send({ method: 'POST', path: '/v13/deployments', query, body, operation: 'redeploy the preview', idempotent: false }));
    }
    async send(req) {
        return (await this.request(req))?.body;
    }
    async request(req) {
        try {
            return await this.json.request({ retryIf: isEnvUpdateConflict, ...req });
        }
        catch (error) {
            throw this.explain(error);
        }
    }
    /** Adds what to check to an access failure (never the token). */
    explain(error) {
        if (!(error instanceof failure/* ApiError */.hD))
            return error;
        const { project, team } = this.settings;
        const teamPart = team ? ` in team ${team}` : '';
        let hint;
        if (error.status === 401)
            hint = 'Check vercel_token: Vercel did not accept it (revoked, expired or mistyped; create one under Account Settings → Tokens)';
        if (error.status === 403)
            hint = `Check that vercel_token can access project ${project}${teamPart}${team ? ' (the token must be scoped to that team)' : ' (and set vercel_team if it is a team project)'}`;
        if (error.status === 404)
            hint = `Check vercel_project (${project})${team ? ` and vercel_team (${team})` : ': the token sees no such personal project; set vercel_team if it belongs to a team'}`;
        return hint ? new failure/* ApiError */.hD(error.platform, error.operation, error.failure, error.attempts, error.outcomeUnknown, hint) : error;
    }
}

;// CONCATENATED MODULE: ./src/targets/vercel/ownership.ts
/** The comment that marks a value as this PR's: `neon-preview <owner/repo>#<n>`. */
function ownershipComment(pr) {
    return `neon-preview ${pr.repository}#${pr.number}`;
}
/**
 * The PR number a value's comment marks it with for `repository`, or undefined when the comment is
 * not exactly `neon-preview <repository>#<n>` with `n` a positive integer (another repository's
 * marker, a hand-written comment, none).
 */
function markedPullRequest(comment, repository) {
    const prefix = `neon-preview ${repository}#`;
    if (comment === undefined || !comment.startsWith(prefix))
        return undefined;
    const digits = comment.slice(prefix.length);
    if (!/^[1-9][0-9]*$/.test(digits))
        return undefined;
    const n = Number(digits);
    return Number.isSafeInteger(n) ? n : undefined;
}
function isPreview(value) {
    return value.targets.includes('preview');
}
/** This PR's value: exactly its branch, a preview value, its marker. */
function isOwned(value, head, marker) {
    return value.id !== undefined && value.gitBranch === head && isPreview(value) && value.comment === marker;
}
function uniqueSorted(names) {
    return [...new Set(names)].sort();
}
/** The PR's head branch, which Vercel scopes its values by. */
function headOf(pr) {
    if (!pr.headRef)
        throw new Error("Vercel: the pull request's head branch is unknown, and Vercel scopes values by branch; set `head_ref`");
    return pr.headRef;
}

;// CONCATENATED MODULE: ./src/targets/vercel/sweep.ts

const groupKey = (pr, branch) => `${pr}\u0000${branch}`;
/**
 * One entry per (PR, branch) with the keys in the description, ordered by PR and branch. Values
 * whose names left the mapping and values of PRs whose Neon branch is gone are found too; every
 * value of another repository is left alone.
 */
function findMarked(values, repository) {
    const groups = new Map();
    const listing = new Map();
    let branchless = 0;
    for (const value of values) {
        const pr = markedPullRequest(value.comment, repository);
        if (pr === undefined || value.id === undefined || !isPreview(value))
            continue;
        if (value.gitBranch === undefined) {
            branchless++;
            continue;
        }
        const key = groupKey(pr, value.gitBranch);
        const group = groups.get(key) ?? groups.set(key, { pr, headRef: value.gitBranch, keys: [] }).get(key);
        group.keys.push(value.key);
        (listing.get(key) ?? listing.set(key, []).get(key)).push(value.id);
    }
    const entries = [...groups.values()]
        .sort((a, b) => a.pr - b.pr || (a.headRef < b.headRef ? -1 : a.headRef > b.headRef ? 1 : 0))
        .map(({ pr, headRef, keys }) => ({ pr, headRef, description: `${uniqueSorted(keys).join(', ')} on ${headRef}` }));
    return { entries, listing, branchless };
}
/** The ids of the groups' (PR, branch) pairs: exactly the values `remove` would delete for them. */
function idsOf(listing, groups) {
    if (!listing)
        return [];
    const ids = groups.flatMap((g) => g.entries.flatMap((e) => (e.headRef === undefined ? [] : (listing.get(groupKey(e.pr ?? g.pr, e.headRef)) ?? []))));
    return [...new Set(ids)];
}

;// CONCATENATED MODULE: ./src/targets/vercel/target.ts
// Vercel: the PR's values as preview variables scoped to its head branch (`gitBranch`), each
// marked with the PR in its comment, so remove (and a later publish) finds exactly this PR's
// values. Optionally redeploys the branch's newest preview once the Neon branch is ready.
//
// Requests: prepare = project + list (+ deployments with `vercel_redeploy`), at once; publish =
// one upsert (+ one batch delete when values left the mapping); afterReady = the redeploy;
// remove = list (+ one batch delete); findManaged (sweep) = one list of the whole project,
// removeManaged = batch deletes.








const SETTINGS_LINK = 'Vercel environment variables';
class VercelTarget {
    settings;
    name = 'vercel';
    label = 'Vercel';
    platform = 'Vercel';
    /** With `vercel_redeploy` only: redeploys the head branch's newest preview. */
    afterReady;
    api;
    constructor(settings, session) {
        this.settings = settings;
        this.api = new VercelApi(settings, session);
        if (settings.redeploy)
            this.afterReady = (prepared) => this.redeploy(prepared);
    }
    async prepare(pr) {
        const head = headOf(pr);
        const [project, list, previews] = await Promise.allSettled([this.api.project(), this.api.values(head), this.settings.redeploy ? this.api.previewDeployments(head) : undefined]);
        // All three at once; when several fail (a wrong token fails each), the first in this order is told.
        for (const read of [project, list, previews])
            if (read.status === 'rejected')
                throw read.reason;
        const value = (read) => read.value;
        return { head, project: value(project), listed: value(list).values, latest: value(previews)?.[0] };
    }
    async publish(prepared, pr, variables, _branch) {
        const { head, project, listed } = prepared;
        const projectName = this.projectName(project);
        if (!project.link) {
            throw new Error(`Vercel: nothing was published: project ${projectName} has no connected Git repository, so it cannot hold values scoped to the branch ${head} (Vercel takes branch values only for branches of the connected repository). Connect the repository in the project's Settings → Git, or remove vercel from \`targets\`.`);
        }
        const links = this.settingsLinks(project);
        if (isProductionBranch(prepared)) {
            core/* warning */.$e(`Vercel does not take preview values for the production branch: ${head}, the head branch of pull request #${pr.number}, is project ${projectName}'s production branch, so Vercel gets nothing for this pull request (no action needed).`);
            const why = (0,note/* note */.N4) `Nothing published: ${head} is the project's production branch, and Vercel does not take preview values for the production branch.`;
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
            const whose = owners.length > 0
                ? `that belongs to pull request ${owners.join(', ')} (from the same head branch)`
                : `that neon-preview did not create for ${pr.repository}#${pr.number} (its comment differs)`;
            throw new Error(`Vercel: publish variables failed: project ${projectName} already has a preview value of ${keys.join(', ')} for branch ${head} ${whose}; it is left alone. Remove it, or publish under other names with \`env_prefix\`.`);
        }
        const stale = listed.filter((e) => isOwned(e, head, marker) && !names.has(e.key));
        if (variables.length > 0)
            await this.write(prepared, pr, variables.map((v) => valueWrite(v, head, marker)));
        if (stale.length > 0)
            await this.api.removeAll(stale.map((e) => e.id), () => this.ownedIds(head, marker));
        const removedNames = uniqueSorted(stale.map((e) => e.key));
        const notes = this.settings.redeploy ? [] : [(0,note/* note */.N4) `Vercel applies variables to new deployments only: the next push to ${head} builds with them (or set ${'vercel_redeploy: true'}).`];
        return { target: this.name, label: this.label, names: variables.map((v) => v.name), removedNames, links, notes };
    }
    async remove(pr, _names) {
        const head = headOf(pr);
        const marker = ownershipComment(pr);
        const owned = (await this.api.values(head)).values.filter((e) => isOwned(e, head, marker));
        if (owned.length > 0)
            await this.api.removeAll(owned.map((e) => e.id), () => this.ownedIds(head, marker));
        const names = uniqueSorted(owned.map((e) => e.key));
        return { target: this.name, label: this.label, names, links: this.settingsLinks(), notes: [] };
    }
    /**
     * Sweep: the whole project in one list (no `gitBranch` filter). A marked value without a branch
     * is no value remove would touch (remove matches the branch), so it is left alone.
     */
    async findManaged(repository, _names) {
        const { entries, listing, branchless } = findMarked((await this.api.values()).values, repository);
        if (branchless > 0)
            (0,phases/* info */.pq)(`Vercel: left alone ${branchless} value(s) marked for ${repository} but applying to every preview branch (neon-preview scopes its values to a branch)`);
        return { entries, listing };
    }
    /**
     * Sweep: the groups' values from the listing, in batch deletes of up to 1000 ids: a sweep of 200
     * pull requests costs 1 request instead of 400. Every group settles when the whole job is done.
     */
    removeManaged(listing, groups, _names) {
        const ids = idsOf(listing, groups);
        if (ids.length === 0)
            return groups.map(() => Promise.resolve());
        const done = (0,concurrency/* started */.A)(this.api.removeAll(ids, async () => new Set((await this.api.values()).values.flatMap((e) => (e.id === undefined ? [] : [e.id])))));
        done.then(() => (0,phases/* info */.pq)(`Vercel: removed ${ids.length} value(s) of ${groups.length} pull request(s) from project ${this.settings.project}`), () => { });
        return groups.map(() => done);
    }
    /** One upsert; a refusal is named per value, with Vercel's reason (never the value). */
    async write(prepared, pr, items) {
        let refused;
        try {
            refused = await this.api.upsert(items);
        }
        catch (error) {
            throw explainRefusal(error, prepared, pr);
        }
        if (refused.length > 0) {
            const reasons = refused.map((r) => `${r.key}: ${r.message}${r.code ? ` (${r.code})` : ''}`);
            throw new Error(`Vercel: publish variables failed: ${reasons.join('; ')}`);
        }
    }
    async ownedIds(head, marker) {
        return new Set((await this.api.values(head)).values.flatMap((e) => (isOwned(e, head, marker) ? [e.id] : [])));
    }
    async redeploy({ head, project, latest }) {
        if (!project.link || isProductionBranch({ head, project }))
            return { links: [], notes: [] };
        if (!latest) {
            core/* notice */.lm(`Vercel: no preview deployment of ${head} yet, so nothing was redeployed; the next Git push builds with the values.`);
            return { links: [], notes: [(0,note/* note */.N4) `No preview deployment of ${head} yet; the next Git push will build with the values.`] };
        }
        const redeployed = await this.api.redeploy(latest);
        const links = [];
        // The settings page's link, when publish could not build it: the inspector URL names the scope.
        const page = this.settingsLinks(project).length === 0 ? settingsPageFromInspector(redeployed.inspectorUrl) : undefined;
        if (page)
            links.push({ label: SETTINGS_LINK, url: page });
        if (redeployed.url)
            links.push({ label: 'Vercel redeploy', url: redeployed.url });
        return { links, notes: [(0,note/* note */.N4) `Redeployed the newest preview deployment of ${head} (${latest.uid}) so it builds with the values.`] };
    }
    /** The project as messages name it: its name when read, else the input. */
    projectName(project) {
        return project?.name ?? this.settings.project;
    }
    /** The dashboard page of the project's variables, when the team's slug and the project's name are known. */
    settingsLinks(project) {
        const { team } = this.settings;
        const name = project?.name ?? (this.settings.project.startsWith('prj_') ? undefined : this.settings.project);
        if (!team || team.startsWith('team_') || !name)
            return [];
        return [{ label: SETTINGS_LINK, url: `https://vercel.com/${encodeURIComponent(team)}/${encodeURIComponent(name)}/settings/environment-variables` }];
    }
}
/** A 400 that refused every value for the branch: says which branches Vercel takes values for. */
function explainRefusal(error, { head, project }, pr) {
    if (!(error instanceof failure/* ApiError */.hD) || error.status !== 400 || !/no environment variables were created|connected git repository|production branch/i.test(error.failure.message))
        return error;
    const link = project.link;
    const repository = link?.repository ? ` (${link.repository})` : '';
    const production = link?.productionBranch ? ` other than its production branch (${link.productionBranch})` : '';
    const hint = `Vercel takes values for branch ${head} only if it is a branch of the project's connected Git repository${repository}${production}; connect the project to ${pr.repository}, where this pull request's branch is, or check that the branch exists in the connected repository`;
    return new failure/* ApiError */.hD(error.platform, error.operation, error.failure, error.attempts, error.outcomeUnknown, hint);
}
function isProductionBranch({ head, project }) {
    return project.link?.productionBranch !== undefined && head === project.link.productionBranch;
}
function valueWrite(v, head, marker) {
    return { key: v.name, value: v.value, type: v.secret ? 'sensitive' : 'encrypted', target: ['preview'], gitBranch: head, comment: marker };
}
/** The variables page from a deployment's inspector URL (`https://vercel.com/<scope>/<project>/<id>`). */
function settingsPageFromInspector(inspectorUrl) {
    if (!inspectorUrl)
        return undefined;
    try {
        const url = new URL(inspectorUrl);
        const [scope, project] = url.pathname.split('/').filter(Boolean);
        return scope && project ? `${url.origin}/${scope}/${project}/settings/environment-variables` : undefined;
    }
    catch {
        return undefined;
    }
}


/***/ })

};

//# sourceMappingURL=268.index.js.map