import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePack, ENTRYPOINT, type CompiledPack } from '../../checks/engine/build.js';
import { BUILTIN_POLICY_DIR } from '../../checks/engine/index.js';
import { WasmPolicy } from '../../checks/engine/wasm.js';
import { EngineError } from '../../checks/errors.js';

let pack: CompiledPack;
beforeAll(async () => {
  pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR] });
});

describe('opa-wasm adapter', () => {
  it('turns a bad module into a typed error', async () => {
    await expect(WasmPolicy.load(new Uint8Array([0, 97, 115, 109, 9, 9]), {})).rejects.toBeInstanceOf(EngineError);
  });

  it('names an unknown entrypoint', async () => {
    const p = await WasmPolicy.load(pack.wasm, pack.data);
    expect(() => p.evaluate({}, 'nhi/other')).toThrow(/entrypoint nhi\/other is not in the compiled policy/);
  });

  it('accepts pre-serialized JSON and objects alike', async () => {
    const p = await WasmPolicy.load(pack.wasm, { ...pack.data, nhi: { ...(pack.data.nhi as object), meta: {} } });
    const input = { source: 'synth', now: '2026-11-22T00:00:00Z', inventory: { identities: [] } };
    expect(p.evaluate(JSON.stringify(input), ENTRYPOINT)).toEqual([]);
    expect(p.evaluate(input, ENTRYPOINT)).toEqual([]);
  });

  it('turns a runtime error of a rule into a typed error, not a bare string', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-conflict-'));
    writeFileSync(
      path.join(dir, 'conflict.rego'),
      `# METADATA
# title: Conflicting rule
# custom:
#   id: TEST-CONFLICT-001
#   severity: low
package nhi.rules.conflict

level := 1 if input.source
level := 2 if input.source

findings contains {"resource": "r", "identity": null, "message": sprintf("level %d", [level])} if true
`,
    );
    const broken = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR, dir], cacheRoot: mkdtempSync(path.join(os.tmpdir(), 'nhi-c-')) });
    const p = await WasmPolicy.load(broken.wasm, {
      ...broken.data,
      nhi: { ...(broken.data.nhi as object), meta: { conflict: { id: 'TEST-CONFLICT-001', severity: 'low', sources: ['synth'] } } },
    });
    let caught: unknown;
    try {
      p.evaluate({ source: 'synth', inventory: {} }, ENTRYPOINT);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as Error).message).toMatch(/policy evaluation failed: .*conflict/i);
  });

  it('ships the compiled wasm module and rule metadata in the cache entry', () => {
    expect(readFileSync(path.join(pack.dir, 'policy.wasm')).subarray(0, 4)).toEqual(Buffer.from([0, 97, 115, 109]));
    expect(JSON.parse(readFileSync(path.join(pack.dir, 'rules.json'), 'utf8')).length).toBe(pack.rules.length);
  });
});
