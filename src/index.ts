import * as core from '@actions/core';
import { run } from './main.js';
import { redact } from './secrets.js';

// A failure that nothing awaited would otherwise end the process with a stack trace and no
// `::error::` line. Report it as the run's failure (only the message: client errors carry request
// headers) and let the run end as it would.
process.on('unhandledRejection', (reason) => {
  core.setFailed(redact(`Unexpected failure: ${reason instanceof Error ? reason.message : String(reason)}`));
});

await run();
// A request abandoned at its deadline (a platform that never answers) would hold the process open
// until the HTTP client's own timeout; the run is over, so the process ends now.
process.exit();
