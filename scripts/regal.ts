/**
 * Runs Regal, the Rego linter, on the policy folder with the project's .regal/config.yaml, then
 * `opa fmt --list --fail` with the pinned opa (Rego is formatted by opa, not by Regal's own OPA):
 *   npx tsx scripts/regal.ts            (npm run lint runs it after scripts/setup.ts --need=regal)
 * The binary: $REGAL_BIN, else .tools/bin/regal (built by scripts/setup.ts from the pinned module
 * in scripts/regal/), else regal on PATH. Exits with Regal's code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findOpa, PROJECT_ROOT, TOOLS_BIN } from '../checks/engine/opaBinary.js';

export const REGAL_VERSION = '0.35.1';
export const REGAL_MODULE_DIR = path.join(PROJECT_ROOT, 'scripts', 'regal');

/** Where Regal is looked for, in order. */
export function regalCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const onPath = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((d) => path.join(d, 'regal'));
  return [...(env.REGAL_BIN ? [env.REGAL_BIN] : []), path.join(TOOLS_BIN, 'regal'), ...onPath];
}

/** The version a Regal binary reports (`regal version`), or null when it does not run. */
export function regalVersionOf(bin: string): string | null {
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return null;
  return /^Version:\s*v?(\S+)/m.exec(r.stdout)?.[1] ?? null;
}

export function findRegal(): string | undefined {
  return regalCandidates().find((c) => existsSync(c) && regalVersionOf(c) === REGAL_VERSION);
}

function main(): number {
  const bin = findRegal();
  if (!bin) {
    process.stderr.write(
      `regal: Regal ${REGAL_VERSION} not found ($REGAL_BIN, ${path.join(TOOLS_BIN, 'regal')}, PATH); run: npx tsx scripts/setup.ts --need=regal\n`,
    );
    return 2;
  }
  const r = spawnSync(bin, ['lint', '--config-file', path.join(PROJECT_ROOT, '.regal', 'config.yaml'), 'policies'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  // Files opa would format differently are listed; `opa fmt -w policies` formats them.
  let opa: string;
  try {
    opa = findOpa().path;
  } catch (e) {
    process.stderr.write(`regal: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const fmt = spawnSync(opa, ['fmt', '--list', '--fail', 'policies'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  return r.status === 0 && fmt.status === 0 ? 0 : (r.status ?? 2) || 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(PROJECT_ROOT, 'scripts', 'regal.ts')) process.exitCode = main();
