/**
 * Where the `opa` CLI comes from: PATH, then $OPA_BIN, then .tools/bin/opa (installed by
 * scripts/setup.ts with `go install`). One place, shared by the set-up script and the engine.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { isObject } from '../io/files.js';

/** The pinned OPA release. Bundles are cached per opa version, so a change rebuilds them. */
export const OPA_VERSION = '1.22.2';
export const OPA_INSTALL_COMMAND = `go install github.com/open-policy-agent/opa@v${OPA_VERSION}`;
export const OPA_RELEASES = `https://github.com/open-policy-agent/opa/releases/tag/v${OPA_VERSION}`;

/**
 * The project folder: the nearest folder above this module with package.json and policies/ (the
 * sources sit two levels below it, the CLI bundle deeper, in checks/.build/).
 */
export const PROJECT_ROOT = projectRoot(path.dirname(fileURLToPath(import.meta.url)));

function projectRoot(from: string): string {
  for (let d = from; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'package.json')) && existsSync(path.join(d, 'policies'))) return d;
    if (path.dirname(d) === d) return path.resolve(from, '..', '..');
  }
}

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

/** Where compiled packs (and the versions of opa binaries) are cached. */
export function defaultCacheRoot(): string {
  if (process.env.NHI_GUARD_CACHE_DIR) return path.resolve(process.env.NHI_GUARD_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'nhi-guard');
}

const VERSIONS_FILE = 'opa-versions.json';

/**
 * `opa version` of a binary, remembered in the cache folder by the binary's path, size, inode and
 * modification time: starting opa costs some 30 ms of every run otherwise. A replaced or rebuilt
 * binary has another key and is asked again. The memo is best effort: any failure just asks opa.
 */
export function opaVersionMemo(bin: string, cacheRoot: string = defaultCacheRoot()): string | null {
  let key: string;
  try {
    const st = statSync(bin);
    key = `${path.resolve(bin)}|${st.size}|${st.ino}|${st.mtimeMs}`;
  } catch {
    return null;
  }
  const file = path.join(cacheRoot, VERSIONS_FILE);
  let memo: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isObject(parsed)) memo = parsed as Record<string, string>;
  } catch {
    // no memo yet, or a damaged one: rebuilt below
  }
  const known = memo[key];
  if (typeof known === 'string') return known;
  const v = opaVersionOf(bin);
  if (v === null) return null;
  // Named like writeFileAtomic's temporary files (that one is asynchronous; findOpa is not).
  const tmp = path.join(cacheRoot, `.${VERSIONS_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(cacheRoot, { recursive: true });
    writeFileSync(tmp, JSON.stringify({ ...memo, [key]: v }));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true }); // a read-only cache folder: ask opa next time too
  }
  return v;
}

let cached: OpaBinary | undefined;

/** The first working opa v1.x, or a UserError naming the command that installs it. */
export function findOpa(): OpaBinary {
  if (cached) return cached;
  const rejected: string[] = [];
  for (const c of candidates()) {
    if (!existsSync(c.path)) continue;
    const v = opaVersionMemo(c.path);
    if (v && isSupportedVersion(v)) {
      cached = { path: c.path, version: v, from: c.from };
      return cached;
    }
    rejected.push(`${c.path} (${v ? `version ${v}` : 'does not run'})`);
  }
  const seen = rejected.length ? `; rejected ${rejected.join(', ')}` : '';
  const what = inCheckout()
    ? 'opa v1.x not found on PATH, in $OPA_BIN or in .tools/bin'
    : 'opa v1.x (needed for --policy-dir and policies build|test) not found on PATH or in $OPA_BIN';
  throw new UserError(`${what}${seen}; ${opaInstallHint()}`);
}

/** A checkout of nhi-guard (with its set-up script), not an installed package. */
const inCheckout = () => existsSync(path.join(PROJECT_ROOT, 'scripts', 'setup.ts'));

/**
 * How to get opa: in a checkout the set-up script builds the pinned one; an installed package has
 * no set-up script, so the released binary (or Go) it is.
 */
export function opaInstallHint(): string {
  if (inCheckout()) return `install it with \`npm run setup\` (runs: GOBIN=${TOOLS_BIN} ${OPA_INSTALL_COMMAND})`;
  return `download opa ${OPA_VERSION} from ${OPA_RELEASES} onto PATH (or set OPA_BIN), or run: ${OPA_INSTALL_COMMAND}`;
}
