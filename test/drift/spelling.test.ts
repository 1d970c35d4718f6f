/**
 * Drift messages name IAM actions as the live document spells them (`s3:PutObject`), while the
 * comparison stays case-insensitive: the hand-made snapshot's widened read-lab policy, written in
 * AWS's usual mixed case and loaded by the policy-document loader, is the same one finding.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../checks/findings.js';
import { documentOf } from '../../checks/loaders/policyDocument.js';
import { runCli } from '../support/cli.js';
import { ESTATE_TFSTATE } from '../support/estate.js';

const SNAPSHOT = path.resolve('test/fixtures/snapshots/handmade-estate-drift.json');
const NOW = '2026-11-22T00:00:00Z';

type Json = Record<string, any>;

/** The snapshot with the live read-lab policy and the legacy-batch trust as AWS returns them (mixed case). */
function mixedCaseSnapshot(): string {
  const snap = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Json;
  const policy = (snap.inventory ?? snap).policies.find((p: Json) => p.id === 'inline:role:svc-lab:read-lab');
  policy.document = documentOf({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['S3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::nhi-fixture-phi-results/*' }],
  });
  const role = (snap.inventory ?? snap).identities.find((i: Json) => i.name === 'legacy-batch' && i.kind === 'role');
  for (const s of role.trust.document.statements) {
    if (s.actions?.includes('sts:assumerole')) s.writtenActions = s.actions.map((a: string) => (a === 'sts:assumerole' ? 'sts:AssumeRole' : a));
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'nhi-spelling-')), 'snapshot.json');
  writeFileSync(file, JSON.stringify(snap));
  return file;
}

describe('drift messages keep the IAM action spelling', () => {
  it('the loader keeps the written spelling beside the lower case it compares', () => {
    const d = documentOf({ Statement: [{ Effect: 'Allow', Action: ['S3:GetObject', 's3:putobject'], NotAction: 'IAM:*', Resource: '*' }] });
    expect(d.document!.statements[0]).toMatchObject({
      actions: ['s3:getobject', 's3:putobject'],
      writtenActions: ['S3:GetObject', 's3:putobject'],
      notActions: ['iam:*'],
      writtenNotActions: ['IAM:*'],
    });
    // Already lower case: nothing kept twice.
    expect(documentOf({ Statement: [{ Effect: 'Allow', Action: 's3:getobject', Resource: '*' }] }).document!.statements[0]).not.toHaveProperty(
      'writtenActions',
    );
  });

  it('permission and trust drift name the live spelling, and match case-insensitively', async () => {
    const r = await runCli([
      'drift',
      '--declared-state',
      ESTATE_TFSTATE,
      '--snapshot',
      mixedCaseSnapshot(),
      '--now',
      NOW,
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as FindingsDocument;
    const lab = doc.findings.filter((f) => f.ruleId === 'NHI-DRIFT-003' && f.resource.name === 'svc-lab');
    // The declaration allows s3:GetObject (in lower case): only the added action is drift.
    expect(lab.map((f) => f.message)).toEqual([
      'policy read-lab of role svc-lab allows s3:PutObject on arn:aws:s3:::nhi-fixture-phi-results/* live, which the declaration does not',
    ]);
    expect(doc.findings.find((f) => f.ruleId === 'NHI-DRIFT-007')!.message).toBe(
      'role legacy-batch: the live trust policy admits AWS arn:aws:iam::999988887777:root to sts:AssumeRole, which the declaration does not',
    );
  });
});
