/**
 * Runs documented shell commands as written: `bash -c LINE` in a given folder, with `nhi-guard` on
 * PATH as a wrapper around this checkout's bin (what `npm install` would put there), and the
 * expected exit code read from a trailing `# exit N` comment.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from './cli.js';

let binDir: string | undefined;

/** A folder holding an `nhi-guard` executable that runs this checkout's CLI. */
export function nhiGuardOnPath(): string {
  if (binDir) return binDir;
  binDir = mkdtempSync(path.join(os.tmpdir(), 'nhi-bin-'));
  const exe = path.join(binDir, 'nhi-guard');
  writeFileSync(exe, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(exe, 0o755);
  return binDir;
}

export interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `bash -euo pipefail -c script` in `cwd` with nhi-guard on PATH and `env` added. */
export function runShell(script: string, cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): ShellRun {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    env: { ...process.env, ...env, PATH: `${nhiGuardOnPath()}${path.delimiter}${env.PATH ?? process.env.PATH ?? ''}` },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The fenced code blocks of a Markdown text with their info string. */
export function codeBlocks(markdown: string): Array<{ lang: string; body: string }> {
  const out: Array<{ lang: string; body: string }> = [];
  for (const m of markdown.matchAll(/^```([\w-]*)\n([\s\S]*?)^```$/gm)) out.push({ lang: m[1]!, body: m[2]! });
  return out;
}

/** `nhi-guard check ...   # exit 1` → the command and 1; lines without the comment are not examples. */
export function expectedExit(line: string): { command: string; exit: number } | undefined {
  const m = /^(.*?)\s+#\s*exit\s+(\d+)\b.*$/.exec(line);
  return m ? { command: m[1]!.trim(), exit: Number(m[2]) } : undefined;
}
