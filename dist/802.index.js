export const id = 802;
export const ids = [802];
export const modules = {

/***/ 5802:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   VercelCore: () => (/* reexport safe */ _vercel_sdk_core_js__WEBPACK_IMPORTED_MODULE_0__.B),
/* harmony export */   deploymentsGetDeployments: () => (/* reexport safe */ _vercel_sdk_funcs_deploymentsGetDeployments_js__WEBPACK_IMPORTED_MODULE_1__.X),
/* harmony export */   projectsBatchRemoveProjectEnv: () => (/* reexport safe */ _vercel_sdk_funcs_projectsBatchRemoveProjectEnv_js__WEBPACK_IMPORTED_MODULE_2__.p),
/* harmony export */   projectsCreateProjectEnv: () => (/* reexport safe */ _vercel_sdk_funcs_projectsCreateProjectEnv_js__WEBPACK_IMPORTED_MODULE_3__.p),
/* harmony export */   projectsFilterProjectEnvs: () => (/* reexport safe */ _vercel_sdk_funcs_projectsFilterProjectEnvs_js__WEBPACK_IMPORTED_MODULE_4__.A)
/* harmony export */ });
/* harmony import */ var _vercel_sdk_core_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8526);
/* harmony import */ var _vercel_sdk_funcs_deploymentsGetDeployments_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6153);
/* harmony import */ var _vercel_sdk_funcs_projectsBatchRemoveProjectEnv_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2713);
/* harmony import */ var _vercel_sdk_funcs_projectsCreateProjectEnv_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(401);
/* harmony import */ var _vercel_sdk_funcs_projectsFilterProjectEnvs_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2744);
// The parts of the Vercel SDK the Vercel target uses, in one module so that they load together,
// on the target's first call: building their schemas takes tens of milliseconds, which a run
// without the Vercel target (and the start of one with it) does not pay.







/***/ })

};

//# sourceMappingURL=802.index.js.map