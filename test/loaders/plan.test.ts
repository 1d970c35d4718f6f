import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../checks/loaders/inventoryBuilder.js';
import { loadPlan, planRecords } from '../../checks/loaders/plan.js';
import { isUnresolved } from '../../checks/loaders/values.js';
import type { Inventory } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { CANARY, ESTATE_DELETE_PLAN, ESTATE_IDENTITIES, ESTATE_PLAN, FIXTURES } from '../support/estate.js';

const CREATE = ESTATE_PLAN;
const DELETE = ESTATE_DELETE_PLAN;

const byId = (inv: Inventory, id: string) => inv.identities.find((i) => i.id === id)!;
const policiesOf = (inv: Inventory, id: string) => byId(inv, id).policies.map((l) => inv.policies.find((p) => p.id === l.policy)!);

describe('plan loader (terraform show -json of a real plan)', () => {
  it('the fixture really holds the canary, so the checks below mean something', () => {
    expect(readFileSync(CREATE, 'utf8')).toContain(CANARY);
  });

  it('reads every identity, including module for_each instances and a name_prefix role', async () => {
    const inv = await loadPlan(CREATE);
    expect(check('inventory', inv)).toBeNull();
    expect(inv.inputs).toEqual([{ kind: 'plan', file: CREATE }]);
    expect(inv.identities.map((i) => i.id).sort()).toEqual([...ESTATE_IDENTITIES].sort());
    for (const i of inv.identities) expect(i.change).toBe('create');
    const lab = byId(inv, 'module.integrations["lab"].aws_iam_role.this');
    expect(lab.name).toBe('svc-lab');
    expect(lab.origin).toMatchObject({ source: 'plan', file: CREATE, address: 'module.integrations["lab"].aws_iam_role.this' });
    expect(lab.tags.owner).toBe('team-lab');
    expect(lab.trust?.document?.statements[0]?.principals).toEqual({ service: ['ecs-tasks.amazonaws.com'] });
    // name_prefix: the name is unknown until apply, never guessed.
    const etl = byId(inv, 'aws_iam_role.etl');
    expect(etl.name).toBeNull();
    expect(etl.tags['identity-kind']).toBe('automation');
  });

  it('links by reference where names are unknown: inline policy, policy document data source, attachments', async () => {
    const inv = await loadPlan(CREATE);
    const etl = policiesOf(inv, 'aws_iam_role.etl');
    expect(etl.map((p) => p.id).sort()).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess', 'aws_iam_policy.audit', 'aws_iam_role_policy.etl_read'].sort());
    // The trust policy comes from data.aws_iam_policy_document.lambda_trust (read at plan time, prior_state).
    expect(byId(inv, 'aws_iam_role.etl').trust).toMatchObject({ known: true });
    expect(byId(inv, 'aws_iam_role.etl').trust?.document?.statements[0]?.principals).toEqual({ service: ['lambda.amazonaws.com'] });
    // The role policy's document is a data source whose resources are unknown until apply.
    const read = etl.find((p) => p.id === 'aws_iam_role_policy.etl_read')!;
    expect(read.document.known).toBe(true);
    expect(read.document.document?.statements[0]?.actions).toEqual(['s3:getobject', 's3:listbucket']);
    expect(etl.find((p) => p.id === 'aws_iam_policy.audit')!.document.document?.statements[0]?.resources).toEqual(['*']);
    // Module for_each: each instance's inline policy links to its own role.
    expect(policiesOf(inv, 'module.integrations["billing"].aws_iam_role.this').map((p) => p.id)).toEqual([
      'module.integrations["billing"].aws_iam_role_policy.read',
    ]);
    expect(policiesOf(inv, 'module.integrations["lab"].aws_iam_role.this').map((p) => p.id)).toEqual(['module.integrations["lab"].aws_iam_role_policy.read']);
    // Group membership and the group's inline policy.
    const vendor = byId(inv, 'aws_iam_user.vendor');
    expect(vendor.groups).toEqual(['aws_iam_group.vendors']);
    expect(inv.groups.find((g) => g.id === 'aws_iam_group.vendors')!.policies).toEqual([{ policy: 'aws_iam_group_policy.vendors' }]);
  });

  it('records what stays unknown until apply, with the references it depends on', async () => {
    const inv = await loadPlan(CREATE);
    // The lab instance's policy depends on a bucket ARN passed through the module's for_each.
    expect(inv.unknowns).toEqual([
      expect.objectContaining({ id: 'module.integrations["lab"].aws_iam_role_policy.read#policy-document', what: 'policy-document' }),
    ]);
    expect(inv.unknowns[0]!.detail).toContain('aws_s3_bucket.phi');
    const recs = planRecords(JSON.parse(readFileSync(CREATE, 'utf8')), CREATE);
    const rp = recs.find((r) => r.address === 'aws_iam_role_policy.etl_read')!;
    expect(isUnresolved(rp.values.role)).toBe(true);
    expect((rp.values.role as { refs: string[] }).refs).toEqual(['aws_iam_role.etl.id']);
    const modPolicy = recs.find((r) => r.address === 'module.integrations["lab"].aws_iam_role_policy.read')!;
    expect((modPolicy.values.role as { refs: string[] }).refs).toEqual(['module.integrations["lab"].aws_iam_role.this.id']);
  });

  it('a link whose target cannot be found becomes an unknown, never a guess', () => {
    const doc = JSON.parse(readFileSync(CREATE, 'utf8'));
    delete doc.configuration; // no references to follow
    const inv = buildInventory(planRecords(doc, CREATE), [{ kind: 'plan', file: CREATE }]);
    expect(byId(inv, 'aws_iam_role.etl').policies.map((l) => l.policy)).not.toContain('aws_iam_role_policy.etl_read');
    expect(inv.unknowns.map((u) => u.id)).toEqual(
      expect.arrayContaining(['aws_iam_role_policy.etl_read#attachment', 'aws_iam_role_policy_attachment.etl_audit#attachment']),
    );
  });

  it('credentials: access key for the user, secret with customer KMS key, rotation and a literal value', async () => {
    const inv = await loadPlan(CREATE);
    const key = inv.credentials.find((c) => c.kind === 'access-key')!;
    expect(key).toMatchObject({ id: 'aws_iam_access_key.vendor', identity: 'aws_iam_user.vendor', status: 'Active', change: 'create' });
    const secret = inv.credentials.find((c) => c.kind === 'secret')!;
    expect(secret).toMatchObject({
      id: 'aws_secretsmanager_secret.lab_api',
      name: 'lab/api-token',
      rotation: { enabled: true, intervalDays: 30 },
      kms: { customerManaged: true },
      value: { present: true, literal: true },
    });
    expect(inv.dataStores.find((d) => d.kind === 's3')).toMatchObject({ name: 'nhi-fixture-phi-results', tags: { 'data-class': 'phi' } });
  });

  it('secret values never enter records, the Inventory or the check output', async () => {
    const doc = JSON.parse(readFileSync(CREATE, 'utf8'));
    const recs = planRecords(doc, CREATE);
    const sv = recs.find((r) => r.address === 'aws_secretsmanager_secret_version.lab_api')!;
    expect(sv.values.secret_string).toBeUndefined();
    expect(sv.sensitive?.has('secret_string')).toBe(true);
    expect(sv.literal?.has('secret_string')).toBe(true);
    const recText = JSON.stringify(recs.map((r) => r.values));
    expect(recText).not.toContain(CANARY);
    const inv = await loadPlan(CREATE);
    expect(JSON.stringify(inv)).not.toContain(CANARY);
    for (const format of ['json', 'text']) {
      const r = await runCli(['check', '--plan', CREATE, '--format', format, '--fail-on', 'none', '--now', '2026-11-22']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(CANARY);
    }
    const js = await runCli(['check', '--plan', CREATE, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    const findings = JSON.parse(js.stdout).findings as Array<{ ruleId: string; resource: { address?: string } }>;
    // The literal secret is reported (NHI-ROT-007) without its value.
    expect(findings.some((f) => f.ruleId === 'NHI-ROT-007')).toBe(true);
  });

  it('a plan that deletes a role: the role comes from `before` with change delete, its attachment is gone', async () => {
    const inv = await loadPlan(DELETE);
    expect(check('inventory', inv)).toBeNull();
    const legacy = byId(inv, 'aws_iam_role.legacy');
    expect(legacy).toMatchObject({ name: 'legacy-batch', change: 'delete', tags: { owner: 'team-legacy' } });
    expect(legacy.policies).toEqual([]);
    expect(byId(inv, 'aws_iam_role.etl')).toMatchObject({ change: 'no-op' });
    expect(byId(inv, 'aws_iam_role.etl').name).toMatch(/^etl-/);
    // Computed echoes (the role's inline_policy / managed_policy_arns) do not duplicate declared links.
    expect(
      policiesOf(inv, 'aws_iam_role.etl')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess', 'aws_iam_policy.audit', 'aws_iam_role_policy.etl_read'].sort());
    expect(inv.unknowns).toEqual([]);
    expect(JSON.stringify(inv)).not.toContain(CANARY);
  });

  it('check mixes --plan and --state; inventory prints the table and the Inventory JSON', async () => {
    const state = path.join(FIXTURES, 'state', 'estate-show.json');
    const r = await runCli(['check', '--plan', CREATE, '--state', state, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).inputs.map((i: { kind: string }) => i.kind)).toEqual(['plan', 'state']);
    const t = await runCli(['inventory', '--plan', CREATE, '--now', '2026-11-22']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^IDENTITY\s+KIND\s+OWNER\s+EXPIRY\s+DATA CLASS\s+CREDENTIALS\s+ROTATION\s+POLICIES/);
    expect(t.stdout).toMatch(/vendor-acme-sftp\s+user\s+team-vendors\s+2027-01-15 \(54d\)\s+phi\s+access-key:Active\s+-\s+1/);
    expect(t.stdout).toMatch(/lab\/api-token\s+secret\s+team-integrations.*value \(literal in code\)\s+30d/);
    expect(t.stdout).toContain('aws_iam_role.etl (name known after apply)');
    expect(t.stdout).not.toContain(CANARY);
    const j = await runCli(['inventory', '--plan', CREATE, '--format', 'json', '--now', '2026-11-22']);
    const inv = JSON.parse(j.stdout) as Inventory;
    expect(check('inventory', inv)).toBeNull();
    expect(inv.identities).toHaveLength(6);
    expect(j.stdout).not.toContain(CANARY);
  });
});

describe('for_each and count instances referencing each other by key', () => {
  const INSTANCES_PLAN = path.resolve('test/fixtures/plans/instances-create.json');

  it('pairs instance K with instance K (terraform keeps only "x" and "each.key" of x[each.key])', async () => {
    const inv = await loadPlan(INSTANCES_PLAN);
    const links = Object.fromEntries(inv.identities.map((i) => [i.id, i.policies.map((l) => l.policy)]));
    expect(links).toEqual({
      'aws_iam_role.feed["adt"]': ['aws_iam_role_policy.feed["adt"]'],
      'aws_iam_role.feed["orm"]': ['aws_iam_role_policy.feed["orm"]'],
      'aws_iam_role.counted[0]': ['arn:aws:iam::aws:policy/AdministratorAccess'],
      'aws_iam_role.counted[1]': ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
  });

  it('so the admin policy of one instance is not blamed on its sibling', async () => {
    const r = await runCli(['check', '--plan', INSTANCES_PLAN, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; identity?: string }> };
    const admin = doc.findings
      .filter((f) => f.ruleId === 'NHI-LP-001' || f.ruleId === 'NHI-LP-004')
      .map((f) => `${f.ruleId} ${f.identity}`)
      .sort();
    expect(admin).toEqual(['NHI-LP-001 aws_iam_role.feed["adt"]', 'NHI-LP-004 aws_iam_role.counted[0]']);
  });
});

describe('resource_drift: what terraform found changed outside Terraform', () => {
  const DRIFT_PLAN = path.resolve('test/fixtures/plans/instances-drift.json');

  it('marks the elements with the names of what changed, never the values', async () => {
    const inv = await loadPlan(DRIFT_PLAN);
    const byId = (id: string) => inv.identities.find((i) => i.id === id)!;
    expect(byId('aws_iam_role.counted[1]').origin.outOfBand).toEqual({ change: 'update', attributes: ['tags.owner'] });
    expect(byId('aws_iam_role.counted[0]').origin.outOfBand).toBeUndefined();
    expect(inv.policies.find((p) => p.id === 'aws_iam_role_policy.feed["orm"]')!.origin.outOfBand).toEqual({ change: 'update', attributes: ['policy'] });
    expect(check('inventory', inv)).toBeNull();
    expect(JSON.stringify(inv)).not.toContain('someone-in-the-console');
  });

  it('terraform 1.0 entries without an address are read from their parts; an unreadable one is skipped with a warning', async () => {
    // terraform 1.0 wrote resource_drift entries without `address` (mode, type, name, index only).
    const doc = JSON.parse(readFileSync(DRIFT_PLAN, 'utf8')) as { resource_drift: Array<Record<string, unknown>> };
    for (const e of doc.resource_drift) delete e.address;
    doc.resource_drift.push({ mode: 'managed', provider_name: 'registry.terraform.io/hashicorp/aws', change: { actions: ['update'] } });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-drift-10-'));
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(doc));
    const warnings: string[] = [];
    const inv = await loadPlan(file, { warn: (m) => warnings.push(m) });
    expect(inv.identities.find((i) => i.id === 'aws_iam_role.counted[1]')!.origin.outOfBand).toEqual({ change: 'update', attributes: ['tags.owner'] });
    expect(inv.policies.find((p) => p.id === 'aws_iam_role_policy.feed["orm"]')!.origin.outOfBand).toEqual({ change: 'update', attributes: ['policy'] });
    expect(warnings).toEqual([`${file}: $.resource_drift[3]: a resource_drift entry without a readable address or change; skipped`]);
    const r = await runCli(['check', '--plan', file, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`nhi-guard: warning: ${warnings[0]}\n`);
  });

  it('the PR comment lists them, with the linked policy that was widened', async () => {
    const r = await runCli(['check', '--plan', DRIFT_PLAN, '--format', 'markdown', '--fail-on', 'none', '--now', '2026-11-22']);
    const section = r.stdout.slice(r.stdout.indexOf('### Changed outside Terraform'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Identity'));
    expect(section.startsWith('### Changed outside Terraform since the last apply (2)')).toBe(true);
    expect(rows[0]).toMatch(/^\| counted-1-\d+ \| \*\*no owner\*\* \| `tags.owner` \|$/);
    // The role's inline_policy only echoes the widened aws_iam_role_policy: the policy is named, not the role's attribute.
    expect(rows[1]).toMatch(/^\| feed-orm-\d+ \| team-orm \| `policy feed-orm` \|$/);
  });

  it("terraform's refresh echo of separately declared inline policies and attachments is not a change outside Terraform", () => {
    const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const READ = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const role = (name: string, extra: Record<string, unknown> = {}) => ({
      name,
      arn: `arn:aws:iam::111122223333:role/${name}`,
      assume_role_policy: '{"Statement":[]}',
      tags: { owner: 'team' },
      inline_policy: [],
      managed_policy_arns: [],
      ...extra,
    });
    const managed = (type: string, name: string, values: Record<string, unknown>) => ({ address: `${type}.${name}`, mode: 'managed', type, name, values });
    const resources = [
      managed('aws_iam_role', 'etl', role('etl')),
      managed('aws_iam_role', 'ops', role('ops')),
      managed('aws_iam_role_policy', 'etl', { name: 'etl-read', role: 'etl', policy: '{"Statement":[]}' }),
      managed('aws_iam_role_policy_attachment', 'etl', { role: 'etl', policy_arn: READ }),
    ];
    const noop = (r: (typeof resources)[number]) => ({
      address: r.address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      change: { actions: ['no-op'], before: r.values, after: r.values },
    });
    const drift = (name: string, after: Record<string, unknown>) => ({
      address: `aws_iam_role.${name}`,
      mode: 'managed',
      type: 'aws_iam_role',
      name,
      change: { actions: ['update'], before: role(name), after: role(name, after) },
    });
    const doc = {
      format_version: '1.2',
      planned_values: { root_module: { resources } },
      resource_changes: resources.map(noop),
      resource_drift: [
        // What refresh fills in from the separate resources of the configuration.
        drift('etl', { inline_policy: [{ name: 'etl-read', policy: '{"Statement":[]}' }], managed_policy_arns: [READ] }),
        // An inline policy and an attachment no resource declares: changed outside Terraform.
        drift('ops', { inline_policy: [{ name: 'debug', policy: '{"Statement":[]}' }], managed_policy_arns: [ADMIN] }),
      ],
    };
    const inv = buildInventory(planRecords(doc, 'plan.json'), []);
    const byName = (n: string) => inv.identities.find((i) => i.name === n)!;
    expect(byName('etl').origin.outOfBand).toBeUndefined();
    expect(byName('ops').origin.outOfBand).toEqual({ change: 'update', attributes: ['inline_policy', 'managed_policy_arns'] });
  });

  it("a declared secret's region is the region of its provider configuration", async () => {
    const inv = await loadPlan(CREATE);
    expect(inv.credentials.find((c) => c.origin.address === 'aws_secretsmanager_secret.lab_api')!.region).toBe('us-east-1');
  });

  it('a policy document whose unknown Resource entries the plan states only as references says so (referencesOnly)', async () => {
    const inv = await loadPlan(CREATE);
    const etl = inv.policies.find((p) => p.origin.address === 'aws_iam_role_policy.etl_read')!;
    expect(etl.document.known).toBe(true);
    expect(etl.document.referencesOnly).toBe(true);
    expect(etl.document.document!.statements[0]!.resources).toEqual(['${aws_s3_bucket.phi.arn}', '${aws_s3_bucket.phi.arn}']);
    // A document the plan knows in full has nothing open.
    expect(inv.policies.find((p) => p.origin.address === 'aws_iam_policy.audit')!.document.referencesOnly).toBeUndefined();
  });
});
