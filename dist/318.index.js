export const id = 318;
export const ids = [318];
export const modules = {

/***/ 7318:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   COMMENT_MARKER: () => (/* binding */ COMMENT_MARKER),
/* harmony export */   codeSpan: () => (/* binding */ codeSpan),
/* harmony export */   escapeMarkdown: () => (/* binding */ escapeMarkdown),
/* harmony export */   readCommentState: () => (/* binding */ readCommentState),
/* harmony export */   renderComment: () => (/* binding */ renderComment),
/* harmony export */   upsertComment: () => (/* binding */ upsertComment)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8179);
/* harmony import */ var _http_create_or_adopt_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3725);
/* harmony import */ var _http_pages_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9164);
/* harmony import */ var _http_failure_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2398);
/* harmony import */ var _note_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4215);
/* harmony import */ var _neon_credentials_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2338);
/* harmony import */ var _neon_schema_diff_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2841);
// The sticky PR comment: one per pull request, found by a hidden marker and written by the
// token's own identity, created on the first create and updated in place afterwards. It holds
// names, ids and links only: never a value.







const COMMENT_MARKER = '<!-- neon-preview:sticky-comment -->';
/** GitHub refuses a comment over 65,536 characters; the rest of the comment needs far less than the margin. */
const COMMENT_LIMIT = 65_536;
const COMMENT_MARGIN = 1_000;
/** GitHub's largest page. */
const PER_PAGE = 100;
const MAX_PAGES = 100;
/** Pages requested at once after the first. */
const PAGE_CONCURRENCY = 8;
/**
 * Text shown as it is, not read as Markdown: the ASCII punctuation that can start inline markup
 * (or end a link's text, or split a table cell) is backslash-escaped, and characters that reorder
 * or hide text are shown by their code point. Branch names come from the PR's head branch, which
 * its author chose.
 */
function escapeMarkdown(text) {
    return (0,_note_js__WEBPACK_IMPORTED_MODULE_3__/* .visible */ .RK)(text).replace(/[\\`*_[\]<>|~&!#()]/g, '\\$&');
}
/**
 * A code span that shows `text` as it is, backticks in it included (outside a table). GitHub makes
 * no mention (`@team`) and no link (`www.example.com`) inside one.
 */
function codeSpan(text) {
    const shown = (0,_note_js__WEBPACK_IMPORTED_MODULE_3__/* .visible */ .RK)(text).replace(/\s+/g, ' ');
    const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longest + 1);
    const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${shown}${pad}${fence}`;
}
/** A note in Markdown: its words escaped, its values as code spans. */
function noteMarkdown(n) {
    return (0,_note_js__WEBPACK_IMPORTED_MODULE_3__/* .renderNote */ .NS)(n, escapeMarkdown, codeSpan);
}
/** A link destination that cannot end the link early: parentheses, angle brackets and spaces percent-encoded. */
function destination(url) {
    return url.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
function link(l) {
    return `[${escapeMarkdown(l.label)}](${destination(l.url)})`;
}
/** The comment's Markdown. Stable for the same facts, so an unchanged comment is not re-sent. */
function renderComment(facts) {
    const lines = [COMMENT_MARKER];
    const b = facts.branch;
    if (facts.state === 'ready' && b) {
        lines.push('### Neon preview database: ready', '');
        lines.push('| | |', '| --- | --- |');
        lines.push(`| Branch | ${link({ label: b.name, url: b.consoleUrl })} (${codeSpan(b.id)}) |`);
        if (b.parentId)
            lines.push(`| Parent | ${codeSpan(b.parentId)} |`);
        lines.push(`| Expires | ${b.expiresAt ? `${b.expiresAt.slice(0, 10)} (renewed on every push)` : 'never'} |`);
        lines.push(`| Branch was | ${b.created ? 'created for this pull request' : 'reused'} |`);
        if (facts.password)
            lines.push(`| Password | ${escapeMarkdown((0,_neon_credentials_js__WEBPACK_IMPORTED_MODULE_4__/* .passwordText */ .B)(facts.password))} |`);
        if (b.lastResetAt)
            lines.push(`| Reset | ${escapeMarkdown(b.lastResetAt.replace('T', ' ').replace(/Z$/, ' UTC'))}, to its parent's state (\`reset_on_push\`) |`);
        if (facts.headSha)
            lines.push(`| Commit | \`${facts.headSha.slice(0, 7)}\` |`);
        lines.push('');
        if (facts.targets.length === 0) {
            lines.push('The connection URLs are in the workflow step outputs (masked).');
        }
        else {
            lines.push('**Published** (names only; values are secret where they carry the password)', '');
            for (const t of facts.targets) {
                const names = t.names.map(codeSpan).join(', ') || 'nothing';
                const extras = [...t.links.map(link), ...t.notes.map(noteMarkdown)].join(' · ');
                lines.push(`- **${t.label}**: ${names}${extras ? ` · ${extras}` : ''}`);
            }
        }
        for (const skipped of facts.skipped ?? [])
            lines.push('', noteMarkdown(skipped));
        if (facts.schema)
            lines.push('', SCHEMA_PLACEHOLDER);
    }
    else if (facts.state === 'removed') {
        lines.push('### Neon preview database: removed', '');
        // The same words on every close, so a repeated close does not edit the comment again.
        lines.push(`The branch ${codeSpan(facts.branchName)} is deleted${facts.targets.length ? ', and its variables are removed from ' + facts.targets.map((t) => t.label).join(', ') : ''}.`);
    }
    else if (facts.state === 'closing') {
        lines.push('### Neon preview database: closed, being removed', '');
        lines.push(`The pull request closed while its preview was made: the branch ${codeSpan(facts.branchName)} and its variables are being removed. If this does not change to "removed", re-run the workflow's failed job or let the scheduled sweep remove them.`);
    }
    else {
        lines.push('### Neon preview database: kept', '');
        lines.push(`The branch ${codeSpan(facts.branchName)} was not created by neon-preview, so it was left alone.`);
    }
    lines.push('', '<sub>Maintained by neon-preview; this comment is updated in place.</sub>');
    const text = lines.join('\n');
    if (!facts.schema)
        return text;
    // The diffs get what room the rest of the comment leaves under GitHub's limit.
    return text.replace(SCHEMA_PLACEHOLDER, () => schemaMarkdown(facts.schema, COMMENT_LIMIT - COMMENT_MARGIN - text.length, facts.runUrl));
}
const SCHEMA_PLACEHOLDER = '<!-- neon-preview:schema -->';
/** A fenced code block that no line of `text` can close. */
function fenced(language, text) {
    const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longest + 1);
    return `${fence}${language}\n${(0,_note_js__WEBPACK_IMPORTED_MODULE_3__/* .visibleLines */ .gB)(text)}\n${fence}`;
}
/** One `<details>` per database with its diff, within `budget` characters. */
function schemaMarkdown(schema, budget, runUrl) {
    const title = '**Schema changes** against the parent branch';
    if (schema.note)
        return `${title}: ${escapeMarkdown(schema.note)}`;
    if (schema.diffs.length === 0)
        return `${title}: no database to compare.`;
    const overhead = schema.diffs.map((d) => 200 + d.database.length * 2);
    const shares = (0,_neon_schema_diff_js__WEBPACK_IMPORTED_MODULE_5__/* .shareBudget */ .FY)(schema.diffs.map((d) => d.diff?.length ?? 0), budget - overhead.reduce((a, b) => a + b, 0) - title.length);
    const where = runUrl ? `[the job summary](${runUrl})` : 'the job summary';
    const sections = schema.diffs.map((d, i) => {
        const name = codeSpan(d.database);
        if (d.problem !== undefined)
            return `- ${name}: the diff could not be read (${escapeMarkdown(d.problem)})`;
        if (!d.diff?.trim())
            return `- ${name}: No schema changes`;
        const { text, cut } = (0,_neon_schema_diff_js__WEBPACK_IMPORTED_MODULE_5__/* .fitDiff */ .DE)(d.diff.replace(/\n+$/, ''), shares[i]);
        const shortened = cut ? `\n\nShortened to fit the comment; the whole diff is in ${where}.` : '';
        // HTML, not Markdown, inside <summary>: GitHub renders no Markdown there.
        return `<details><summary><code>${(0,_note_js__WEBPACK_IMPORTED_MODULE_3__/* .escapeHtml */ .ZD)(d.database)}</code>: ${(0,_note_js__WEBPACK_IMPORTED_MODULE_3__/* .escapeHtml */ .ZD)((0,_neon_schema_diff_js__WEBPACK_IMPORTED_MODULE_5__/* .describeChanges */ .DT)(d.diff))}</summary>\n\n${fenced('diff', text)}${shortened}\n\n</details>`;
    });
    return [title, '', ...sections].join('\n');
}
/**
 * Reads who the token is and the PR's comments, both at once. A run starts this before the
 * comment's text is known (it takes a round trip), then hands the promise to `upsertComment`.
 */
function readCommentState(octokit, session, pr) {
    const [owner, repo] = pr.repository.split('/');
    const reading = Promise.all([ownLogin(octokit, session), listComments(octokit, session, owner, repo, pr.number)]).then(([login, existing]) => ({ login, existing }));
    // Awaited (and its failure handled) by upsertComment.
    reading.catch(() => { });
    return reading;
}
/**
 * Creates or updates the comment. A refusal (a fork's read-only token, a token without
 * `pull-requests: write`, a token GitHub does not accept) is a warning, not a failure: the preview
 * itself is done. `state` is `readCommentState`'s answer when the run started it earlier.
 *
 * One comment per PR, also when two runs for the PR write at once (both found none and both
 * created one) or a create's answer was lost: after creating, the run lists the comments again,
 * keeps the oldest of its own marked comments (writing its text there) and deletes the others.
 */
async function upsertComment(octokit, session, pr, body, state) {
    const [owner, repo] = pr.repository.split('/');
    const ownComments = (all, login) => all.filter((c) => c.user?.login === login && c.body?.includes(COMMENT_MARKER)).sort((a, b) => a.id - b.id);
    try {
        const { login, existing } = await (state ?? readCommentState(octokit, session, pr));
        let mine = ownComments(existing, login);
        let outcome = 'updated';
        if (mine.length === 0) {
            outcome = 'created';
            const listed = async () => ownComments(await listComments(octokit, session, owner, repo, pr.number), login);
            await (0,_http_create_or_adopt_js__WEBPACK_IMPORTED_MODULE_1__/* .createOrAdopt */ .K)({
                create: async () => {
                    await session.call({ platform: 'GitHub', operation: 'create PR comment', idempotent: false }, (signal) => octokit.rest.issues.createComment({ owner, repo, issue_number: pr.number, body, request: { signal } }));
                    return true;
                },
                adopt: async () => ((await listed()).length > 0 ? true : undefined),
            });
            // Another run may have created one too: the list shows every one of them.
            mine = await listed();
        }
        const [oldest, ...extra] = mine;
        await removeComments(octokit, session, owner, repo, extra);
        if (oldest.body === body)
            return outcome === 'created' ? 'created' : 'unchanged';
        await updateComment(octokit, session, owner, repo, oldest.id, body);
        return outcome;
    }
    catch (error) {
        if (error instanceof _http_failure_js__WEBPACK_IMPORTED_MODULE_2__/* .ApiError */ .hD && (error.status === 401 || error.status === 403 || error.status === 404)) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${error.message}. The PR comment was not written (the preview is ready): ${commentHelp(error)}, or set \`comment: false\`.`);
            return 'skipped';
        }
        throw error;
    }
}
/** What the token in `github_token` lacks for the comment, from GitHub's answer. */
function commentHelp(error) {
    if (error.status === 401)
        return 'GitHub did not accept the token in `github_token` (expired, revoked or mistyped); pass a valid one';
    const accepted = error.failure.headers['x-accepted-github-permissions'];
    const needs = accepted ? `the permission GitHub names for it (${accepted})` : 'Pull requests: write (or Issues: write)';
    return `give the token ${needs}: for the workflow's token, \`permissions: pull-requests: write\` (a fork's pull request gets a read-only token and cannot be commented on)`;
}
async function updateComment(octokit, session, owner, repo, id, body) {
    await session.call({ platform: 'GitHub', operation: 'update PR comment' }, (signal) => octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body, request: { signal } }));
}
/** Deletes the run's own extra comments, all at once; one another run deleted first counts as deleted. */
async function removeComments(octokit, session, owner, repo, comments) {
    await Promise.all(comments.map((c) => session.call({ platform: 'GitHub', operation: 'delete a duplicate PR comment', acceptStatus: [404] }, (signal) => octokit.rest.issues.deleteComment({ owner, repo, comment_id: c.id, request: { signal } }))));
}
/** The login the token acts as. GraphQL's viewer works for installation tokens (GITHUB_TOKEN) too. */
async function ownLogin(octokit, session) {
    const result = await session.call({ platform: 'GitHub', operation: 'identify the token' }, (signal) => octokit.graphql('query { viewer { login } }', { request: { signal } }));
    return result.viewer.login;
}
/** Every comment of the pull request (every page: the first, then the rest at once). */
function listComments(octokit, session, owner, repo, issue) {
    return (0,_http_pages_js__WEBPACK_IMPORTED_MODULE_6__/* .allPages */ .S)(async (page) => {
        const { data, headers } = await session.call({ platform: 'GitHub', operation: page === 1 ? 'list PR comments' : `list PR comments (page ${page})` }, (signal) => octokit.rest.issues.listComments({ owner, repo, issue_number: issue, per_page: PER_PAGE, page, request: { signal } }));
        return { items: data, link: headers.link };
    }, { maxPages: MAX_PAGES, concurrency: PAGE_CONCURRENCY });
}


/***/ })

};

//# sourceMappingURL=318.index.js.map