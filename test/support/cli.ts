/** Runs the real CLI in-process, or node scripts (the CLI's bin among them) as child processes, with captured output. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { main, type Io } from '../../checks/cli/index.js';
import { PROJECT_ROOT } from '../../checks/engine/opaBinary.js';

export const BIN = path.join(PROJECT_ROOT, 'bin', 'nhi-guard.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false, env };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `node ...args` from the project folder (or `cwd`), the environment extended by `env` (a key set
 * to undefined is removed); `onSpawn` gets the pid.
 */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}, onSpawn?: (pid: number) => void, cwd: string = PROJECT_ROOT): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (onSpawn && child.pid) onSpawn(child.pid);
  });
}

/** The CLI as users run it: `node bin/nhi-guard.mjs ...args` in a process of its own. */
export function runBin(args: string[], env: NodeJS.ProcessEnv = {}, onSpawn?: (pid: number) => void): Promise<NodeRun> {
  return runNode([BIN, ...args], env, onSpawn);
}
