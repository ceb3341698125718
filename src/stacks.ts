// Imported first by index.ts. The bundle's `sourcemap-register.cjs` (ncc's source map support)
// maps every stack trace through dist/index.js.map the first time any error's stack is read,
// parsing the 3.4 MB map (~100 ms). Node reads stacks in the normal course of a run (a socket
// closed with an "error" reads its stack), yet the action never shows one: failures are reported
// by message. So stacks are formatted by V8 directly, and the source-mapped formatting comes back
// only for an error that would crash the process (Node prints its stack after this monitor).
const mapped = Error.prepareStackTrace;
if (mapped) {
  delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  process.once('uncaughtExceptionMonitor', () => {
    Error.prepareStackTrace = mapped;
  });
}
