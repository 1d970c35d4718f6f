/**
 * A phi or pii store whose resource policy, or the key policy of the KMS key that gates it, the
 * access map could not read is never silently treated as having none: the facts name it
 * (checks/access/unjudged.ts) and NHI-UNK-002 reports an unreadable one on the store, without
 * the policy's text (a sensitive policy is never read).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unjudgedPolicies } from '../../checks/access/unjudged.js';
import { emptyInventory, type AccessStore, type DataStore } from '../../checks/model.js';
import { runCli } from '../support/cli.js';
import { canary } from '../support/hostile.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-unjudged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TAGS = { owner: 'radiology', purpose: 'scans', 'data-class': 'phi', environment: 'prod', 'expires-on': '2027-06-30' };

const bucket = (name: string, tags: Record<string, string>) => ({
  address: `aws_s3_bucket.${name}`,
  mode: 'managed',
  type: 'aws_s3_bucket',
  name,
  values: { bucket: `stmarys-${name}`, tags, tags_all: tags },
});
const bucketPolicy = (name: string, policy: string, sensitive: boolean) => ({
  address: `aws_s3_bucket_policy.${name}`,
  mode: 'managed',
  type: 'aws_s3_bucket_policy',
  name,
  values: { bucket: `stmarys-${name}`, policy },
  sensitive_values: sensitive ? { policy: true } : {},
});

async function check(resources: unknown[]): Promise<Array<{ ruleId: string; message: string; resource: { address?: string } }>> {
  const file = path.join(dir, `plan-${resources.length}-${Math.random().toString(36).slice(2)}.json`);
  const resource_changes = (resources as Array<{ address: string; mode: string; type: string; name: string; values: unknown; sensitive_values: unknown }>).map(
    (r) => ({
      address: r.address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      change: { actions: ['create'], before: null, after: r.values, after_unknown: {}, after_sensitive: r.sensitive_values ?? {} },
    }),
  );
  writeFileSync(file, JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources } }, resource_changes }));
  const r = await runCli(['check', '--plan', file, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z']);
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toContain('CANARY-');
  return (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string; resource: { address?: string } }> }).findings;
}

const storeFindings = (fs: Awaited<ReturnType<typeof check>>) =>
  fs.filter((f) => f.ruleId.startsWith('NHI-UNK-') && f.message.includes('the access map of')).map((f) => `${f.ruleId} ${f.resource.address}`);

describe('store policies the access map could not read', () => {
  it('a bucket policy marked sensitive on a phi bucket is NHI-UNK-002 on the bucket, its text never printed', async () => {
    const secretText = canary('bucket-policy');
    const fs = await check([bucket('scans', TAGS), bucketPolicy('scans', JSON.stringify({ Version: '2012-10-17', Statement: [], Sid: secretText }), true)]);
    expect(storeFindings(fs)).toEqual(['NHI-UNK-002 aws_s3_bucket.scans']);
    expect(fs.find((f) => f.resource.address === 'aws_s3_bucket.scans' && f.ruleId === 'NHI-UNK-002')!.message).toBe(
      'the resource policy could not be judged (policy of aws_s3_bucket_policy.scans is marked sensitive, so nhi-guard does not read it): the access map of s3 stmarys-scans (data-class phi) cannot tell whom it admits',
    );
  });

  it('the same bucket policy readable, or on a bucket of no mapped class, is no store finding', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::stmarys-scans/*' }],
    });
    expect(storeFindings(await check([bucket('scans', TAGS), bucketPolicy('scans', policy, false)]))).toEqual([]);
    expect(storeFindings(await check([bucket('logs', { ...TAGS, 'data-class': 'internal' }), bucketPolicy('logs', policy, true)]))).toEqual([]);
  });

  it('names the gating key policy, unknown or unreadable, beside the store own policy', () => {
    const store = (id: string, kmsKey?: string, resourcePolicy?: DataStore['resourcePolicy']): DataStore => ({
      id,
      kind: 's3',
      name: id,
      tags: {},
      dataClass: 'phi',
      change: 'create',
      origin: { source: 'plan' },
      ...(kmsKey ? { kmsKey } : {}),
      ...(resourcePolicy ? { resourcePolicy } : {}),
    });
    const key = (id: string, resourcePolicy: DataStore['resourcePolicy']): DataStore => ({
      id,
      kind: 'kms',
      name: id,
      tags: {},
      change: 'create',
      origin: { source: 'plan' },
      ...(resourcePolicy ? { resourcePolicy } : {}),
    });
    const inv = emptyInventory();
    inv.dataStores = [
      key('kms/broken', { known: false, unreadable: true, reason: 'policy document is not valid JSON' }),
      key('kms/fine', { known: true, document: { statements: [] } }),
      store('s3/a', 'kms/broken', { known: false, reason: 'policy is known only after apply' }),
      store('s3/b', 'kms/fine'),
      store('s3/c', 'arn:aws:kms:eu-west-1:123456789012:key/elsewhere'),
    ];
    const mapped: AccessStore[] = ['s3/a', 's3/b', 's3/c'].map((id) => ({ id, kind: 's3', name: id, dataClass: 'phi' }));
    const got = unjudgedPolicies(inv, mapped);
    expect([...got.keys()]).toEqual(['s3/a']);
    expect(got.get('s3/a')).toEqual([
      { policy: 'resource-policy', of: 's3/a', name: 's3/a', unreadable: false, reason: 'policy is known only after apply' },
      { policy: 'key-policy', of: 'kms/broken', name: 'kms/broken', unreadable: true, reason: 'policy document is not valid JSON' },
    ]);
  });
});
