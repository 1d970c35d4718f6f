/**
 * Under --synth, an aws_iam_policy_document whose principal is a reference no input resolves
 * (a data source read at apply) keeps its other statements when it is a data store's resource
 * policy: the principal is the access map's `unresolved` one and NHI-LP-010 judges it. A trust
 * policy written the same way stays unknown (the trust rules cannot tell `*` or the own root from
 * a named role), as before.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSynth } from '../../checks/loaders/synth.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-unresolved-synth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TAGS = { owner: 'radiology', purpose: 'scans', 'data-class': 'phi', environment: 'prod', 'expires-on': '2027-06-30', 'identity-kind': 'service' };
const VENDOR = '${data.aws_iam_role.vendor.arn}';
const statement = (sid: string, actions: string[], resources: string[], identifiers: string[]) => ({
  sid,
  effect: 'Allow',
  actions,
  resources,
  principals: [{ type: 'AWS', identifiers }],
});

function app(): string {
  const stack = {
    data: {
      aws_iam_role: { vendor: { name: 'vendor-analytics' } },
      aws_iam_policy_document: {
        scans: { statement: [statement('Vendor', ['s3:GetObject'], ['${aws_s3_bucket.scans.arn}/*'], [VENDOR])] },
        trust: { statement: [statement('VendorAssume', ['sts:AssumeRole'], [], [VENDOR])] },
      },
    },
    resource: {
      aws_s3_bucket: { scans: { bucket: 'stmarys-scans', tags: TAGS } },
      aws_s3_bucket_policy: { scans: { bucket: '${aws_s3_bucket.scans.id}', policy: '${data.aws_iam_policy_document.scans.json}' } },
      aws_iam_role: { reader: { name: 'scans-reader', tags: TAGS, assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } },
    },
  };
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ version: '0.21.0', stacks: { radiology: { name: 'radiology', synthesizedStackPath: 'stacks/radiology/cdk.tf.json' } } }),
  );
  mkdirSync(path.join(dir, 'stacks', 'radiology'), { recursive: true });
  writeFileSync(path.join(dir, 'stacks', 'radiology', 'cdk.tf.json'), JSON.stringify(stack));
  return dir;
}

describe('an unresolved principal in a policy document data source under --synth', () => {
  it('keeps a bucket policy statement with its principal as written; a trust policy stays unknown', async () => {
    const inv = await loadSynth(app());
    const bucket = inv.dataStores.find((d) => d.name === 'stmarys-scans')!;
    expect(bucket.resourcePolicy?.known).toBe(true);
    expect(bucket.resourcePolicy?.document?.statements.map((s) => [s.sid, s.principals?.aws])).toEqual([['Vendor', [VENDOR]]]);
    const role = inv.identities.find((i) => i.name === 'scans-reader')!;
    expect(role.trust?.known).toBe(false);
  });

  it('the map shows the unresolved principal reading the phi bucket and NHI-LP-010 reports it', async () => {
    const access = await runCli(['access', '--synth', app(), '--format', 'json', '--now', '2026-11-22']);
    expect(access.stderr).toBe('');
    const doc = JSON.parse(access.stdout) as { stores: Array<{ label: string; reaches: Array<{ principal: { label: string }; via: string }> }> };
    const rows = doc.stores.flatMap((s) => s.reaches.map((r) => `${s.label} | ${r.principal.label} | ${r.via}`));
    expect(rows).toEqual([`s3 stmarys-scans | unresolved ${VENDOR} | resource-policy`]);
    const check = await runCli(['check', '--synth', app(), '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    const lp010 = (JSON.parse(check.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings.filter((f) => f.ruleId === 'NHI-LP-010');
    expect(lp010.map((f) => f.message.split(' reaches ')[0])).toEqual([`principal ${VENDOR} (not resolved in this input) (no data-class known)`]);
  });
});
