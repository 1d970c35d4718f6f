/**
 * The shipped pack (dist/pack, built at pack time): loaded only when built from the policies beside
 * it, verified on every load, and evaluated like the pack compiled from the same sources.
 */
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectPolicyFiles, compilePack, type CompiledPack, type PolicyFile } from '../../checks/engine/build.js';
import { BUILTIN_POLICY_DIR } from '../../checks/engine/index.js';
import { loadShippedPack, MANIFEST, writeShippedPack } from '../../checks/engine/shipped.js';
import { UserError } from '../../checks/errors.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'nhi-shipped-'));

describe('the shipped pack', () => {
  let policies: string;
  let files: PolicyFile[];
  let compiled: CompiledPack;
  let packDir: string;

  beforeAll(async () => {
    // A copy of the built-in policies: the tests edit it.
    policies = path.join(tmp(), 'policies');
    cpSync(BUILTIN_POLICY_DIR, policies, { recursive: true });
    files = await collectPolicyFiles([policies]);
    compiled = await compilePack({ policyDirs: [policies] });
    packDir = path.join(tmp(), 'dist', 'pack');
    await writeShippedPack(compiled, files, packDir);
  });

  it('loads as the compiled pack of the same sources: same module, rules (files of this folder) and data', async () => {
    const shipped = await loadShippedPack(files, packDir);
    expect(shipped).not.toBeNull();
    expect(shipped!.shipped).toBe(true);
    expect(Buffer.from(shipped!.wasm).equals(Buffer.from(compiled.wasm))).toBe(true);
    expect(shipped!.rules).toEqual(compiled.rules);
    expect(shipped!.rules.find((r) => r.id === 'NHI-LP-001')!.file).toBe(path.join(policies, 'rules', 'lp', 'lp_001.rego'));
    expect(shipped!.data).toEqual(compiled.data);
    expect(shipped!.hash).toBe(compiled.hash);
    // Rule files are stored relative to the policy folder, never as this machine's paths.
    expect(readFileSync(path.join(packDir, 'rules.json'), 'utf8')).not.toContain(policies);
  });

  it('is not used for other sources (a rule edited since the build): they are compiled instead', async () => {
    const copy = path.join(tmp(), 'policies');
    cpSync(policies, copy, { recursive: true });
    const f = path.join(copy, 'rules', 'own', 'own_001.rego');
    writeFileSync(f, readFileSync(f, 'utf8') + '\n# edited\n');
    expect(await loadShippedPack(await collectPolicyFiles([copy]), packDir)).toBeNull();
    // A test file is not part of the pack: editing one keeps it.
    const copy2 = path.join(tmp(), 'policies');
    cpSync(policies, copy2, { recursive: true });
    writeFileSync(path.join(copy2, 'rules', 'own', 'own_001_test.rego'), '# emptied\n');
    expect(await loadShippedPack(await collectPolicyFiles([copy2]), packDir)).not.toBeNull();
  });

  it('is left in place when rebuilt from the same sources (a reader never finds it half replaced)', async () => {
    const before = statSync(path.join(packDir, 'policy.wasm'));
    await writeShippedPack(compiled, files, packDir);
    const after = statSync(path.join(packDir, 'policy.wasm'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('is absent without a manifest', async () => {
    expect(await loadShippedPack(files, path.join(tmp(), 'none'))).toBeNull();
  });

  it.each([
    ['policy.wasm', (b: Buffer) => Buffer.concat([b, Buffer.from([0])]), /policy\.wasm does not match its SHA-256/],
    ['rules.json', (b: Buffer) => Buffer.from(b.toString('utf8').replace('"critical"', '"low"')), /rules\.json does not match its SHA-256/],
    ['data.json', (b: Buffer) => Buffer.from(b.toString('utf8').replace('90', '9000')), /data\.json does not match its SHA-256/],
    [MANIFEST, () => Buffer.from('{"format": "other"}'), /manifest\.json is not a nhi-guard-pack-1 manifest/],
  ])('a changed %s is a user error (exit 2) naming the file, never evaluated', async (name, change, problem) => {
    const dir = path.join(tmp(), 'pack');
    cpSync(packDir, dir, { recursive: true });
    const file = path.join(dir, name);
    const before = readFileSync(file);
    const after = change(before);
    expect(after.equals(before)).toBe(false);
    writeFileSync(file, after);
    const e = await loadShippedPack(files, dir).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).line()).toMatch(problem);
    expect((e as UserError).line()).toContain('reinstall nhi-guard');
    expect((e as UserError).file).toBe(dir);
  });
});
