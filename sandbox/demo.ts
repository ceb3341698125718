// npm run demo: one pull request's whole life (opened → synchronize → closed → closed again)
// through the built action (dist/index.js), run as the GitHub runner runs it, against the local
// stand-ins of Neon, Vercel, Netlify and GitHub. The Neon stand-in is backed by a real Postgres
// engine (PGlite): a branch is a copy of its parent's data, and the URLs the action publishes
// accept connections. Prints the first step's log as GitHub shows it, and after each step the
// action's outputs, what each platform holds and what the database answers; after the first
// create it adds a table on the preview, which the next push's PR comment shows as a schema diff.
//
// The first line is out before anything heavy loads (PGlite, the stand-ins, the API descriptions:
// sandbox/demo/main.ts); the parts live in sandbox/demo/. Exits with 1 when a check fails.
import { bold, commandStart, say } from './demo/output.js';

const start = commandStart();
say(bold("neon-preview demo: one pull request's life, opened to closed, through dist/index.js against local stand-ins"));

// The Neon stand-in reads a branch's schema with queries sent together on one pg client, which
// node-postgres 8 deprecates (sandbox/neon/catalog-schema.ts); its warning says nothing to the
// demo's reader. Every other warning is printed as usual.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (text.startsWith('Calling client.query() when the client is already executing a query')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const { main } = await import('./demo/main.js');
await main(start);
