/**
 * Compiles the Rego policy pack to WebAssembly with `opa build -t wasm`, one aggregator entrypoint,
 * and caches the result by the hash of the sources, the policy data and the opa version.
 *
 * Cache layout: <cacheRoot>/<hash>/{policy.wasm, data.json, rules.json, sums.json}. A build happens
 * in a temporary folder renamed into place, so concurrent runs never see half a bundle; sums.json
 * holds the SHA-256 of the other three, so an entry damaged later (a truncated disk write, an
 * edit) is found on load and rebuilt. The policy data defaults are validated before an entry is
 * written, so a cache hit needs no schema validation.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineError, UserError, oneLine } from '../errors.js';
import { isObject } from '../io/files.js';
import { rulesFromInspect, type InspectOutput, type RuleMeta } from './metadata.js';
import { defaultCacheRoot, findOpa } from './opaBinary.js';
import { assertValidDefaults } from './policyData.js';

const execFileP = promisify(execFile);

export const ENTRYPOINT = 'nhi/main/findings';
/** Bumped when the build command or cache layout changes. */
const BUILD_FORMAT = 'nhi-guard-build-6';
const ENTRY_FILES = ['policy.wasm', 'data.json', 'rules.json'] as const;
const SUMS = 'sums.json';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** The entrypoint of one rule package: evaluated alone when the aggregator fails, to name the rule at fault. */
export function ruleEntrypoint(pkg: string): string {
  return `nhi/rules/${pkg}/findings`;
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
  /** The pack shipped in the package (dist/pack, built at pack time), not compiled here. */
  shipped?: boolean;
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

/**
 * Rule files are cached by their key (folder index and relative path, as hashed), not their
 * absolute path: the same sources in another folder share the entry, and a finding must name the
 * file of this run, not of the run that built the entry.
 */
export function rulesForCache(rules: RuleMeta[], files: PolicyFile[]): RuleMeta[] {
  return rules.map((r) => ({ ...r, file: files.find((f) => f.path === r.file)?.key ?? r.file }));
}

export function rulesFromCache(rules: RuleMeta[], files: PolicyFile[]): RuleMeta[] {
  return rules.map((r) => ({ ...r, file: files.find((f) => f.key === r.file)?.path ?? r.file }));
}

async function loadCached(dir: string, hash: string, opaVersion: string, cacheHit: boolean, files: PolicyFile[]): Promise<CompiledPack> {
  const [wasm, dataBytes, rulesBytes, sumsText] = await Promise.all([...ENTRY_FILES, SUMS].map((f) => fs.readFile(path.join(dir, f))));
  let sums: unknown;
  try {
    sums = JSON.parse(sumsText!.toString('utf8'));
  } catch {
    throw new EngineError(`damaged cache entry ${dir}: ${SUMS} is not JSON`);
  }
  [wasm, dataBytes, rulesBytes].forEach((bytes, i) => {
    const name = ENTRY_FILES[i]!;
    if (!isObject(sums) || sums[name] !== sha256(bytes!)) throw new EngineError(`damaged cache entry ${dir}: ${name} does not match its checksum`);
  });
  return {
    hash,
    dir,
    wasm: wasm!,
    data: JSON.parse(dataBytes!.toString('utf8')) as Record<string, unknown>,
    rules: rulesFromCache(JSON.parse(rulesBytes!.toString('utf8')) as RuleMeta[], files),
    opaVersion,
    cacheHit,
  };
}

/** Turns opa's multi-line compiler output into one line naming the first file and problem. */
export function opaProblem(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
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
  /**
   * Run opa in this folder with the policy folders relative to it: the module then names files
   * as `policies/...`, not by this machine's paths (the shipped pack is built so, reproducibly).
   */
  sourceRoot?: string;
}

const opaOutput = (e: unknown): string => {
  const out = e as { stdout?: string; stderr?: string; message?: string };
  return [out.stderr, out.stdout].filter((s) => s && s.trim()).join('\n') || String(out.message);
};

/**
 * `opa inspect -a` of each policy folder (opa inspects one path at a time), merged: the packages
 * with their files (made absolute) and every METADATA annotation. Test files are in it too; the
 * metadata reader leaves them out.
 */
async function inspectFolders(opaPath: string, dirArgs: string[], cwd: string | undefined): Promise<InspectOutput> {
  const outs = await Promise.all(
    dirArgs.map(async (d) => {
      let stdout: string;
      try {
        ({ stdout } = await execFileP(opaPath, ['inspect', '-a', '--format', 'json', d], {
          maxBuffer: 64 * 1024 * 1024,
          timeout: 120_000,
          ...(cwd ? { cwd } : {}),
        }));
      } catch (e) {
        throw new UserError(`policy compilation failed: ${opaProblem(opaOutput(e))}`);
      }
      return JSON.parse(stdout) as InspectOutput;
    }),
  );
  const abs = (f: string) => path.resolve(cwd ?? process.cwd(), f);
  const namespaces: Record<string, string[]> = {};
  const annotations: NonNullable<InspectOutput['annotations']> = [];
  for (const o of outs) {
    for (const [ns, nsFiles] of Object.entries(o.namespaces ?? {})) namespaces[ns] = [...(namespaces[ns] ?? []), ...nsFiles.map(abs)];
    for (const a of o.annotations ?? []) annotations.push(a.location?.file ? { ...a, location: { ...a.location, file: abs(a.location.file) } } : a);
  }
  return { namespaces, annotations };
}

/** A rule package without a `findings` set, named with its file (opa names only the entrypoint). */
function noFindingsError(opaText: string, rules: RuleMeta[]): UserError | undefined {
  const m = /entrypoint "nhi\/rules\/([A-Za-z0-9_]+)\/findings" does not refer to a rule/.exec(opaText);
  const rule = m ? rules.find((r) => r.package === m[1]) : undefined;
  if (!rule) return undefined;
  return new UserError(`rule ${rule.id}: package nhi.rules.${rule.package} defines no findings set`, { file: rule.file });
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
  if (!opts.force && existsSync(path.join(dir, SUMS))) {
    try {
      return await loadCached(dir, hash, opa.version, true, files);
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
    const root = opts.sourceRoot;
    const dirArgs = opts.policyDirs.map((d) => (root ? path.relative(root, path.resolve(d)) : path.resolve(d)));
    // The rules, their metadata and so the entrypoints come from the METADATA annotations alone.
    const rules = rulesFromInspect(await inspectFolders(opa.path, dirArgs, root), files);
    const entrypoints = [ENTRYPOINT, ...rules.map((r) => ruleEntrypoint(r.package))].flatMap((e) => ['-e', e]);
    const args = ['build', '-t', 'wasm', ...entrypoints, '--ignore', '*_test.rego', '-o', bundle, ...dirArgs];
    try {
      await execFileP(opa.path, args, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000, ...(root ? { cwd: root } : {}) });
    } catch (e) {
      // opa prints compile errors on stdout, other failures on stderr.
      const text = opaOutput(e);
      throw noFindingsError(text, rules) ?? new UserError(`policy compilation failed: ${opaProblem(text)}`);
    }
    const extracted = path.join(tmp, 'bundle');
    await fs.mkdir(extracted);
    // Loaded only here: a cache hit (almost every run) never extracts a bundle.
    const tar = await import('tar');
    await tar.x({ file: bundle, cwd: extracted, filter: (p) => /(^|\/)(policy\.wasm|data\.json)$/.test(p) });
    await fs.rename(path.join(extracted, 'policy.wasm'), path.join(tmp, 'policy.wasm'));
    const dataFile = path.join(extracted, 'data.json');
    const dataText = existsSync(dataFile) ? await fs.readFile(dataFile, 'utf8') : '{}';
    const data: unknown = JSON.parse(dataText);
    assertValidDefaults(isObject(data) ? data : {});
    const rulesText = JSON.stringify(rulesForCache(rules, files), null, 2);
    await fs.writeFile(path.join(tmp, 'data.json'), dataText);
    await fs.writeFile(path.join(tmp, 'rules.json'), rulesText);
    const wasmBytes = await fs.readFile(path.join(tmp, 'policy.wasm'));
    // Written last: an entry without it is never taken for a complete one.
    await fs.writeFile(
      path.join(tmp, SUMS),
      JSON.stringify({ 'policy.wasm': sha256(wasmBytes), 'data.json': sha256(dataText), 'rules.json': sha256(rulesText) }, null, 2),
    );
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
    return await loadCached(dir, hash, opa.version, false, files);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
