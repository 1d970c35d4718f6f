/** Runs the real CLI in-process with captured stdout/stderr and returns the exit code. */
import { main, type Io } from '../../checks/cli/index.js';

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
