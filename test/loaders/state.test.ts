import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState, stateRecords } from '../../checks/loaders/state.js';
import type { Inventory } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';

const FIXTURES = path.resolve('test/fixtures');
const SHOW = path.join(FIXTURES, 'state', 'estate-show.json');
const TFSTATE = path.join(FIXTURES, 'state', 'estate.tfstate');
const CANARY = 'CANARY-PLAN-7f3a9c';

const byId = (inv: Inventory, id: string) => inv.identities.find((i) => i.id === id)!;

describe.each([
  ['terraform show -json state', SHOW],
  ['terraform.tfstate v4', TFSTATE],
])('state loader: %s', (_label, file) => {
  it('the fixture holds the canary and the access key secret in clear', () => {
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(CANARY);
    expect(text).toMatch(/"secret": "[^"]{20,}"/);
  });

  it('reads identities with names, ARNs, links and change existing', async () => {
    const inv = await loadState(file);
    expect(check('inventory', inv)).toBeNull();
    expect(inv.inputs).toEqual([{ kind: 'state', file }]);
    expect(inv.identities).toHaveLength(6);
    for (const i of inv.identities) {
      expect(i.change).toBe('existing');
      expect(i.arn).toMatch(/^arn:aws:iam::123456789012:(role|user)\//);
    }
    const etl = byId(inv, 'aws_iam_role.etl');
    expect(etl.name).toMatch(/^etl-\d+$/);
    expect(etl.policies.map((l) => l.policy).sort()).toEqual(
      ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'aws_iam_policy.audit', 'aws_iam_role_policy.etl_read'].sort(),
    );
    expect(byId(inv, 'module.integrations["lab"].aws_iam_role.this')).toMatchObject({ name: 'svc-lab', origin: { source: 'state', file } });
    expect(byId(inv, 'module.integrations["billing"].aws_iam_role.this').policies).toEqual([
      { policy: 'module.integrations["billing"].aws_iam_role_policy.read' },
    ]);
    // In state the lab policy is known: the bucket ARN was resolved at apply.
    const labPolicy = inv.policies.find((p) => p.id === 'module.integrations["lab"].aws_iam_role_policy.read')!;
    expect(labPolicy.document.document?.statements[0]?.resources).toEqual(['arn:aws:s3:::nhi-fixture-phi-results/*']);
    expect(byId(inv, 'aws_iam_role.legacy').policies).toEqual([{ policy: 'arn:aws:iam::aws:policy/AdministratorAccess' }]);
    expect(byId(inv, 'aws_iam_user.vendor').groups).toEqual(['aws_iam_group.vendors']);
    expect(inv.unknowns).toEqual([]);
  });

  it('credentials exist without their values', async () => {
    const inv = await loadState(file);
    expect(inv.credentials.find((c) => c.kind === 'access-key')).toMatchObject({ identity: 'aws_iam_user.vendor', status: 'Active', change: 'existing' });
    expect(inv.credentials.find((c) => c.kind === 'access-key')!.name).toMatch(/^AKIA/);
    expect(inv.credentials.find((c) => c.kind === 'secret')).toMatchObject({
      name: 'lab/api-token',
      rotation: { enabled: true, intervalDays: 30 },
      kms: { customerManaged: true },
      // State cannot tell whether the value was written literally: that is a plan/synth fact.
      value: { present: true, literal: false },
    });
    const text = readFileSync(file, 'utf8');
    const keySecret = /"secret": "([^"]{20,})"/.exec(text)![1]!;
    const recs = stateRecords(JSON.parse(text), file);
    const key = recs.find((r) => r.type === 'aws_iam_access_key')!;
    expect(key.values.secret).toBeUndefined();
    expect(key.values.ses_smtp_password_v4).toBeUndefined();
    expect(key.sensitive?.has('secret')).toBe(true);
    const all = JSON.stringify(inv) + JSON.stringify(recs.map((r) => r.values));
    expect(all).not.toContain(CANARY);
    expect(all).not.toContain(keySecret);
    const r = await runCli(['check', '--state', file, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain(CANARY);
    expect(r.stdout).not.toContain(keySecret);
  });
});

describe('state loader: show -json and tfstate agree', () => {
  it('gives the same identities, policies and credentials from both forms', async () => {
    const a = await loadState(SHOW);
    const b = await loadState(TFSTATE);
    const shape = (inv: Inventory) => ({
      identities: inv.identities.map((i) => [i.id, i.name, i.arn, i.policies, i.groups]).sort(),
      policies: inv.policies.map((p) => [p.id, p.document]).sort(),
      credentials: inv.credentials.map((c) => [c.id, c.identity, c.rotation, c.value]).sort(),
    });
    expect(shape(b)).toEqual(shape(a));
  });
});

describe('a refreshed state, where roles echo what separate resources declare', () => {
  const REFRESHED = path.resolve('test/fixtures/state/instances-refreshed.json');

  it('keeps the declaring aws_iam_role_policy and drops the inline_policy echo; attachments are linked once', async () => {
    const inv = await loadState(REFRESHED);
    const adt = inv.identities.find((i) => i.id === 'aws_iam_role.feed["adt"]')!;
    expect(adt.policies).toEqual([{ policy: 'aws_iam_role_policy.feed["adt"]' }]);
    expect(inv.policies.some((p) => p.id.includes('#inline_policy['))).toBe(false);
    const counted = inv.identities.find((i) => i.id === 'aws_iam_role.counted[0]')!;
    expect(counted.policies).toEqual([{ policy: 'arn:aws:iam::aws:policy/AdministratorAccess' }]);
  });

  it('so each finding is reported once', async () => {
    const r = await runCli(['check', '--state', REFRESHED, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    const doc = JSON.parse(r.stdout) as {
      findings: Array<{ ruleId: string; resource: { address?: string }; evidence?: Array<{ address?: string; name: string }> }>;
    };
    // On the role; the policy (the declaring aws_iam_role_policy, not the role's inline_policy echo) as evidence.
    const lp = doc.findings
      .filter((f) => f.ruleId.startsWith('NHI-LP-'))
      .map((f) => `${f.ruleId} ${f.resource.address} ${f.evidence?.map((e) => e.address ?? e.name).join()}`)
      .sort();
    expect(lp).toEqual([
      'NHI-LP-001 aws_iam_role.feed["adt"] aws_iam_role_policy.feed["adt"]',
      'NHI-LP-004 aws_iam_role.counted[0] AdministratorAccess',
      'NHI-LP-005 aws_iam_role.feed["adt"] aws_iam_role_policy.feed["adt"]',
      'NHI-LP-006 aws_iam_role.feed["adt"] aws_iam_role_policy.feed["adt"]',
    ]);
  });
});
