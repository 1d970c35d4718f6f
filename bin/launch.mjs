/**
 * Loads the CLI module. An installed package carries the CLI bundled at pack time in dist/cli/
 * (scripts/build.ts) and no TypeScript sources: that bundle runs, nothing is built on a user's run.
 *
 * In a checkout, the TypeScript sources are bundled with esbuild into checks/.build/ on
 * first use and again whenever one of them is newer than the bundle: a run then starts from one
 * plain ES module instead of compiling some sixty files through tsx (about half a second of every
 * run). Modules only some commands need (the AWS SDK for live collection) stay in chunks of their
 * own, loaded when used. Without esbuild, or with NHI_GUARD_NO_BUNDLE=1, the sources run through tsx.
 *
 * checks/.build/current.json names the bundle folder, the time its build started and its inputs:
 * the sources, and the lock files npm rewrites on every install (dependencies are bundled too, so
 * an upgrade must rebuild). It is replaced atomically, so concurrent runs see either the old
 * bundle or the new one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'checks', 'cli', 'index.ts');
const BUILD = path.join(ROOT, 'checks', '.build');
const CURRENT = path.join(BUILD, 'current.json');
/** The bundle an installed package runs (built by scripts/build.ts at pack time). */
export const DIST_CLI = path.join(ROOT, 'dist', 'cli');
/** Packages left out of the bundle: they read files of their own at run time, or only live collection loads them. */
const EXTERNAL = ['@cloud-copilot/*', 'web-tree-sitter', '@tree-sitter-grammars/*', '@aws-sdk/*', '@smithy/*', 'esbuild', 'tsx', 'tsx/*'];
/** Files whose change means the dependencies or the way of bundling changed (this file). */
const LOCKS = ['package.json', 'package-lock.json', path.join('node_modules', '.package-lock.json'), path.join('bin', 'launch.mjs')];
/** Bundle folders older than this, other than the current one, are removed after a build. */
const KEEP_OLD_MS = 60 * 60 * 1000;

/** The current bundle's entry file when every input is older than its build, else null. */
export function freshBundle() {
  let cur;
  try {
    cur = JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return null;
  }
  if (!cur || typeof cur.dir !== 'string' || typeof cur.builtAt !== 'number' || !Array.isArray(cur.inputs) || cur.inputs.length === 0) return null;
  const entry = path.join(BUILD, path.basename(cur.dir), 'cli.mjs');
  if (!existsSync(entry)) return null;
  for (const input of cur.inputs) {
    try {
      if (statSync(path.join(ROOT, input)).mtimeMs >= cur.builtAt) return null;
    } catch {
      return null; // an input was removed or renamed
    }
  }
  return entry;
}

/** Bundles the CLI into `outdir` (entry cli.mjs, chunks beside it); returns esbuild's metafile. */
export async function bundleCli(outdir) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { cli: ENTRY },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies are bundled too (one module to load instead of hundreds of files), except those
    // that read files of their own package at run time or are loaded only by some commands.
    external: EXTERNAL,
    banner: { js: "import { createRequire as __nhiRequire } from 'node:module'; const require = __nhiRequire(import.meta.url);" },
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** Bundles the CLI into a new folder of checks/.build and makes it current; returns its entry file. */
export async function buildBundle() {
  const builtAt = Date.now();
  const dir = `${builtAt}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const outdir = path.join(BUILD, dir);
  mkdirSync(BUILD, { recursive: true });
  const metafile = await bundleCli(outdir);
  const sources = Object.keys(metafile.inputs).filter((f) => !f.includes('node_modules/'));
  const inputs = [...sources, ...LOCKS.filter((f) => existsSync(path.join(ROOT, f)))];
  const tmp = `${CURRENT}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify({ dir, builtAt, inputs }));
  renameSync(tmp, CURRENT);
  removeOld(dir);
  return path.join(outdir, 'cli.mjs');
}

function removeOld(keep) {
  const now = Date.now();
  for (const name of readdirSync(BUILD)) {
    if (name === keep || name === 'current.json') continue;
    const p = path.join(BUILD, name);
    try {
      if (now - statSync(p).mtimeMs > KEEP_OLD_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // another run removed it first
    }
  }
}

/** The CLI module: `{ main }`. */
export async function loadCli() {
  if (!existsSync(ENTRY)) {
    const dist = path.join(DIST_CLI, 'cli.mjs');
    if (!existsSync(dist)) throw new Error(`nhi-guard is incomplete: neither its sources (${ENTRY}) nor its bundle (${dist}) exist; reinstall it`);
    return import(pathToFileURL(dist).href);
  }
  if (process.env.NHI_GUARD_NO_BUNDLE !== '1') {
    let entry = freshBundle();
    if (!entry) {
      try {
        entry = await buildBundle();
      } catch (e) {
        if (process.env.NHI_GUARD_DEBUG === '1')
          process.stderr.write(`nhi-guard: bundling failed, running the sources through tsx: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
    if (entry) return import(pathToFileURL(entry).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(ENTRY).href);
}
