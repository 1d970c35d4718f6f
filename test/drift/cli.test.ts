/**
 * `nhi-guard drift` on the estate's terraform state (declared) against a hand-made snapshot of the
 * account after out-of-band changes (test/fixtures/snapshots/handmade-estate-drift.json): exact
 * drift findings, the live-only rules, history and trend, per-owner reports, exit codes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../checks/findings.js';
import { ownerFileName } from '../../checks/drift/split.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { ESTATE_TFSTATE } from '../support/estate.js';

const SNAPSHOT = path.resolve('test/fixtures/snapshots/handmade-estate-drift.json');
const NOW = '2026-11-22T00:00:00Z';
const base = ['drift', '--declared-state', ESTATE_TFSTATE, '--snapshot', SNAPSHOT, '--now', NOW];
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'nhi-drift-'));

const where = (f: FindingsDocument['findings'][number]) => `${f.resource.type} ${f.resource.address ?? f.resource.name}`;

async function driftJson(extra: string[] = []): Promise<{ code: number; doc: FindingsDocument; stderr: string }> {
  const r = await runCli([...base, '--format', 'json', '--fail-on', 'none', ...extra]);
  const doc = JSON.parse(r.stdout) as FindingsDocument;
  expect(check('findings', doc)).toBeNull();
  return { code: r.code, doc, stderr: r.stderr };
}

describe('nhi-guard drift (state vs hand-made snapshot)', () => {
  it('reports exactly the drift of the snapshot, and the live-only rules', async () => {
    const { code, doc } = await driftJson();
    expect(code).toBe(0);
    const drift = doc.findings
      .filter((f) => f.source === 'drift')
      .map((f) => `${f.ruleId} ${where(f)}`)
      .sort();
    expect(drift).toEqual([
      'NHI-DRIFT-001 iam-access-key AKIASHADOW0000000001',
      'NHI-DRIFT-001 iam-user shadow-ci',
      'NHI-DRIFT-001 secretsmanager-secret ops/db-password',
      'NHI-DRIFT-002 aws_iam_role module.integrations["billing"].aws_iam_role.this',
      // About the identities; the attached or widened policy is the evidence.
      'NHI-DRIFT-003 aws_iam_role aws_iam_role.etl',
      'NHI-DRIFT-003 aws_iam_role module.integrations["lab"].aws_iam_role.this',
      'NHI-DRIFT-004 aws_iam_role module.integrations["lab"].aws_iam_role.this',
      // The shadow key was never used, but it is 7 days old: not older than neverUsedKeyDays (7).
      'NHI-DRIFT-005 iam-role legacy-batch',
      'NHI-DRIFT-006 aws_secretsmanager_secret aws_secretsmanager_secret.lab_api',
      'NHI-DRIFT-007 aws_iam_role aws_iam_role.legacy',
    ]);
    const evidence = (id: string) =>
      doc.findings
        .filter((f) => f.ruleId === id)
        .map((f) => `${f.resource.name}: ${(f.evidence ?? []).map((e) => `${e.type} ${e.name}`).join(', ')}`)
        .sort();
    expect(evidence('NHI-DRIFT-003')).toEqual(['etl-20261123093504004600000001: aws-managed-policy AdministratorAccess', 'svc-lab: inline-policy read-lab']);
    expect(doc.findings.find((f) => f.ruleId === 'NHI-DRIFT-007')!.message).toBe(
      'role legacy-batch: the live trust policy admits AWS arn:aws:iam::999988887777:root to sts:assumerole, which the declaration does not',
    );
    // NHI-ROT-001 on the secret whose rotation was cancelled is part of the NHI-DRIFT-006 finding.
    expect(doc.findings.filter((f) => f.ruleId === 'NHI-ROT-001' && f.resource.name === 'lab/api-token')).toEqual([]);
    expect(doc.findings.find((f) => f.ruleId === 'NHI-DRIFT-006')!.message).toContain('NHI-ROT-001');
    const liveOnly = doc.findings.filter((f) => ['NHI-ROT-004', 'NHI-ROT-005'].includes(f.ruleId)).map((f) => `${f.ruleId} ${f.resource.name}`);
    expect(liveOnly.sort()).toEqual(['NHI-ROT-004 ops/db-password', 'NHI-ROT-005 AKIARZPUZDIKOES7TQ7C']);
    // Drift findings on declared elements name the declaration and its owner.
    const tag = doc.findings.find((f) => f.ruleId === 'NHI-DRIFT-004')!;
    expect(tag.owner).toBe('team-lab');
    expect(tag.message).toBe('role svc-lab: owner is "team-lab-ops" live but "team-lab" declared');
    expect(doc.findings.find((f) => f.ruleId === 'NHI-DRIFT-003' && f.evidence?.[0]?.name === 'AdministratorAccess')!.identity).toBe(
      'etl-20261123093504004600000001',
    );
    // The service-linked role is exempt from NHI-DRIFT-001.
    expect(doc.findings.some((f) => f.ruleId === 'NHI-DRIFT-001' && f.resource.name === 'AWSServiceRoleForSupport')).toBe(false);
    // The inventory section lists the live side; the inputs name both sides.
    expect(doc.inputs.map((i) => i.kind)).toEqual(['state', 'live']);
    expect(
      doc
        .inventory!.filter((r) => r.element === 'identity')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['AWSServiceRoleForSupport', 'etl-20261123093504004600000001', 'legacy-batch', 'secret-rotator', 'shadow-ci', 'svc-lab', 'vendor-acme-sftp']);
    expect(doc.gaps).toBeUndefined();
    // Findings on a declared element count for its live counterpart in the inventory table.
    expect(doc.inventory!.find((r) => r.id === 'iam-role:svc-lab')!.findings).toBeGreaterThanOrEqual(2);
  });

  it('a waiver that names the declared key, by its address, covers the live findings about that key', async () => {
    const before = await driftJson();
    const key = (d: FindingsDocument, rule: string) =>
      d.findings.find((f) => f.ruleId === rule && f.resource.type === 'iam-access-key' && f.resource.name === 'AKIARZPUZDIKOES7TQ7C');
    expect(key(before.doc, 'NHI-ROT-005')?.waived).toBe(false);
    const file = path.join(tmp(), 'waivers.yaml');
    const waiver = (rule: string, resource: string) => ({
      ruleId: rule,
      resource,
      owner: 'team-vendors',
      reason: 'the vendor rotates by hand until its SFTP moves',
      expiresOn: '2026-12-31',
    });
    writeFileSync(file, JSON.stringify({ waivers: [waiver('NHI-ROT-005', 'aws_iam_access_key.vendor'), waiver('NHI-ROT-003', 'aws_iam_access_key.other')] }));
    const after = await driftJson(['--waivers', file]);
    const rot005 = key(after.doc, 'NHI-ROT-005')!;
    expect(rot005.waived).toBe(true);
    expect(rot005.waiver!.resource).toBe('aws_iam_access_key.vendor');
    // The look-alike: a waiver naming another key's address covers nothing here.
    expect(key(after.doc, 'NHI-ROT-003')?.waived ?? false).toBe(false);
    expect(after.doc.summary.waived).toBe(before.doc.summary.waived + 1);
  });

  it('exits 1 at the gate, and 3 (after writing the report) when part of the account could not be read', async () => {
    expect((await runCli([...base, '--fail-on', 'high'])).code).toBe(1);
    const snap = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as { gaps: unknown[] };
    snap.gaps = [{ service: 'iam', operation: 'ListAccessKeys', target: 'vendor-acme-sftp', error: 'AccessDenied: not authorized' }];
    const file = path.join(tmp(), 'gaps.json');
    writeFileSync(file, JSON.stringify(snap));
    const out = path.join(tmp(), 'report.html');
    const r = await runCli([
      'drift',
      '--declared-state',
      ESTATE_TFSTATE,
      '--snapshot',
      file,
      '--now',
      NOW,
      '--format',
      'html',
      '--output',
      out,
      '--fail-on',
      'none',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^nhi-guard: incomplete: 1 part\(s\) of the account could not be read \(first: iam ListAccessKeys vendor-acme-sftp: AccessDenied/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Incomplete: 1 part(s) of the account could not be read');
    expect(html).toContain('iam ListAccessKeys for vendor-acme-sftp: AccessDenied: not authorized');
    expect(html).not.toMatch(/Clean: no open findings/);
  });

  it('a declared secret of a region the live side did not read is not compared: a gap (exit 3), never missing live', async () => {
    const snap = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as { region: string; credentials: Array<{ kind: string }> };
    // The declaration's lab_api secret is in us-east-1; this snapshot read eu-west-1 only, so it
    // holds the global IAM elements and no secret of us-east-1.
    snap.region = 'eu-west-1';
    snap.credentials = snap.credentials.filter((c) => c.kind !== 'secret');
    const file = path.join(tmp(), 'other-region.json');
    writeFileSync(file, JSON.stringify(snap));
    const r = await runCli(['drift', '--declared-state', ESTATE_TFSTATE, '--snapshot', file, '--now', NOW, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as FindingsDocument;
    expect(check('findings', doc)).toBeNull();
    expect(doc.gaps?.map((g) => `${g.service} ${g.operation} ${g.region}`)).toEqual(['secretsmanager ListSecrets us-east-1']);
    expect(doc.gaps?.[0]?.error).toMatch(/add --region us-east-1 or --all-regions/);
    expect(doc.notCompared?.map((n) => n.element)).toEqual(['aws_secretsmanager_secret.lab_api']);
    const onLabApi = doc.findings.filter((f) => f.source === 'drift' && f.resource.address === 'aws_secretsmanager_secret.lab_api');
    expect(onLabApi).toEqual([]);
    // The identities are global: their drift is judged as before.
    expect(doc.findings.some((f) => f.ruleId === 'NHI-DRIFT-003' && f.resource.address === 'aws_iam_role.etl')).toBe(true);
  });

  it('--history adds each run and draws the trend over the folder', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'junk.json'), '[1, 2');
    const first = await driftJson(['--history', dir]);
    expect(first.doc.trend).toHaveLength(1);
    expect(first.stderr).toMatch(/^nhi-guard: warning: .*junk\.json: is not valid JSON .*skipped in the trend\n$/);
    const second = await driftJson(['--history', dir]);
    const total = Object.values(second.doc.summary.bySeverity).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(10);
    expect(second.doc.trend!.map((p) => p.total)).toEqual([total, total]);
    expect(readdirSync(dir).filter((f) => f.startsWith('nhi-guard-'))).toHaveLength(2);
  });

  it('concurrent drift processes sharing one history folder each add one intact document', async () => {
    const dir = tmp();
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['bin/nhi-guard.mjs', ...base, '--history', dir, '--format', 'json', '--output', path.join(tmp(), 'r.json'), '--fail-on', 'none'],
          { stdio: 'ignore', timeout: 170_000 },
        );
        child.on('error', reject);
        child.on('exit', (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([run(), run(), run(), run()])).toEqual([0, 0, 0, 0]);
    const files = readdirSync(dir);
    expect(files).toHaveLength(4);
    for (const f of files) expect(check('findings', JSON.parse(readFileSync(path.join(dir, f), 'utf8')))).toBeNull();
  });

  it('--split-by owner writes one report per owner and one for the unowned', async () => {
    const out = tmp();
    const r = await runCli([...base, '--format', 'markdown', '--split-by', 'owner', '--output', out, '--fail-on', 'none']);
    expect(r.code).toBe(0);
    // svc-lab was re-tagged "team-lab-ops" live: accountability follows the declaration, so there is
    // no team-lab-ops report; the tag drift is reported to team-lab beside svc-lab's other findings.
    const file = (owner: string | undefined, ext: string) => `${ownerFileName(owner)}.${ext}`;
    const teams = ['team-billing', 'team-data', 'team-integrations', 'team-lab', 'team-legacy', 'team-ops', 'team-platform', 'team-vendors'];
    expect(readdirSync(out).sort()).toEqual([...teams.map((t) => file(t, 'md')), 'unowned.md'].sort());
    const lab = readFileSync(path.join(out, file('team-lab', 'md')), 'utf8');
    expect(lab).toContain('NHI-DRIFT-004');
    expect(lab).toContain('NHI-DRIFT-003');
    expect(lab).not.toContain('shadow-ci');
    expect(readFileSync(path.join(out, 'unowned.md'), 'utf8')).toContain('shadow-ci');
    const json = tmp();
    await runCli([...base, '--format', 'json', '--split-by', 'owner', '--output', json, '--fail-on', 'none']);
    const vendors = JSON.parse(readFileSync(path.join(json, file('team-vendors', 'json')), 'utf8')) as FindingsDocument;
    expect(check('findings', vendors)).toBeNull();
    expect(vendors.findings.every((f) => f.owner === 'team-vendors')).toBe(true);
    expect(vendors.inventory!.every((r) => r.owner === 'team-vendors')).toBe(true);
  });

  it('bad usage is one line and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['drift', '--snapshot', SNAPSHOT], /exactly one of --declared-synth DIR, --declared-plan FILE, --declared-state FILE/],
      [['drift', '--declared-state', ESTATE_TFSTATE], /exactly one live side: --live aws or --snapshot FILE/],
      [['drift', '--declared-state', ESTATE_TFSTATE, '--snapshot', SNAPSHOT, '--live', 'aws'], /exactly one live side/],
      [[...base, '--split-by', 'owner'], /--split-by owner needs --output DIR/],
      [['drift', '--declared-state', ESTATE_TFSTATE, '--snapshot', path.join(tmp(), 'missing.json')], /missing\.json: does not exist/],
      [['drift', '--declared-synth', ESTATE_TFSTATE, '--snapshot', SNAPSHOT], /is not a folder/],
    ];
    for (const [args, msg] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    }
  });
});
