/**
 * PHI data stores read live from a real moto server: S3 buckets, DynamoDB tables, RDS instances
 * and clusters and KMS keys with their data-class tags (moto 5.2.1 has no HealthLake: its List
 * call is answered with an HTML error page, which counts as "not offered there", not as a gap;
 * the HealthLake collection itself goes through the real SDK client). NHI-LP-008 then runs on
 * live state: `check --live aws`, a snapshot, and `drift` (static rules on the live side).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLive } from '../../checks/live/collect.js';
import type { FindingsDocument } from '../../checks/findings.js';
import type { Inventory } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { ESTATE_PLAN } from '../support/estate.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { CANARY, REGION, seedAccount, seedDataStores, useTestCredentials } from './account.js';

let moto: MotoServer;
let proxy: FaultProxy;
let inv: Inventory;
let stores: Awaited<ReturnType<typeof seedDataStores>>;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nhi-stores-'));
const env = () => ({ ...process.env, AWS_REGION: REGION });

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  await seedAccount(moto.url);
  stores = await seedDataStores(moto.url, { rds: true });
  proxy = await startFaultProxy(moto.url);
  inv = await collectLive({ region: REGION, endpoint: proxy.url });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

/** NHI-LP-008 findings as `identity -> the phi stores of the message`. */
const lp008 = (doc: FindingsDocument) =>
  doc.findings
    .filter((f) => f.ruleId === 'NHI-LP-008')
    .map((f) => `${f.identity} -> ${f.message.slice(f.message.indexOf('phi stores: ') + 'phi stores: '.length)}`)
    .sort();

describe('live data stores', () => {
  it('reads every store kind with its tags and ARN, complete and schema-valid', () => {
    expect(inv.gaps).toEqual([]);
    expect(check('inventory', inv)).toBeNull();
    const got = inv.dataStores.map((d) => `${d.kind} ${d.name} ${d.tags['data-class'] ?? '-'}`).sort();
    expect(got).toEqual(
      ['dynamodb patients phi', 'kms phi-key phi', 'rds claims internal', 'rds ehr-db phi', 's3 phi-lab-results phi', 's3 public-assets -'].sort(),
    );
    const table = inv.dataStores.find((d) => d.kind === 'dynamodb')!;
    expect(table).toMatchObject({
      id: `arn:aws:dynamodb:${REGION}:123456789012:table/patients`,
      arn: `arn:aws:dynamodb:${REGION}:123456789012:table/patients`,
      change: 'existing',
      origin: { source: 'live' },
    });
    expect(inv.dataStores.find((d) => d.kind === 'kms')!.arn).toBe(stores.keyArn);
    // A bucket's ARN names no region: the one it is in (GetBucketLocation) is beside it.
    expect(inv.dataStores.filter((d) => d.kind === 's3').map((d) => d.region)).toEqual([REGION, REGION]);
    expect(inv.dataStores.find((d) => d.name === 'ehr-db')!.arn).toBe(`arn:aws:rds:${REGION}:123456789012:db:ehr-db`);
    expect(JSON.stringify(inv)).not.toContain(CANARY);
  });

  it('calls grow with stores only for tags: one listing per service, one tag call per bucket, table and customer key', () => {
    expect(proxy.calls('ListBuckets')).toBe(1);
    expect(proxy.calls('GetBucketLocation')).toBe(2);
    expect(proxy.calls('GetBucketTagging')).toBe(2);
    expect(proxy.calls('ListTables')).toBe(1);
    expect(proxy.calls('ListTagsOfResource')).toBe(1);
    expect(proxy.calls('DescribeDBInstances')).toBe(1);
    expect(proxy.calls('DescribeDBClusters')).toBe(1);
    expect(proxy.calls('ListKeys')).toBe(1);
    expect(proxy.calls('ListResourceTags')).toBe(1);
    // Asked through the real client; moto answers HTTP 500 with an error page (it has no HealthLake):
    // not a gap (the emulated account can hold no datastore) and not retried (the page never changes).
    expect(proxy.calls('ListFHIRDatastores')).toBe(1);
    expect(inv.gaps).toEqual([]);
  });

  it('NHI-LP-008 from live state: the internal reporting role reads the PHI bucket and table', async () => {
    const r = await runCli(['check', '--live', 'aws', '--endpoint', moto.url, '--format', 'json', '--fail-on', 'none'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as FindingsDocument;
    expect(check('findings', doc)).toBeNull();
    expect(lp008(doc)).toEqual(['reporting -> dynamodb patients, s3 phi-lab-results']);
    const f = doc.findings.find((x) => x.ruleId === 'NHI-LP-008')!;
    // Attributed to the identity; the policy is the evidence.
    expect(f).toMatchObject({
      source: 'live',
      severity: 'high',
      identity: 'reporting',
      resource: { type: 'iam-role', name: 'reporting' },
      evidence: [{ type: 'inline-policy', name: 'read-phi' }],
    });
    expect(f.message).toContain('(data-class internal)');
  });

  it('the snapshot carries the stores; check --snapshot and drift find the same NHI-LP-008', async () => {
    const snap = path.join(tmp, 'snap.json');
    const s = await runCli(['snapshot', '--live', 'aws', '--endpoint', moto.url, '--output', snap], env());
    expect(s.code, s.stderr).toBe(0);
    const file = JSON.parse(readFileSync(snap, 'utf8')) as Inventory;
    expect(file.dataStores).toHaveLength(6);
    const c = await runCli(['check', '--snapshot', snap, '--format', 'json', '--fail-on', 'none']);
    expect(c.code, c.stderr).toBe(0);
    expect(lp008(JSON.parse(c.stdout))).toEqual(['reporting -> dynamodb patients, s3 phi-lab-results']);
    const d = await runCli(['drift', '--declared-plan', ESTATE_PLAN, '--snapshot', snap, '--format', 'json', '--fail-on', 'none']);
    expect(d.code, d.stderr).toBe(0);
    expect(lp008(JSON.parse(d.stdout))).toEqual(['reporting -> dynamodb patients, s3 phi-lab-results']);
  });

  it('a store whose tags cannot be read is a gap naming it (exit 3); the other stores are still judged', async () => {
    proxy.setFault('ListTagsOfResource', { kind: 'access-denied' });
    try {
      const r = await runCli(['check', '--live', 'aws', '--endpoint', proxy.url, '--format', 'json', '--fail-on', 'none'], env());
      expect(r.code).toBe(3);
      const doc = JSON.parse(r.stdout) as FindingsDocument;
      expect(doc.gaps).toEqual([
        {
          service: 'dynamodb',
          operation: 'ListTagsOfResource',
          region: REGION,
          target: 'patients',
          account: '123456789012',
          error: expect.stringContaining('AccessDenied'),
        },
      ]);
      expect(lp008(doc)).toEqual(['reporting -> s3 phi-lab-results']);
    } finally {
      proxy.clearFaults();
    }
  });
});
