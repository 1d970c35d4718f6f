/**
 * Unbounded work: what one statement, one document, many stores or many waivers can cost is
 * bounded. A document beyond POLICY_BOUNDS is not judged and says so (NHI-UNK-002, critical),
 * never a silent pass and never a hang; store targets and waivers are matched through indexes.
 * (Speed is measured in bench/; here the test timeout only bounds a hang.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { documentFromJson, documentFromDataSource, POLICY_BOUNDS } from '../../checks/loaders/policyDocument.js';
import { loadState } from '../../checks/loaders/state.js';
import { WaiverIndex, waiverCovers, type WaiverFact } from '../../checks/waivers.js';
import { runCli } from '../support/cli.js';
import { canary } from '../support/hostile.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = ['--now', '2026-11-22T00:00:00Z'];
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const TAGS = { owner: 'team-a', purpose: 'p', 'data-class': 'internal', environment: 'prod', 'identity-kind': 'service', 'expires-on': '2026-12-01' };

type Json = Record<string, unknown>;
const doc = (statements: Json[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let n = 0;
function tfstate(resources: Json[]): string {
  const file = path.join(dir, `s${n++}.tfstate`);
  writeFileSync(file, JSON.stringify({ version: 4, resources }));
  return file;
}
const role = (name: string, extra: Json = {}, instance: Json = {}) => ({
  mode: 'managed',
  type: 'aws_iam_role',
  name,
  instances: [{ attributes: { name, assume_role_policy: TRUST, tags: TAGS, ...extra }, ...instance }],
});
const inline = (name: string, roleName: string, policy: string, instance: Json = {}) => ({
  mode: 'managed',
  type: 'aws_iam_role_policy',
  name,
  instances: [{ attributes: { name, role: roleName, policy }, ...instance }],
});

async function findings(
  args: string[],
): Promise<{ code: number; stderr: string; findings: Array<{ ruleId: string; severity: string; message: string; resource: { address?: string } }> }> {
  const r = await runCli([...args, '--format', 'json', ...NOW]);
  return { code: r.code, stderr: r.stderr, findings: r.code <= 1 ? (JSON.parse(r.stdout) as { findings: never[] }).findings : [] };
}

describe('documents beyond the bounds are reported, never judged clean', () => {
  const beyond: Array<[string, string]> = [
    ['a million actions in one statement', doc([{ Effect: 'Allow', Action: Array.from({ length: 1_000_000 }, (_, i) => `s3:a${i}`), Resource: '*' }])],
    [
      `${POLICY_BOUNDS.entriesPerList + 1} resources`,
      doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: POLICY_BOUNDS.entriesPerList + 1 }, (_, i) => `arn:aws:s3:::b${i}/*`) }]),
    ],
    [
      `a resource of ${POLICY_BOUNDS.entryLength + 1} characters`,
      doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'*'.repeat(POLICY_BOUNDS.entryLength)}` }]),
    ],
    [
      `${POLICY_BOUNDS.statements + 1} statements`,
      doc(Array.from({ length: POLICY_BOUNDS.statements + 1 }, () => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))),
    ],
    [
      'more entries in all than a document may hold',
      doc(Array.from({ length: 11 }, (_, i) => ({ Effect: 'Allow', Action: Array.from({ length: 1_000 }, (_, j) => `s3:a${i}x${j}`), Resource: '*' }))),
    ],
    [
      'a condition with too many values',
      doc([
        {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': Array.from({ length: 1_001 }, (_, i) => `t${i}`) } },
        },
      ]),
    ],
  ];

  it.each(beyond)('%s: NHI-UNK-002 critical, the gate fails', async (_label, policy) => {
    const file = tfstate([role('r'), inline('p', 'r', policy)]);
    const r = await findings(['check', '--state', file, '--fail-on', 'critical']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const f = r.findings.filter((x) => x.ruleId === 'NHI-UNK-002');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'critical', resource: { address: 'aws_iam_role_policy.p' } });
    expect(f[0]!.message).toMatch(/could not be judged \(.*more than/);
  });

  it('a document at the bounds is judged as usual (its Action "*" is NHI-LP-001, not UNK-002)', async () => {
    const actions = ['*', ...Array.from({ length: POLICY_BOUNDS.entriesPerList - 1 }, (_, i) => `s3:a${i}`)];
    const file = tfstate([
      role('r'),
      inline('p', 'r', doc([{ Effect: 'Allow', Action: actions, Resource: `arn:aws:s3:::${'a'.repeat(POLICY_BOUNDS.entryLength - 13)}` }])),
    ]);
    const r = await findings(['check', '--state', file, '--fail-on', 'none']);
    expect(r.findings.map((x) => x.ruleId)).toContain('NHI-LP-001');
    expect(r.findings.map((x) => x.ruleId)).not.toContain('NHI-UNK-002');
  });

  it('a trust policy beyond the bounds is NHI-UNK-002 on the role', async () => {
    const trust = doc([
      {
        Effect: 'Allow',
        Principal: { AWS: Array.from({ length: 1_001 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:root`) },
        Action: 'sts:AssumeRole',
      },
    ]);
    const file = tfstate([role('r', { assume_role_policy: trust })]);
    const r = await findings(['check', '--state', file, '--fail-on', 'none']);
    expect(r.findings.filter((x) => x.ruleId === 'NHI-UNK-002').map((x) => x.resource.address)).toEqual(['aws_iam_role.r']);
  });

  it('a policy document data source beyond the bounds is not judged either', () => {
    const d = documentFromDataSource({ statement: [{ effect: 'Allow', actions: Array.from({ length: 1_001 }, (_, i) => `s3:a${i}`), resources: ['*'] }] });
    expect(d).toMatchObject({ known: false, unreadable: true });
    expect(documentFromJson(doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]))).toMatchObject({ known: true });
  });

  it('a policy its state marks sensitive is not read, not printed, and not passed: NHI-UNK-002', async () => {
    const secretish = canary('sensitive-policy');
    const policy = doc([{ Sid: secretish, Effect: 'Allow', Action: '*', Resource: '*' }]);
    const file = tfstate([role('r'), inline('p', 'r', policy, { sensitive_attributes: [[{ type: 'get_attr', value: 'policy' }]] })]);
    const inv = await loadState(file);
    expect(inv.policies[0]!.document).toMatchObject({ known: false, unreadable: true });
    const r = await runCli(['check', '--state', file, '--format', 'json', '--fail-on', 'critical', ...NOW]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(secretish);
    expect((JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId)).toContain('NHI-UNK-002');
  });
});

describe('quadratic inputs under 1 MB finish', () => {
  it('150 PHI stores against 150 long Resource globs: every reach found', async () => {
    const stores = Array.from({ length: 150 }, (_, i) => ({
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: `b${i}`,
      instances: [{ attributes: { bucket: `phi-${i}`, arn: `arn:aws:s3:::phi-${i}`, tags: { ...TAGS, 'data-class': 'phi' } } }],
    }));
    const statements = Array.from({ length: 150 }, (_, i) => ({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::phi-${'*?'.repeat(600)}${i}`,
    }));
    const file = tfstate([...stores, role('r'), inline('p', 'r', doc(statements))]);
    const inv = await loadState(file);
    expect(inv.policies[0]!.document.known).toBe(true);
    const r = await findings(['check', '--state', file, '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.findings.filter((f) => f.ruleId === 'NHI-LP-008').length).toBeGreaterThan(0);
  });

  it('400 declared waivers against 400 roles: each role waived by its own waiver', async () => {
    const roles = Array.from({ length: 400 }, (_, i) => role(`r${i}`, { tags: { ...TAGS, owner: '' } }));
    const file = tfstate(roles);
    const waivers = Array.from({ length: 400 }, (_, i) => ({
      ruleId: 'NHI-OWN-001',
      resource: `${'*'.repeat(50)}aws_iam_role.r${i}`,
      owner: 'o',
      reason: 'reviewed with the owning team',
      expiresOn: '2026-12-01',
    }));
    const wfile = path.join(dir, 'waivers.json');
    writeFileSync(wfile, JSON.stringify({ waivers }));
    const r = await findings(['check', '--state', file, '--waivers', wfile, '--fail-on', 'none']);
    const own = r.findings.filter((f) => f.ruleId === 'NHI-OWN-001') as unknown as Array<{ waived: boolean }>;
    expect(own).toHaveLength(400);
    expect(own.every((f) => f.waived)).toBe(true);
  });
});

describe('the waiver index', () => {
  it('gives the waiver a scan in list order gives (property)', () => {
    const names = ['aws_iam_role.a', 'aws_iam_role.ab', 'module.m.aws_iam_role.a["x"]', 'arn:aws:iam::1:role/a', 'b'];
    const piece = fc.constantFrom('aws_iam_role.', 'a', 'b', '*', '?', 'module.m.', '["x"]', 'arn:aws:iam::1:role/', '.');
    const waiver = fc.record({ ruleId: fc.constantFrom('R1', 'R2'), resource: fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join('')) });
    fc.assert(
      fc.property(
        fc.array(waiver, { maxLength: 12 }),
        fc.constantFrom(...names),
        fc.constantFrom(...names),
        fc.constantFrom('R1', 'R2'),
        (ws, address, name, rule) => {
          const facts: WaiverFact[] = ws.map((w, i) => ({ id: `w${i}`, ...w, problems: [], origin: {} }));
          const r = { address, name, id: address };
          expect(new WaiverIndex(facts).first(rule, r)?.id).toBe(facts.find((w) => waiverCovers(w, rule, r))?.id);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
