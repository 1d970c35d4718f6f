/**
 * Runs documented shell commands as written: `bash -c LINE` in a given folder, with `nhi-guard` on
 * PATH as a wrapper around this checkout's bin (what `npm install` would put there), and the
 * expected exit code read from a trailing `# exit N` comment.
 */
import { spawn, spawnSync } from 'node:child_process';
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

/** `bash -eo pipefail -c script` (as GitHub's runner runs a step) in `cwd` with nhi-guard on PATH and `env` added. */
export function runShell(script: string, cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): ShellRun {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env: { ...process.env, ...env, PATH: `${nhiGuardOnPath()}${path.delimiter}${env.PATH ?? process.env.PATH ?? ''}` },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * The same without blocking the event loop: long steps (terraform) would otherwise starve the
 * test runner's own messages. Killed after `timeoutMs`.
 */
export function runShellAsync(script: string, cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd,
      env: { ...process.env, ...env, PATH: `${nhiGuardOnPath()}${path.delimiter}${env.PATH ?? process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
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
