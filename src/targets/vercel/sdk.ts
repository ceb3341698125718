// The parts of the Vercel SDK the Vercel target uses, in one module so that they load together,
// on the target's first call: building their schemas takes tens of milliseconds, which a run
// without the Vercel target (and the start of one with it) does not pay.
export { VercelCore } from '@vercel/sdk/core.js';
export { deploymentsGetDeployments } from '@vercel/sdk/funcs/deploymentsGetDeployments.js';
export { projectsBatchRemoveProjectEnv } from '@vercel/sdk/funcs/projectsBatchRemoveProjectEnv.js';
export { projectsCreateProjectEnv } from '@vercel/sdk/funcs/projectsCreateProjectEnv.js';
export { projectsFilterProjectEnvs } from '@vercel/sdk/funcs/projectsFilterProjectEnvs.js';
