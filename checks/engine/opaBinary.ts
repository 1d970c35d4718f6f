/**
 * Where the `opa` CLI comes from: PATH, then $OPA_BIN, then .tools/bin/opa (installed by
 * scripts/setup.ts with `go install`). One place, shared by the set-up script and the engine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';

/** The pinned OPA release. Bundles are cached per opa version, so a change rebuilds them. */
export const OPA_VERSION = '1.22.2';
export const OPA_INSTALL_COMMAND = `go install github.com/open-policy-agent/opa@v${OPA_VERSION}`;

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'bin');

export interface OpaBinary {
  path: string;
  version: string;
  from: 'PATH' | 'OPA_BIN' | '.tools';
}

/** `opa version` first line: "Version: 1.22.2". Returns null when the binary does not run. */
export function opaVersionOf(bin: string): string | null {
  try {
    const out = execFileSync(bin, ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
    const m = /^Version:\s*v?(\S+)/m.exec(out);
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function candidates(): Array<{ path: string; from: OpaBinary['from'] }> {
  const out: Array<{ path: string; from: OpaBinary['from'] }> = [];
  const p = onPath('opa');
  if (p) out.push({ path: p, from: 'PATH' });
  if (process.env.OPA_BIN) out.push({ path: process.env.OPA_BIN, from: 'OPA_BIN' });
  out.push({ path: path.join(TOOLS_BIN, 'opa'), from: '.tools' });
  return out;
}

export function isSupportedVersion(v: string): boolean {
  return /^1\.\d+\.\d+/.test(v);
}

let cached: OpaBinary | undefined;

/** The first working opa v1.x, or a UserError naming the command that installs it. */
export function findOpa(): OpaBinary {
  if (cached) return cached;
  const rejected: string[] = [];
  for (const c of candidates()) {
    if (!existsSync(c.path)) continue;
    const v = opaVersionOf(c.path);
    if (v && isSupportedVersion(v)) {
      cached = { path: c.path, version: v, from: c.from };
      return cached;
    }
    rejected.push(`${c.path} (${v ? `version ${v}` : 'does not run'})`);
  }
  const seen = rejected.length ? `; rejected ${rejected.join(', ')}` : '';
  throw new UserError(
    `opa v1.x not found on PATH, in $OPA_BIN or in .tools/bin${seen}; install it with \`npm run setup\` (runs: GOBIN=${TOOLS_BIN} ${OPA_INSTALL_COMMAND})`,
  );
}
