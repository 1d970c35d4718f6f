/**
 * Compiles the Rego policy pack to WebAssembly with `opa build -t wasm`, one aggregator entrypoint,
 * and caches the result by the hash of the sources, the policy data and the opa version.
 *
 * Cache layout: <cacheRoot>/<hash>/{policy.wasm, data.json, rules.json}. A build happens in a
 * temporary folder renamed into place, so concurrent runs never see half a bundle.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar';
import { EngineError, UserError, oneLine } from '../errors.js';
import { findOpa } from './opaBinary.js';
import { rulesFromInspect, type RuleMeta } from './metadata.js';

const execFileP = promisify(execFile);

export const ENTRYPOINT = 'nhi/main/findings';
/** Bumped when the build command or cache layout changes. */
const BUILD_FORMAT = 'nhi-guard-build-2';

/** The entrypoint of one rule package: evaluated alone when the aggregator fails, to name the rule at fault. */
export function ruleEntrypoint(pkg: string): string {
  return `nhi/rules/${pkg}/findings`;
}

const PACKAGE_LINE = /^[ \t]*package[ \t]+nhi\.rules\.([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:#.*)?$/m;
const FINDINGS_HEAD = /^[ \t]*findings[ \t]*(?:contains\b|:=|=|\[|if\b)/m;

/**
 * Rule packages that define `findings`, read from the package clause of each policy file. The
 * compiled bundle gets one entrypoint per package besides the aggregator.
 */
export async function rulePackages(files: PolicyFile[]): Promise<string[]> {
  const pkgs = new Set<string>();
  for (const f of files) {
    if (!f.path.endsWith('.rego') || f.path.endsWith('_test.rego')) continue;
    const text = await fs.readFile(f.path, 'utf8');
    const m = PACKAGE_LINE.exec(text);
    if (m && FINDINGS_HEAD.test(text)) pkgs.add(m[1]!);
  }
  return [...pkgs].sort();
}
const MAX_POLICY_FILES = 10_000;

export interface PolicyFile {
  /** Absolute path. */
  path: string;
  /** Key used in the hash: folder index and path relative to it. */
  key: string;
}

export interface CompiledPack {
  hash: string;
  dir: string;
  wasm: Uint8Array;
  /** data.json of the bundle (all data files of the policy folders merged by opa). */
  data: Record<string, unknown>;
  rules: RuleMeta[];
  opaVersion: string;
  cacheHit: boolean;
}

export function defaultCacheRoot(): string {
  if (process.env.NHI_GUARD_CACHE_DIR) return path.resolve(process.env.NHI_GUARD_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'nhi-guard');
}

/** Lists .rego and data files of the policy folders, following no symlink loops. */
export async function collectPolicyFiles(dirs: string[]): Promise<PolicyFile[]> {
  const out: PolicyFile[] = [];
  for (const [i, dir] of dirs.entries()) {
    const root = path.resolve(dir);
    let st;
    try {
      st = await fs.stat(root);
    } catch {
      throw new UserError('policy folder does not exist', { file: dir });
    }
    if (!st.isDirectory()) throw new UserError('is not a folder (--policy-dir expects a folder of .rego files)', { file: dir });
    const seen = new Set<string>();
    const walk = async (d: string): Promise<void> => {
      let real: string;
      try {
        real = await fs.realpath(d);
      } catch {
        throw new UserError('cannot resolve (broken or looping symbolic link)', { file: d });
      }
      if (seen.has(real)) return; // a symlink loop or a second link to the same folder
      seen.add(real);
      const entries = await fs.readdir(d, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const p = path.join(d, e.name);
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        if (e.isSymbolicLink()) {
          try {
            const t = await fs.stat(p);
            isDir = t.isDirectory();
            isFile = t.isFile();
          } catch {
            throw new UserError('cannot resolve (broken or looping symbolic link)', { file: p });
          }
        }
        if (isDir) await walk(p);
        else if (isFile && (e.name.endsWith('.rego') || e.name === 'data.json' || e.name === 'data.yaml')) {
          out.push({ path: p, key: `${i}:${path.relative(root, p).split(path.sep).join('/')}` });
          if (out.length > MAX_POLICY_FILES) throw new UserError(`more than ${MAX_POLICY_FILES} policy files`, { file: dir });
        }
      }
    };
    await walk(root);
  }
  return out;
}

export async function hashPack(files: PolicyFile[], opaVersion: string): Promise<string> {
  const h = createHash('sha256');
  h.update(`${BUILD_FORMAT}\0opa ${opaVersion}\0${ENTRYPOINT}\0`);
  for (const f of files) {
    // Test files are not compiled into the bundle and do not change it.
    if (f.path.endsWith('_test.rego')) continue;
    h.update(f.key);
    h.update('\0');
    h.update(await fs.readFile(f.path));
    h.update('\0');
  }
  return h.digest('hex');
}

async function loadCached(dir: string, hash: string, opaVersion: string, cacheHit: boolean): Promise<CompiledPack> {
  const [wasm, dataText, rulesText] = await Promise.all([
    fs.readFile(path.join(dir, 'policy.wasm')),
    fs.readFile(path.join(dir, 'data.json'), 'utf8'),
    fs.readFile(path.join(dir, 'rules.json'), 'utf8'),
  ]);
  // A truncated or overwritten module is caught here (the magic number and a plausible size); opa-wasm checks the rest.
  if (wasm.length < 1024 || !wasm.subarray(0, 4).equals(Buffer.from([0x00, 0x61, 0x73, 0x6d]))) throw new EngineError(`damaged cache entry ${dir}: policy.wasm is not WebAssembly`);
  return {
    hash,
    dir,
    wasm,
    data: JSON.parse(dataText) as Record<string, unknown>,
    rules: JSON.parse(rulesText) as RuleMeta[],
    opaVersion,
    cacheHit,
  };
}

/** Turns opa's multi-line compiler output into one line naming the first file and problem. */
export function opaProblem(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const located = lines.find((l) => /\.rego:\d+/.test(l));
  return oneLine(located ?? lines[0] ?? 'opa failed without a message')
    .replace(/^error:\s*/, '')
    .replace(/^load error:\s*/, '')
    .replace(/^\d+ errors? occurred( during loading)?:\s*/, '');
}

export interface CompileOptions {
  policyDirs: string[];
  cacheRoot?: string;
  /** Ignore the cache and rebuild. */
  force?: boolean;
}

export async function compilePack(opts: CompileOptions): Promise<CompiledPack> {
  const opa = findOpa();
  const files = await collectPolicyFiles(opts.policyDirs);
  if (!files.some((f) => f.path.endsWith('.rego') && !f.path.endsWith('_test.rego'))) {
    throw new UserError('no .rego policy files found', { file: opts.policyDirs.join(', ') });
  }
  const hash = await hashPack(files, opa.version);
  const cacheRoot = opts.cacheRoot ?? defaultCacheRoot();
  const dir = path.join(cacheRoot, hash);
  let damaged = false;
  if (!opts.force && existsSync(path.join(dir, 'rules.json'))) {
    try {
      return await loadCached(dir, hash, opa.version, true);
    } catch {
      // A damaged cache entry is rebuilt below, and replaced.
      damaged = true;
    }
  }

  await fs.mkdir(cacheRoot, { recursive: true });
  const tmp = path.join(cacheRoot, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(tmp);
  try {
    const bundle = path.join(tmp, 'bundle.tar.gz');
    const entrypoints = [ENTRYPOINT, ...(await rulePackages(files)).map(ruleEntrypoint)].flatMap((e) => ['-e', e]);
    const args = ['build', '-t', 'wasm', ...entrypoints, '--ignore', '*_test.rego', '-o', bundle, ...opts.policyDirs.map((d) => path.resolve(d))];
    try {
      await execFileP(opa.path, args, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
    } catch (e) {
      // opa prints compile errors on stdout, other failures on stderr.
      const out = e as { stdout?: string; stderr?: string; message?: string };
      const text = [out.stderr, out.stdout].filter((s) => s && s.trim()).join('\n') || String(out.message);
      throw new UserError(`policy compilation failed: ${opaProblem(text)}`);
    }
    const extracted = path.join(tmp, 'bundle');
    await fs.mkdir(extracted);
    await tar.x({ file: bundle, cwd: extracted, filter: (p) => /(^|\/)(policy\.wasm|data\.json)$/.test(p) });
    let inspectOut: string;
    try {
      ({ stdout: inspectOut } = await execFileP(opa.path, ['inspect', '-a', '--format', 'json', bundle], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }));
    } catch (e) {
      throw new EngineError(`opa inspect failed: ${opaProblem(String((e as { stderr?: string }).stderr ?? e))}`);
    }
    const rules = rulesFromInspect(JSON.parse(inspectOut), files);
    await fs.rename(path.join(extracted, 'policy.wasm'), path.join(tmp, 'policy.wasm'));
    const dataFile = path.join(extracted, 'data.json');
    await fs.writeFile(path.join(tmp, 'data.json'), existsSync(dataFile) ? await fs.readFile(dataFile) : '{}');
    await fs.writeFile(path.join(tmp, 'rules.json'), JSON.stringify(rules, null, 2));
    await fs.rm(extracted, { recursive: true, force: true });
    await fs.rm(bundle, { force: true });
    try {
      await fs.rename(tmp, dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Another run built the same hash first: theirs is identical, use it.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      if (opts.force || damaged) {
        await fs.rm(dir, { recursive: true, force: true });
        // A concurrent run may have put its own (identical) build there meanwhile: keep theirs.
        await fs.rename(tmp, dir).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
        });
      }
    }
    return await loadCached(dir, hash, opa.version, false);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
