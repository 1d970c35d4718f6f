/**
 * A real moto server (AWS API emulator) on 127.0.0.1 for tests and fixture generation.
 * Generic: any test that needs AWS APIs can start one, point clients at `url`, and reset it
 * between cases. Missing moto is an error naming the install command, never a skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { MOTO_VERSION, motoServerPath, VENV_DIR } from './tools.js';

export const MOTO_INSTALL_COMMAND = `npm run setup -- --need=moto  (or: python3 -m venv ${VENV_DIR} && ${VENV_DIR}/bin/pip install 'moto[server]==${MOTO_VERSION}')`;

export interface MotoServer {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released; the caller binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}: ${log().slice(-2000)}`);
    try {
      const res = await fetch(`${url}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms: ${log().slice(-2000)}`);
}

export interface MotoOptions {
  timeoutMs?: number;
  /** Load the AWS managed IAM policies (arn:aws:iam::aws:policy/...) so they can be attached. Default true. */
  managedPolicies?: boolean;
  /** Run Lambda functions in docker (false: moto's stub backend, no docker needed). Default false. */
  lambdaDocker?: boolean;
  /** Extra environment for the server, e.g. MOTO_ACCOUNT_ID (the account every request acts in, moto >= 5). */
  env?: Record<string, string>;
}

/** Changes moto's runtime configuration (POST /moto-api/config). */
export async function configureMoto(url: string, config: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/moto-api/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) });
  if (!res.ok) throw new Error(`moto config failed: HTTP ${res.status}`);
}

export async function startMoto(opts: MotoOptions = {}): Promise<MotoServer> {
  const bin = motoServerPath();
  if (!bin) throw new Error(`moto_server is not installed; install it with: ${MOTO_INSTALL_COMMAND}`);
  // Retry on the rare port race between freePort() and the server binding it.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // moto logs every request. Its output goes to a file, not a pipe: a test that blocks the
    // event loop (spawnSync of terraform) would leave a pipe undrained, and moto would stall on
    // a full pipe in the middle of the apply.
    const logDir = mkdtempSync(path.join(os.tmpdir(), 'nhi-moto-'));
    const logFile = path.join(logDir, 'moto.log');
    const logFd = openSync(logFile, 'w');
    let finalOutput: string | undefined;
    const output = () => {
      if (finalOutput !== undefined) return finalOutput;
      try {
        return readFileSync(logFile, 'utf8').slice(-20_000);
      } catch {
        return '';
      }
    };
    const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_DEFAULT_REGION: 'us-east-1',
        MOTO_IAM_LOAD_MANAGED_POLICIES: opts.managedPolicies === false ? 'false' : 'true',
        ...opts.env,
      },
    });
    closeSync(logFd); // the child has its own copy
    // The log is kept for the error message of a server that exits early, then removed.
    child.once('exit', () => {
      finalOutput = output();
      rmSync(logDir, { recursive: true, force: true });
    });
    try {
      await waitReady(url, child, output, opts.timeoutMs ?? 120_000);
      await configureMoto(url, { lambda: { use_docker: opts.lambdaDocker === true } });
    } catch (e) {
      lastError = e;
      child.kill('SIGTERM');
      continue;
    }
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    };
    const reset = async () => {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    };
    return { port, url, reset, stop };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
