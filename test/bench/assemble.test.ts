import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assemblePlan, DEFAULT_MIX, renameAll } from '../../bench/assemble.js';
import { runCheck } from '../../checks/run.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-bench-asm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = new Date('2026-11-22T00:00:00Z');
const FIXTURES = path.resolve('test/fixtures/plans');

async function ruleCounts(file: string, skip: ReadonlySet<string>): Promise<Record<string, number>> {
  const { document } = await runCheck({ sources: [{ kind: 'plan', path: file }], now: NOW });
  const out: Record<string, number> = {};
  // Root-module variables and outputs are not copied: a module instance has none of its own.
  const rootOnly = (a: string | undefined) => a?.startsWith('output.') === true || a?.startsWith('var.') === true;
  for (const f of document.findings) if (!skip.has(f.ruleId) && !rootOnly(f.resource.address)) out[f.ruleId] = (out[f.ruleId] ?? 0) + 1;
  return out;
}

describe('renameAll', () => {
  it('renames whole names only, the Secrets Manager ARN suffix included', () => {
    const text = JSON.stringify({
      a: 'lab-feed',
      b: 'arn:aws:s3:::lab-feed/*',
      c: 'lab-feed-logs',
      d: 'xlab-feed',
      e: 'arn:aws:secretsmanager:us-east-1:1:secret:lab-feed-AbCdEf',
      f: 'lab-feed-AbCdEfG',
    });
    expect(JSON.parse(renameAll(text, ['lab-feed'], '-r1'))).toEqual({
      a: 'lab-feed-r1',
      b: 'arn:aws:s3:::lab-feed-r1/*',
      c: 'lab-feed-logs',
      d: 'xlab-feed',
      e: 'arn:aws:secretsmanager:us-east-1:1:secret:lab-feed-r1-AbCdEf',
      f: 'lab-feed-AbCdEfG',
    });
  });
});

describe('assembled bench plans', () => {
  it('mixes the terraform-produced fixtures into distinct module instances', () => {
    const { plan, stats } = assemblePlan({ resources: 1500 });
    const changes = plan.resource_changes as Array<{ address: string; module_address: string; change: { after: Record<string, unknown> | null } }>;
    expect(changes).toHaveLength(stats.resourceChanges);
    expect(stats.resourceChanges).toBeGreaterThanOrEqual(1500);
    expect(new Set(changes.map((c) => c.address)).size).toBe(changes.length);
    for (const [name] of DEFAULT_MIX) expect(stats.byFixture[name], name).toBeGreaterThan(0);
    expect(changes.every((c) => c.module_address.startsWith('module.replica_'))).toBe(true);
    // Declared role names are distinct across copies.
    const roleNames = changes.filter((c) => c.address.includes('aws_iam_role.') && typeof c.change.after?.name === 'string').map((c) => c.change.after!.name);
    expect(roleNames.length).toBeGreaterThan(100);
    expect(new Set(roleNames).size).toBe(roleNames.length);
  });

  // Copies of one fixture are independent: their findings are the fixture's, times the copies.
  // Except what counts across the whole plan: NHI-LP-011 (a PHI store reachable by more identities
  // than allowed) rightly sees every copy's Resource "*" grants reach every copy's stores.
  const ACROSS_COPIES = new Set(['NHI-LP-011']);
  for (const [name] of DEFAULT_MIX) {
    it(`three copies of ${name} find three times what ${name} finds`, async () => {
      const single = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as { resource_changes: unknown[] };
      const { plan, stats } = assemblePlan({ resources: single.resource_changes.length * 3, mix: [[name, 1]] });
      expect(stats.copies).toBe(3);
      const file = path.join(dir, `${name}-x3.json`);
      writeFileSync(file, JSON.stringify(plan));
      const once = await ruleCounts(path.join(FIXTURES, `${name}.json`), ACROSS_COPIES);
      const thrice = await ruleCounts(file, ACROSS_COPIES);
      expect(Object.keys(once).length).toBeGreaterThan(0);
      expect(thrice).toEqual(Object.fromEntries(Object.entries(once).map(([r, n]) => [r, n * 3])));
    });
  }
});
