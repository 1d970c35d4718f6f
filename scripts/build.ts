/**
 * Builds what the npm package ships (run by `prepack` and `npm run build`; dist/ is never committed):
 *   dist/pack/  the default policy pack compiled to WebAssembly with the pinned opa, its rule
 *               metadata, default data and manifest.json with their SHA-256 (checks/engine/shipped.ts)
 *   dist/cli/   the CLI bundled with esbuild (bin/launch.mjs bundleCli), so no tsx or esbuild runs
 *               on a user's machine
 * The pack is compiled fresh (a cache folder of its own), so a damaged user cache cannot leak into a
 * release, and from policies/ as a relative path, so the module names no path of the build machine
 * and two builds of the same sources are byte-identical. opa must be the pinned version: the
 * manifest's source hash names it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleCli, DIST_CLI } from '../bin/launch.mjs';
import { collectPolicyFiles, compilePack } from '../checks/engine/build.js';
import { BUILTIN_POLICY_DIR } from '../checks/engine/index.js';
import { findOpa, OPA_VERSION, opaInstallHint, PROJECT_ROOT } from '../checks/engine/opaBinary.js';
import { SHIPPED_PACK_DIR, writeShippedPack, type PackManifest } from '../checks/engine/shipped.js';
import { UserError } from '../checks/errors.js';

/** Compiles policies/ with the pinned opa and writes the shipped pack into `outDir`. */
export async function buildShippedPack(outDir: string = SHIPPED_PACK_DIR): Promise<PackManifest & { rules: number }> {
  const opa = findOpa();
  if (opa.version !== OPA_VERSION) {
    throw new UserError(`the shipped pack is built with the pinned opa ${OPA_VERSION}, found ${opa.version} at ${opa.path}; ${opaInstallHint()}`);
  }
  const cacheRoot = mkdtempSync(path.join(os.tmpdir(), 'nhi-guard-pack-'));
  try {
    const files = await collectPolicyFiles([BUILTIN_POLICY_DIR]);
    const pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR], cacheRoot, sourceRoot: PROJECT_ROOT });
    return { ...(await writeShippedPack(pack, files, outDir)), rules: pack.rules.length };
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
}

export async function buildCliBundle(outDir: string = DIST_CLI): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await bundleCli(outDir);
}

async function main(): Promise<number> {
  try {
    const t0 = performance.now();
    const m = await buildShippedPack();
    await buildCliBundle();
    const rel = (p: string) => path.relative(PROJECT_ROOT, p);
    process.stdout.write(
      `build: ${rel(SHIPPED_PACK_DIR)} (${m.rules} rules, opa ${m.opaVersion}, sources ${m.sourcesHash.slice(0, 12)}) and ${rel(DIST_CLI)} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`build: ${e.line()}\n`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(PROJECT_ROOT, 'scripts', 'build.ts')) process.exitCode = await main();
