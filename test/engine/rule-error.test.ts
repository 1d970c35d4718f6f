/**
 * A rule that raises an error at evaluation time (here: a complete rule with two values, which the
 * WASM runtime aborts on) must not take the pack down with it, nor pass silently: the other rules
 * still decide and the failing rule becomes an error finding that names it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { BIN, runCli, runNode } from '../support/cli.js';
import { ESTATE_PLAN } from '../support/estate.js';

type Json = any;

const CONFLICTING = `# METADATA
# title: Primary owner of the estate
# description: A user rule with a bug - it assumes every input has one owner.
# custom:
#   id: ACME-OWN-100
#   severity: high
#   sources: [plan]
#   remediation: Fix the rule.
package nhi.rules.acme_primary_owner

# Two identities with different owners give this complete rule two values: an evaluation error.
primary := owner if {
	some i in input.inventory.identities
	owner := i.governance.owner
}

findings contains {"resource": "x", "identity": null, "message": sprintf("primary owner %s", [primary])} if primary == "nobody"
`;

const HEALTHY = `# METADATA
# title: Every plan names its identities
# custom:
#   id: ACME-INV-001
#   severity: info
#   sources: [plan]
#   remediation: Nothing to do.
package nhi.rules.acme_count

findings contains {"resource": i.id, "identity": i.id, "message": "identity seen"} if {
	some i in input.inventory.identities
}
`;

describe('a rule that fails at evaluation time', () => {
  it('becomes an error finding naming the rule, and every other rule still reports', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-user-rules-'));
    writeFileSync(path.join(dir, 'primary.rego'), CONFLICTING);
    writeFileSync(path.join(dir, 'count.rego'), HEALTHY);

    const plain = await runCli(['check', '--plan', ESTATE_PLAN, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    const base = JSON.parse(plain.stdout);

    const r = await runCli(['check', '--plan', ESTATE_PLAN, '--policy-dir', dir, '--format', 'json', '--fail-on', 'high', '--now', '2026-11-22']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(check('findings', doc)).toBeNull();
    const errors = doc.findings.filter((f: Json) => f.ruleId === 'ACME-OWN-100');
    expect(errors).toHaveLength(1);
    expect(errors[0].severity).toBe('high');
    expect(errors[0].resource).toMatchObject({ type: 'policy-rule', name: 'acme_primary_owner', file: path.join(dir, 'primary.rego') });
    expect(errors[0].message).toMatch(/^rule ACME-OWN-100 failed on this input, so its result is unknown: .*primary\.rego:\d+:\d+: var assignment conflict$/);
    // The built-in pack and the healthy user rule decided as before.
    const builtin = (d: Json) => d.findings.filter((f: Json) => f.ruleId.startsWith('NHI-')).map((f: Json) => `${f.ruleId} ${f.resource.address}`);
    expect(builtin(doc)).toEqual(builtin(base));
    expect(doc.findings.filter((f: Json) => f.ruleId === 'ACME-INV-001').length).toBe(base.summary.identities);
    // An unknown result never passes the gate.
    expect(r.code).toBe(1);
  });

  // Two user rules that each allocate some 80 MB of WASM memory: alone each fits under a 112 MB
  // bound, together (the whole pack in one evaluation) they do not.
  const hungry = (n: number) => `# METADATA
# title: Memory ${n}
# custom:
#   id: ACME-MEM-00${n}
#   severity: info
#   sources: [plan]
#   remediation: Nothing to do.
package nhi.rules.acme_mem_${n}

findings contains {"resource": i.id, "identity": i.id, "message": "seen"} if {
	count([x | some x in numbers.range(1, 300000)]) > 0
	some i in input.inventory.identities
}
`;

  it('when the whole pack exceeds a bound of the WASM runtime that every rule alone stays within, the rules decide one by one: the same findings', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-user-rules-'));
    writeFileSync(path.join(dir, 'mem1.rego'), hungry(1));
    writeFileSync(path.join(dir, 'mem2.rego'), hungry(2));
    const args = ['check', '--plan', ESTATE_PLAN, '--policy-dir', dir, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22'];
    const free = await runNode([BIN, ...args]);
    // A process of its own: the bound is read from the process environment when the engine loads.
    const bounded = await runNode([BIN, ...args], { NHI_GUARD_WASM_MAX_MB: '112', NHI_GUARD_DEBUG: '1' });
    // The whole pack did fail under the bound (the debug line says so), and nothing was lost.
    expect(bounded.stderr).toMatch(
      /^nhi-guard: debug: the pack failed as a whole \(policy evaluation failed: opa_malloc: failed\); every rule alone decided$/m,
    );
    const key = (d: Json) => d.findings.map((f: Json) => `${f.ruleId} ${f.resource.address ?? f.resource.name} ${f.message}`).sort();
    const a = JSON.parse(free.stdout);
    const b = JSON.parse(bounded.stdout);
    expect(check('findings', b)).toBeNull();
    expect(key(b)).toEqual(key(a));
    expect(a.findings.filter((f: Json) => f.ruleId === 'ACME-MEM-002').length).toBe(a.summary.identities);
    expect(key(a).some((k: string) => k.includes('failed on this input'))).toBe(false);
    expect(bounded.code).toBe(free.code);
    // A bound one rule alone exceeds: that rule is an error finding, the others decide.
    const tight = await runNode([BIN, ...args], { NHI_GUARD_WASM_MAX_MB: '64' });
    const c = JSON.parse(tight.stdout);
    expect(c.findings.filter((f: Json) => f.ruleId.startsWith('ACME-MEM-')).map((f: Json) => f.message)).toEqual([
      expect.stringMatching(/^rule ACME-MEM-00[12] failed on this input, so its result is unknown: opa_malloc: failed$/),
      expect.stringMatching(/^rule ACME-MEM-00[12] failed on this input, so its result is unknown: opa_malloc: failed$/),
    ]);
    expect(key(c).filter((k: string) => k.startsWith('NHI-'))).toEqual(key(a).filter((k: string) => k.startsWith('NHI-')));
    const bad = await runNode([BIN, ...args], { NHI_GUARD_WASM_MAX_MB: 'lots' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^nhi-guard: NHI_GUARD_WASM_MAX_MB must be a whole number of megabytes from 16 to 4096, not "lots"\n$/);
  });
});
