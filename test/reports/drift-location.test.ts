/**
 * Where a drift finding points (checks/findings.ts `location`, reports/sarif.ts, reports/github.ts):
 * at the declared statement it is about when the source gives the statement's lines, else at the
 * declared policy's block; the resource stays the identity. The rule side (which statement) is in
 * policies/rules/drift/drift_003_test.rego.
 */
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../checks/engine/index.js';
import { findingsDocument } from '../../checks/findings.js';
import { emptyInventory, type Inventory, type Policy } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { renderGithub } from '../../reports/github.js';
import { renderSarif } from '../../reports/sarif.js';

const ROOT = path.resolve('/repo');
const NOW = new Date('2026-11-22T00:00:00Z');
const origin = (address: string, line: number, endLine: number) => ({
  source: 'plan' as const,
  file: '/repo/plan.json',
  address,
  sourceFile: '/repo/infra/main.tf',
  line,
  endLine,
});
const policy = (declaredAt: boolean): Policy => ({
  id: 'aws_iam_role_policy.read',
  name: 'read',
  type: 'inline',
  document: {
    known: true,
    document: {
      statements: [
        {
          effect: 'Allow',
          actions: ['logs:putlogevents'],
          resources: ['*'],
          conditions: [],
          ...(declaredAt ? { declaredAt: { file: '/repo/infra/policies.tf', line: 12, endLine: 15 } } : {}),
        },
        {
          effect: 'Deny',
          actions: ['s3:getobject'],
          resources: ['arn:aws:s3:::results/restricted/*'],
          conditions: [],
          ...(declaredAt ? { declaredAt: { file: '/repo/infra/policies.tf', line: 16, endLine: 20 } } : {}),
        },
      ],
    },
  },
  change: 'no-op',
  origin: origin('aws_iam_role_policy.read', 30, 34),
});
const declared = (declaredAt: boolean): Inventory => ({
  ...emptyInventory(),
  identities: [
    {
      id: 'aws_iam_role.etl',
      kind: 'role',
      name: 'etl',
      tags: {},
      policies: [{ policy: 'aws_iam_role_policy.read' }],
      groups: [],
      change: 'no-op',
      origin: origin('aws_iam_role.etl', 1, 10),
    },
  ],
  policies: [policy(declaredAt)],
});
const raw = [
  {
    ruleId: 'NHI-DRIFT-003',
    severity: 'high' as const,
    resource: 'aws_iam_role.etl',
    identity: 'aws_iam_role.etl',
    message: 'policy read of role etl no longer denies s3:getobject live',
    evidence: ['aws_iam_role_policy.read'],
    location: 'aws_iam_role_policy.read',
    statement: 1,
  },
];

async function documentFor(declaredAt: boolean) {
  const engine = await loadEngine();
  const inv = declared(declaredAt);
  return findingsDocument({ raw, rules: engine.rules, inventory: inv, source: 'drift', now: NOW, sourceRoot: ROOT });
}
const region = (log: Sarif.Log) => {
  const p = log.runs[0]!.results![0]!.locations![0]!.physicalLocation!;
  return `${p.artifactLocation!.uri}:${p.region?.startLine}-${p.region?.endLine}`;
};

describe('where a drift finding points', () => {
  it('at the declared statement when its lines are known; the resource is still the role', async () => {
    const doc = await documentFor(true);
    expect(check('findings', doc)).toBeNull();
    const f = doc.findings[0]!;
    expect(f.resource).toMatchObject({ address: 'aws_iam_role.etl', file: 'infra/main.tf', line: 1 });
    expect(f.location).toEqual({ file: 'infra/policies.tf', line: 16, endLine: 20 });
    expect(region(JSON.parse(renderSarif(doc, { sourceRoot: ROOT })) as Sarif.Log)).toBe('infra/policies.tf:16-20');
    expect(renderGithub(doc, { sourceRoot: ROOT })).toContain('file=infra/policies.tf,line=16,endLine=20');
  });

  it("at the declared policy's block when the statement's lines are not known", async () => {
    const doc = await documentFor(false);
    expect(doc.findings[0]!.location).toEqual({ file: 'infra/main.tf', line: 30, endLine: 34 });
    expect(region(JSON.parse(renderSarif(doc, { sourceRoot: ROOT })) as Sarif.Log)).toBe('infra/main.tf:30-34');
  });
});
