// npx tsx sandbox/serve.ts [--ready FILE]: starts the four stand-ins (Neon, Vercel, Netlify,
// GitHub) and keeps them running until it is stopped (SIGTERM or SIGINT), for a workflow job
// that uses the action against them (.github/workflows/self-test.yml) or for trying the action
// by hand. Once they listen it
// - writes their URLs, ids and credentials, named as the action's inputs (neon_api_url,
//   vercel_token, ...), as step outputs to $GITHUB_OUTPUT when that is set, and prints them;
// - then creates FILE (with --ready), so a step that started it in the background can wait for it.
// On stop it prints how many requests each stand-in served and exits 1 when any request was
// refused for not matching the platform's API description (the real platform would refuse it).
import { appendFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startPlatforms, type Platforms } from './platforms.js';

/** The credentials the stand-ins accept: made up, they open nothing real. */
export const CREDENTIALS = {
  neonKey: 'napi_self_test_key_00000000000000',
  vercelToken: 'vercel_self_test_token_000000000',
  netlifyToken: 'nfp_self_test_token_0000000000000',
};

/** What a workflow needs to point the action at the stand-ins, by the action's input names. */
export function standInOutputs(platforms: Platforms): Record<string, string> {
  const inputs = platforms.inputs();
  return {
    neon_api_url: inputs.neon_api_url!,
    neon_api_key: inputs.neon_api_key!,
    neon_project_id: inputs.neon_project_id!,
    vercel_api_url: inputs.vercel_api_url!,
    vercel_token: inputs.vercel_token!,
    vercel_project: inputs.vercel_project!,
    netlify_api_url: inputs.netlify_api_url!,
    netlify_token: inputs.netlify_token!,
    netlify_site_id: inputs.netlify_site_id!,
    // The GitHub stand-in serves the repository the end-to-end tests use; a workflow's action
    // talks to the runner's own GITHUB_API_URL, which a workflow cannot point elsewhere.
    github_api_url: platforms.github.url,
    github_token: inputs.github_token!,
  };
}

/** One line per platform: requests served, and those the real platform would refuse. */
export function servedReport(platforms: Platforms): { lines: string[]; refused: number } {
  const lines: string[] = [];
  let refused = 0;
  for (const [name, standIn] of Object.entries(platforms.standIns)) {
    refused += standIn.violations.length;
    lines.push(`${name}: ${standIn.requests.length} requests, ${standIn.violations.length} the real platform would refuse`);
    for (const violation of standIn.violations) lines.push(`  ${violation}`);
  }
  lines.push(`Requests the real platforms would refuse: ${refused}`);
  return { lines, refused };
}

async function main(args: string[]): Promise<void> {
  const readyAt = args[args.indexOf('--ready') + 1];
  if (args.includes('--ready') && !readyAt) throw new Error('--ready needs a file name');
  console.log('Starting the Neon, Vercel, Netlify and GitHub stand-ins…');
  const platforms = await startPlatforms(CREDENTIALS);
  const outputs = standInOutputs(platforms);
  for (const [name, value] of Object.entries(outputs)) console.log(`${name}=${value}`);
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      Object.entries(outputs)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(''),
    );
  if (readyAt) writeFileSync(readyAt, `${process.pid}\n`);
  console.log(`Stand-ins ready (pid ${process.pid}); stop with SIGTERM or Ctrl-C.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    await platforms.stop();
    const { lines, refused } = servedReport(platforms);
    console.log(`Stopped (${signal}).\n${lines.join('\n')}`);
    process.exit(refused > 0 ? 1 : 0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
