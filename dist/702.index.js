export const id = 702;
export const ids = [702];
export const modules = {

/***/ 6702:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   USER_AGENT: () => (/* binding */ USER_AGENT),
/* harmony export */   createOctokit: () => (/* binding */ createOctokit)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
// The run's GitHub client: one Octokit, one user agent. Its answers are read whole before Octokit
// sees them: Octokit turns a body that breaks off midway into empty data (it swallows the read's
// error), which a run would take for an answer; read here, the break is a failed request, which
// the retry policy sends again.

const USER_AGENT = 'neon-preview-action';
/** Statuses whose answer has no body (a Response refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);
function wholeBody(fetchOnce) {
    return async (url, init) => {
        const response = await fetchOnce(url, init);
        const body = NO_BODY.has(response.status) ? null : await response.arrayBuffer();
        return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
}
function createOctokit(token, apiUrl) {
    // The proxy-aware fetch (and agent) @actions/github sets up, wrapped; a request option given to
    // the constructor replaces the defaults' whole, so they are taken from a first client.
    const defaults = ((0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, { baseUrl: apiUrl }).request.endpoint.DEFAULTS.request ?? {});
    const request = { agent: defaults.agent, fetch: wholeBody(defaults.fetch ?? fetch) };
    // No client-side timeout or retries: each attempt's limit and every retry come from the session.
    return (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, { baseUrl: apiUrl, userAgent: USER_AGENT, request });
}


/***/ })

};

//# sourceMappingURL=702.index.js.map