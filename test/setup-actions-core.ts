// `@actions/core` as the in-process tests see it (vitest.config.ts points the bare name here):
// the real module, except that nothing reaches the workflow log, which in a test is vitest's own
// output. Inputs, state, the summary and the rest are the real ones; every function that would
// print (messages, annotations, groups, ::add-mask::, commands) records what it would have printed
// instead, in `coreLog`, and is a `vi.fn` that a test can read with `vi.mocked(core.notice)`.
// A test file that mocks `@actions/core` itself builds on this module (its `importOriginal` gives
// this one), so what it leaves unmocked stays quiet too. The setup file clears both before each test.
import { vi } from 'vitest';
// The real module, by its file: the bare name would lead back here.
import * as actual from '../node_modules/@actions/core/lib/core.js';

export * from '../node_modules/@actions/core/lib/core.js';

/** What the run would have printed, one entry per line, as the runner would read it. */
export const coreLog: string[] = [];

function text(message: string | Error): string {
  return message instanceof Error ? message.toString() : message;
}

/** `::name::message`, the form of the runner's workflow commands (properties left out). */
function command(name: string, message: string): void {
  coreLog.push(`::${name}::${message}`);
}

export const info = vi.fn((message: string): void => void coreLog.push(message));
export const debug = vi.fn((message: string): void => command('debug', message));
export const notice = vi.fn((message: string | Error, _properties?: actual.AnnotationProperties): void => command('notice', text(message)));
export const warning = vi.fn((message: string | Error, _properties?: actual.AnnotationProperties): void => command('warning', text(message)));
export const error = vi.fn((message: string | Error, _properties?: actual.AnnotationProperties): void => command('error', text(message)));
export const setSecret = vi.fn((secret: string): void => command('add-mask', secret));
export const startGroup = vi.fn((name: string): void => command('group', name));
export const endGroup = vi.fn((): void => command('endgroup', ''));
export const group = vi.fn(async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  startGroup(name);
  try {
    return await fn();
  } finally {
    endGroup();
  }
});
/** Recorded, and the run not marked failed: the test process's exit code is vitest's. */
export const setFailed = vi.fn((message: string | Error): void => error(message));
// Names only: a value may be a secret, and the runner does not print outputs either.
export const setOutput = vi.fn((name: string, _value: unknown): void => void coreLog.push(`(output ${name})`));
export const exportVariable = vi.fn((name: string, _value: unknown): void => void coreLog.push(`(environment variable ${name})`));
export const addPath = vi.fn((inputPath: string): void => void coreLog.push(`(path ${inputPath})`));
export const saveState = vi.fn((name: string, _value: unknown): void => void coreLog.push(`(state ${name})`));
export const setCommandEcho = vi.fn((_enabled: boolean): void => undefined);

const recorders = [info, debug, notice, warning, error, setSecret, startGroup, endGroup, group, setFailed, setOutput, exportVariable, addPath, saveState, setCommandEcho];

/** Forgets what was recorded (the calls of every recorder and `coreLog`). */
export function clearCoreLog(): void {
  coreLog.length = 0;
  for (const recorder of recorders) recorder.mockClear();
}
