import { cpSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePack, hashPack, collectPolicyFiles, ruleEntrypoint } from '../../checks/engine/build.js';
import { WasmPolicy } from '../../checks/engine/wasm.js';
import { BUILTIN_POLICY_DIR, loadEngine } from '../../checks/engine/index.js';
import { UserError } from '../../checks/errors.js';
import { check } from '../../checks/schemas/index.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'nhi-build-'));

const userRule = (meta: string, pkg = 'hospital_001') => `# METADATA
# title: Hospital rule
${meta}
package nhi.rules.${pkg}

findings contains {"resource": i.id, "identity": i.id, "message": "custom rule fired on this identity"} if {
	some i in input.inventory.identities
	i.name == "flagged"
}
`;

describe('policy pack build and cache', () => {
  it('compiles once, then hits the cache; a source change rebuilds', async () => {
    const cacheRoot = tmp();
    const policies = path.join(tmp(), 'policies');
    cpSync(BUILTIN_POLICY_DIR, policies, { recursive: true });
    const first = await compilePack({ policyDirs: [policies], cacheRoot });
    expect(first.cacheHit).toBe(false);
    expect(first.rules.map((r) => r.id)).toContain('NHI-LP-001');
    const second = await compilePack({ policyDirs: [policies], cacheRoot });
    expect(second.cacheHit).toBe(true);
    expect(second.hash).toBe(first.hash);
    const f = path.join(policies, 'rules', 'own', 'own_001.rego');
    writeFileSync(f, readFileSync(f, 'utf8') + '\n# edited\n');
    const third = await compilePack({ policyDirs: [policies], cacheRoot });
    expect(third.cacheHit).toBe(false);
    expect(third.hash).not.toBe(first.hash);
  });

  it('a test file change does not change the bundle hash, a data change does', async () => {
    const policies = path.join(tmp(), 'policies');
    cpSync(BUILTIN_POLICY_DIR, policies, { recursive: true });
    const h0 = await hashPack(await collectPolicyFiles([policies]), '1.0.0');
    writeFileSync(path.join(policies, 'main_test.rego'), readFileSync(path.join(policies, 'main_test.rego'), 'utf8') + '\n# x\n');
    expect(await hashPack(await collectPolicyFiles([policies]), '1.0.0')).toBe(h0);
    const data = JSON.parse(readFileSync(path.join(policies, 'data.json'), 'utf8'));
    data.nhi.config.dormantDays = 60;
    writeFileSync(path.join(policies, 'data.json'), JSON.stringify(data));
    expect(await hashPack(await collectPolicyFiles([policies]), '1.0.0')).not.toBe(h0);
    expect(await hashPack(await collectPolicyFiles([policies]), '1.1.0')).not.toBe(h0);
  });

  it('runs a user rule directory through the same aggregator', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'hospital.rego'), userRule('# custom:\n#   id: HOSP-IAM-001\n#   severity: medium'));
    const engine = await loadEngine({ policyDirs: [dir], cacheRoot: tmp() });
    expect(engine.rules.map((r) => r.id)).toContain('HOSP-IAM-001');
    const input = {
      source: 'synth',
      now: '2026-11-22T00:00:00Z',
      inventory: {
        identities: [
          {
            id: 'x',
            name: 'flagged',
            kind: 'role',
            policies: [],
            governance: { owner: 'a', expiry: { valid: true, raw: '2027-01-01', daysLeft: 40 } },
            change: 'create',
          },
        ],
        policies: [],
        credentials: [],
      },
    };
    const found = engine.evaluate(input).filter((f) => f.ruleId === 'HOSP-IAM-001');
    expect(found).toEqual([{ ruleId: 'HOSP-IAM-001', severity: 'medium', resource: 'x', identity: 'x', message: 'custom rule fired on this identity' }]);
  });

  it.each([
    ['no id', '# custom:\n#   severity: high', /custom\.id is missing/],
    ['no severity', '# custom:\n#   id: HOSP-IAM-002', /custom\.severity is missing/],
    ['bad severity', '# custom:\n#   id: HOSP-IAM-003\n#   severity: urgent', /"urgent" is not one of/],
    ['bad source', '# custom:\n#   id: HOSP-IAM-004\n#   severity: low\n#   sources: [terraform]', /sources has "terraform"/],
    ['voidsWaivers not a boolean', '# custom:\n#   id: HOSP-IAM-005\n#   severity: low\n#   voidsWaivers: "yes"', /custom\.voidsWaivers must be true or false/],
  ])('a user rule with %s is an error naming the file', async (_n, meta, re) => {
    const dir = tmp();
    const file = path.join(dir, 'bad.rego');
    writeFileSync(file, userRule(meta));
    const err = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR, dir], cacheRoot: tmp() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).line()).toMatch(re);
    expect((err as UserError).line()).toContain(file);
  });

  it('a rule registers from its METADATA alone: its findings are an entrypoint of their own, whatever the text looks like', async () => {
    const dir = tmp();
    const file = path.join(dir, 'own.rego');
    // A package clause in the bracket form: a scan of the Rego text for `package nhi.rules.<name>` did not see this rule.
    writeFileSync(file, userRule('# custom:\n#   id: HOSP-IAM-009\n#   severity: low', '["hospital_009"]').replace('nhi.rules.[', 'nhi.rules['));
    const pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR, dir], cacheRoot: tmp() });
    expect(pack.rules.find((r) => r.id === 'HOSP-IAM-009')).toMatchObject({ package: 'hospital_009', severity: 'low', file });
    const policy = await WasmPolicy.load(pack.wasm, pack.data);
    const input = { source: 'synth', inventory: { identities: [{ id: 'x', name: 'flagged' }] } };
    expect(policy.evaluate(input, ruleEntrypoint('hospital_009'))).toEqual([{ resource: 'x', identity: 'x', message: 'custom rule fired on this identity' }]);
  });

  it('a rule package without a findings set is an error naming the rule and its file', async () => {
    const dir = tmp();
    const file = path.join(dir, 'typo.rego');
    writeFileSync(file, userRule('# custom:\n#   id: HOSP-IAM-008\n#   severity: low').replace('findings contains', 'finding contains'));
    const err = (await compilePack({ policyDirs: [BUILTIN_POLICY_DIR, dir], cacheRoot: tmp() }).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.line()).toBe(`${file}: rule HOSP-IAM-008: package nhi.rules.hospital_001 defines no findings set`);
  });

  it('a Rego syntax error names the file and line', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'broken.rego'), 'package nhi.rules.broken\n\nfindings contains x if {\n');
    const err = (await compilePack({ policyDirs: [BUILTIN_POLICY_DIR, dir], cacheRoot: tmp() }).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.line()).toMatch(/policy compilation failed: .*broken\.rego:\d+/);
    expect(err.line()).not.toContain('\n');
  });

  it('the shipped policy data validates against its schema', () => {
    const data = JSON.parse(readFileSync(path.join(BUILTIN_POLICY_DIR, 'data.json'), 'utf8'));
    expect(check('policyData', data.nhi.config)).toBeNull();
    expect(check('policyData', { ...data.nhi.config, rotationMaxDays: 0 })).toEqual({ path: '$.rotationMaxDays', problem: 'must be >= 1' });
  });
});
