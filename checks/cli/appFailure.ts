/**
 * What a failed cdktf app said, as the lines `nhi-guard synth` shows: the app's own words, never a
 * stack of nhi-guard or of Node.js. Pure (tested apart from the process that produced the text).
 *
 * - Governance problems: the lines the app wrote as `nhi-guard: <construct path>: <problem>`
 *   (stacks/main.ts synthOrExit), every one of them.
 * - An exception the app did not catch: reported by APP_ERROR_HOOK, loaded before the app, as one
 *   marked JSON line; shown as `Name: message (at file:line:column)`, the first stack frame in the
 *   app's own code (not node_modules, not Node.js internals).
 * - cdktf's refusal of error annotations (an app that calls app.synth() itself): one line per
 *   annotation, `<construct path>: <message>`.
 */
import path from 'node:path';

export const APP_ERROR_MARK = 'nhi-guard-app-error ';

/** Loaded with `node --import` before the app: an uncaught error becomes one marked line, exit 2. */
export const APP_ERROR_HOOK = `
const report = (e) => {
  const o = e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : { name: 'Error', message: String(e) };
  process.stderr.write('\\n${APP_ERROR_MARK}' + JSON.stringify(o) + '\\n');
  process.exit(2);
};
process.on('uncaughtException', report);
process.on('unhandledRejection', report);
`;

export const appErrorHookUrl = (): string => `data:text/javascript;base64,${Buffer.from(APP_ERROR_HOOK, 'utf8').toString('base64')}`;

interface AppError {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
}

const ANNOTATIONS = /^Encountered Annotations with level "ERROR":\n/;

/** The problems a failed app run reports, one sentence each; `cwd` shortens file names. */
export function appFailure(stderr: string, status: number | null, cwd: string): string[] {
  const lines = stderr.split(/\r?\n/);
  const problems = lines
    .filter((l) => l.startsWith('nhi-guard: '))
    .map((l) => l.slice('nhi-guard: '.length).trim())
    .filter(Boolean);
  if (problems.length > 0) return problems;
  const marked = lines.find((l) => l.startsWith(APP_ERROR_MARK));
  if (marked) {
    let e: AppError;
    try {
      e = JSON.parse(marked.slice(APP_ERROR_MARK.length)) as AppError;
    } catch {
      e = { message: marked.slice(APP_ERROR_MARK.length) };
    }
    const message = typeof e.message === 'string' ? e.message : String(e.message);
    if (ANNOTATIONS.test(message)) {
      const annotated = message
        .split('\n')
        .map((l) => /^\[([^\]]+)\] (.+)$/.exec(l.trim()))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[1]}: ${m[2]}`);
      if (annotated.length > 0) return annotated;
    }
    const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
    const at = typeof e.stack === 'string' ? appFrame(e.stack, cwd) : undefined;
    return [`the app failed: ${name}: ${message}${at ? ` (at ${at})` : ''}`];
  }
  const last = lines
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  return [`the app failed${status === null ? '' : ` with exit ${status}`}${last ? `: ${last}` : ''}`];
}

/** The first stack frame in the app's own code, `file:line:column` (relative to cwd when inside it). */
export function appFrame(stack: string, cwd: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const m = /^\s*at (?:.*? \()?(?:file:\/\/)?(\/[^()]*?|[A-Za-z]:\\[^()]*?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    const file = m[1]!;
    if (file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith('node:')) continue;
    const rel = path.relative(cwd, file);
    return `${rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
