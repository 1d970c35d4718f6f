import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePlan } from '../../bench/generate.js';
import { loadPlan } from '../../checks/loaders/plan.js';
import { runCheck } from '../../checks/run.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-bench-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZE = 600;
const { plan, stats } = generatePlan({ resources: SIZE, seed: 1 });
const file = path.join(dir, 'plan.json');
writeFileSync(file, JSON.stringify(plan));

describe('bench plan generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const again = generatePlan({ resources: SIZE, seed: 1 });
    expect(JSON.stringify(again.plan)).toBe(JSON.stringify(plan));
    expect(again.stats).toEqual(stats);
    expect(JSON.stringify(generatePlan({ resources: SIZE, seed: 2 }).plan)).not.toBe(JSON.stringify(plan));
  });

  it('has the shape of `terraform show -json` of a plan', () => {
    expect(plan.format_version).toBe('1.2');
    const changes = plan.resource_changes as Array<{ address: string; change: { actions: string[] } }>;
    expect(changes).toHaveLength(stats.resourceChanges);
    expect(stats.resourceChanges).toBeGreaterThanOrEqual(SIZE);
    expect(stats.resourceChanges).toBeLessThan(SIZE + 10);
    expect(new Set(changes.map((c) => c.address)).size).toBe(changes.length);
    // Mostly existing resources, and every kind of change a real plan has.
    for (const a of ['no-op', 'update', 'create', 'delete', 'replace']) expect(stats.byAction[a], a).toBeGreaterThan(0);
    expect(stats.byAction['no-op']! / stats.resourceChanges).toBeGreaterThan(0.6);
    const pv = (plan.planned_values as { root_module: { child_modules: unknown[] } }).root_module;
    expect(pv.child_modules.length).toBe(stats.moduleInstances);
    expect(plan.prior_state).toBeDefined();
    expect((plan.configuration as { root_module: { module_calls: Record<string, unknown> } }).root_module.module_calls.integrations).toBeDefined();
  });

  it('loads with loadPlan into the expected identities, credentials, data stores and unknowns', async () => {
    const inv = await loadPlan(file);
    expect(inv.identities).toHaveLength(stats.identities);
    expect(inv.identities.filter((i) => i.kind === 'role')).toHaveLength(stats.roles);
    expect(inv.identities.filter((i) => i.kind === 'user')).toHaveLength(stats.users);
    expect(inv.credentials.filter((c) => c.kind === 'access-key')).toHaveLength(stats.accessKeys);
    expect(inv.credentials.filter((c) => c.kind === 'secret')).toHaveLength(stats.secrets);
    expect(inv.dataStores).toHaveLength(stats.dataStores);
    expect(stats.unknownPolicyDocuments).toBeGreaterThan(0);
    expect(inv.unknowns.filter((u) => u.what === 'policy-document')).toHaveLength(stats.unknownPolicyDocuments);
    // Module instances keep their full addresses.
    expect(inv.identities.some((i) => i.origin.address?.startsWith('module.integrations["int-'))).toBe(true);
  });

  it('contains realistic violations that the check finds, and never prints the fake secret values', async () => {
    expect(stats.violatingUnits).toBeGreaterThan(0);
    const { document } = await runCheck({ sources: [{ kind: 'plan', path: file }], now: new Date('2026-11-22T00:00:00Z') });
    const rules = new Set(document.findings.map((f) => f.ruleId));
    expect(document.findings.length).toBeGreaterThan(10);
    for (const id of ['NHI-ROT-003', 'NHI-UNK-001']) expect(rules, id).toContain(id);
    expect(rules.size).toBeGreaterThanOrEqual(6);
    const text = JSON.stringify(document);
    for (const secret of ['FAKE-LITERAL-IN-CODE', 'FAKE-GENERATED-NOT-A-SECRET', 'FAKE-NOT-A-SECRET', 'FAKE-DB-PASSWORD']) expect(text).not.toContain(secret);
  });
});
