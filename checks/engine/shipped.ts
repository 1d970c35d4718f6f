/**
 * The shipped pack: the default policy pack compiled at pack time (scripts/build.ts, run by
 * `prepack`) into dist/pack/, so that an installed nhi-guard checks with Node.js alone (no opa, no
 * Go, no network). Never committed: a checkout has no dist/pack until `npm run build`.
 *
 * dist/pack/{policy.wasm, rules.json, data.json, manifest.json}. manifest.json holds the SHA-256 of
 * the other three, checked at every load (a damaged or edited pack is an error, never evaluated),
 * and `sourcesHash`: the cache key of policies/ (hashPack with the pinned opa). A pack whose
 * sourcesHash is not that of the policies/ beside it (a rule changed in a checkout since the last
 * build) is not used: the sources are compiled with opa as before.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ENTRYPOINT, hashPack, rulesForCache, rulesFromCache, type CompiledPack, type PolicyFile } from './build.js';
import type { RuleMeta } from './metadata.js';
import { OPA_VERSION, PROJECT_ROOT } from './opaBinary.js';
import { UserError } from '../errors.js';
import { isObject } from '../io/files.js';

export const SHIPPED_PACK_DIR = path.join(PROJECT_ROOT, 'dist', 'pack');
export const MANIFEST = 'manifest.json';
const PACK_FORMAT = 'nhi-guard-pack-1';
const PACK_FILES = ['policy.wasm', 'rules.json', 'data.json'] as const;

export interface PackManifest {
  format: typeof PACK_FORMAT;
  entrypoint: string;
  opaVersion: string;
  /** hashPack of the policy sources with the pinned opa: the same key as the compile cache's. */
  sourcesHash: string;
  /** SHA-256 (hex) of each file of the pack. */
  files: Record<(typeof PACK_FILES)[number], string>;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** The hash a shipped pack of these sources carries: the compile cache's key with the pinned opa. */
export function sourcesHash(files: PolicyFile[]): Promise<string> {
  return hashPack(files, OPA_VERSION);
}

/**
 * Writes a compiled pack of the built-in policies as a shipped pack into `outDir` (replaced
 * atomically: a run never sees half a pack). Rule files are stored relative to their policy folder.
 */
export async function writeShippedPack(pack: CompiledPack, files: PolicyFile[], outDir: string): Promise<PackManifest> {
  const rulesText = JSON.stringify(rulesForCache(pack.rules, files), null, 2) + '\n';
  const dataText = JSON.stringify(pack.data, null, 2) + '\n';
  const manifest: PackManifest = {
    format: PACK_FORMAT,
    entrypoint: ENTRYPOINT,
    opaVersion: pack.opaVersion,
    sourcesHash: await sourcesHash(files),
    files: { 'policy.wasm': sha256(pack.wasm), 'rules.json': sha256(rulesText), 'data.json': sha256(dataText) },
  };
  const manifestText = JSON.stringify(manifest, null, 2) + '\n';
  // An identical pack in place is left alone: a run reading it meanwhile never finds it half replaced.
  if (await samePack(outDir, manifestText, manifest)) return manifest;
  const parent = path.dirname(path.resolve(outDir));
  await fs.mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.pack-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(tmp);
  try {
    await fs.writeFile(path.join(tmp, 'policy.wasm'), pack.wasm);
    await fs.writeFile(path.join(tmp, 'rules.json'), rulesText);
    await fs.writeFile(path.join(tmp, 'data.json'), dataText);
    await fs.writeFile(path.join(tmp, MANIFEST), manifestText);
    await fs.rm(outDir, { recursive: true, force: true });
    await fs.rename(tmp, outDir);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return manifest;
}

async function samePack(dir: string, manifestText: string, manifest: PackManifest): Promise<boolean> {
  try {
    if ((await fs.readFile(path.join(dir, MANIFEST), 'utf8')) !== manifestText) return false;
    for (const f of PACK_FILES) if (sha256(await fs.readFile(path.join(dir, f))) !== manifest.files[f]) return false;
    return true;
  } catch {
    return false;
  }
}

function damaged(dir: string, problem: string): UserError {
  return new UserError(
    `the shipped policy pack is damaged: ${problem}; reinstall nhi-guard (in a checkout: npm run build, or remove dist/pack to compile policies/ with opa)`,
    { file: dir },
  );
}

function parseManifest(text: string, dir: string): PackManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw damaged(dir, `${MANIFEST} is not JSON`);
  }
  if (
    !isObject(m) ||
    m.format !== PACK_FORMAT ||
    typeof m.sourcesHash !== 'string' ||
    typeof m.opaVersion !== 'string' ||
    m.entrypoint !== ENTRYPOINT ||
    !isObject(m.files)
  ) {
    throw damaged(dir, `${MANIFEST} is not a ${PACK_FORMAT} manifest`);
  }
  for (const f of PACK_FILES) if (typeof m.files[f] !== 'string') throw damaged(dir, `${MANIFEST} has no SHA-256 for ${f}`);
  return m as unknown as PackManifest;
}

/**
 * The shipped pack in `dir`, verified, when it was built from exactly these sources (`files`, the
 * built-in policy folder as collected; null when the package carries no sources). Null when there
 * is no shipped pack or it was built from other sources. A pack whose files do not match their
 * hashes is a UserError (exit 2).
 */
export async function loadShippedPack(files: PolicyFile[] | null, dir: string = SHIPPED_PACK_DIR): Promise<CompiledPack | null> {
  let manifestText: string;
  try {
    manifestText = await fs.readFile(path.join(dir, MANIFEST), 'utf8');
  } catch {
    return null; // no shipped pack (a checkout before `npm run build`)
  }
  const manifest = parseManifest(manifestText, dir);
  if (files && manifest.sourcesHash !== (await sourcesHash(files))) return null;
  const bytes = await Promise.all(
    PACK_FILES.map((f) =>
      fs.readFile(path.join(dir, f)).catch(() => {
        throw damaged(dir, `${f} is missing`);
      }),
    ),
  );
  PACK_FILES.forEach((f, i) => {
    if (sha256(bytes[i]!) !== manifest.files[f]) throw damaged(dir, `${f} does not match its SHA-256 in ${MANIFEST}`);
  });
  const [wasm, rulesBytes, dataBytes] = bytes as [Buffer, Buffer, Buffer];
  const rules = JSON.parse(rulesBytes.toString('utf8')) as RuleMeta[];
  return {
    hash: manifest.sourcesHash,
    dir,
    wasm,
    data: JSON.parse(dataBytes.toString('utf8')) as Record<string, unknown>,
    rules: files ? rulesFromCache(rules, files) : rules,
    opaVersion: manifest.opaVersion,
    cacheHit: true,
    shipped: true,
  };
}
