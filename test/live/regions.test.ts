/**
 * `--all-regions` against moto: the regions come from the account (EC2 DescribeRegions, read
 * once), IAM is read once, Secrets Manager and the data stores in every enabled region; a region
 * that fails is a gap of that region (exit 3) and the others are reported; when the region list
 * itself cannot be read, the home region is read and the gap says so. S3 buckets are listed once
 * and each is attributed to its region (GetBucketLocation): a run of some regions reads only their
 * buckets, so per-region runs never read one bucket twice.
 */
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectLive } from '../../checks/live/collect.js';
import type { FindingsDocument } from '../../checks/findings.js';
import type { Inventory } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { REGION, seedAccount, TEST_CREDENTIALS, useTestCredentials } from './account.js';

const SEEDED = [REGION, 'eu-west-1', 'ap-southeast-2'];
const ACCOUNT = '123456789012';
let moto: MotoServer;
let proxy: FaultProxy;
/**
 * What the account says is enabled, asked here with the SDK: moto lists every region with its
 * opt-in status (AWS lists only the enabled ones); those not opted in, and the regions of other
 * partitions (aws-us-gov, aws-cn), which the account's credentials cannot reach, are not enabled.
 */
let enabled: string[];
let notOptedIn: string[];
let inv: Inventory;
const env = () => ({ ...process.env, AWS_REGION: REGION });
const secretName = (region: string) => `regional/${region}/hl7-token`;
const bucketName = (region: string) => `scans-${region}`;

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  await seedAccount(moto.url);
  for (const region of SEEDED) {
    const sm = new SecretsManagerClient({ region, endpoint: moto.url, credentials: TEST_CREDENTIALS });
    const ddb = new DynamoDBClient({ region, endpoint: moto.url, credentials: TEST_CREDENTIALS });
    const s3 = new S3Client({ region, endpoint: moto.url, credentials: TEST_CREDENTIALS, forcePathStyle: true });
    try {
      // us-east-1 is the bucket without a location constraint (GetBucketLocation answers none).
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucketName(region),
          ...(region === REGION ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
        }),
      );
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucketName(region), Tagging: { TagSet: [{ Key: 'data-class', Value: 'phi' }] } }));
      await sm.send(
        new CreateSecretCommand({ Name: secretName(region), SecretString: 'CANARY-REGIONS-91c2-not-printed', Tags: [{ Key: 'owner', Value: 'lab-team' }] }),
      );
      await ddb.send(
        new CreateTableCommand({
          TableName: `patients-${region}`,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          Tags: [{ Key: 'data-class', Value: 'phi' }],
        }),
      );
    } finally {
      sm.destroy();
      ddb.destroy();
      s3.destroy();
    }
  }
  const ec2 = new EC2Client({ region: REGION, endpoint: moto.url, credentials: TEST_CREDENTIALS });
  try {
    const r = await ec2.send(new DescribeRegionsCommand({}));
    const all = r.Regions ?? [];
    enabled = all
      .filter((x) => x.OptInStatus !== 'not-opted-in' && !/^(us-gov|cn)-/.test(x.RegionName!))
      .map((x) => x.RegionName!)
      .sort();
    notOptedIn = all.filter((x) => x.OptInStatus === 'not-opted-in').map((x) => x.RegionName!);
  } finally {
    ec2.destroy();
  }
  proxy = await startFaultProxy(moto.url);
  inv = await collectLive({ region: REGION, allRegions: true, endpoint: proxy.url });
}, 240_000);

afterEach(() => proxy.clearFaults());

/**
 * The CLI cases read an account with fewer regions enabled: the DescribeRegions answer keeps only
 * the seeded regions and one that is not opted in (each region read costs some 25 calls on a busy
 * machine). The first case reads moto's own full list.
 */
const fewerRegions = () =>
  proxy.setFault('DescribeRegions', {
    kind: 'rewrite',
    rewrite: (body) =>
      body.replace(/<item>[\s\S]*?<\/item>/g, (item) =>
        SEEDED.some((r) => item.includes(`<regionName>${r}</regionName>`)) || item.includes('<regionName>ap-east-1</regionName>') ? item : '',
      ),
  });

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

describe('--all-regions against moto', () => {
  it('reads every region the account has enabled: one input each, DescribeRegions and IAM once, the regional services per region', () => {
    expect(enabled.length).toBeGreaterThan(SEEDED.length);
    for (const r of SEEDED) expect(enabled).toContain(r);
    expect(inv.gaps).toEqual([]);
    expect(inv.inputs.map((i) => i.file).sort()).toEqual(enabled.map((r) => `aws:${ACCOUNT}/${r}`).sort());
    expect(notOptedIn.length).toBeGreaterThan(0);
    for (const r of notOptedIn) expect(inv.inputs.map((i) => i.file)).not.toContain(`aws:${ACCOUNT}/${r}`);
    expect(proxy.calls('DescribeRegions')).toBe(1);
    expect(proxy.calls('GetAccountAuthorizationDetails')).toBe(1);
    expect(proxy.calls('ListBuckets')).toBe(1);
    // One location and one tag call per bucket, whatever the number of regions read.
    expect(proxy.calls('GetBucketLocation')).toBe(SEEDED.length);
    expect(proxy.calls('GetBucketTagging')).toBe(SEEDED.length);
    expect(proxy.calls('ListSecrets')).toBe(enabled.length);
    expect(proxy.calls('ListTables')).toBe(enabled.length);
    // Each seeded region's secret and table, with the region in its ARN.
    for (const r of SEEDED) {
      expect(inv.credentials.find((c) => c.name === secretName(r))?.arn, r).toMatch(new RegExp(`^arn:aws:secretsmanager:${r}:${ACCOUNT}:secret:`));
      expect(inv.dataStores.find((d) => d.name === `patients-${r}`)?.arn, r).toBe(`arn:aws:dynamodb:${r}:${ACCOUNT}:table/patients-${r}`);
      // Each bucket once, in its region (read in that region's turn: its input file).
      const buckets = inv.dataStores.filter((d) => d.name === bucketName(r));
      expect(buckets, r).toHaveLength(1);
      expect(buckets[0], r).toMatchObject({ region: r, tags: { 'data-class': 'phi' }, origin: { file: `aws:${ACCOUNT}/${r}` } });
    }
    expect(check('inventory', inv)).toBeNull();
  });

  it('a run of some regions reads the buckets of those regions only: per-region runs read each bucket once', async () => {
    const seen: string[] = [];
    for (const regions of [[REGION], ['eu-west-1', 'ap-southeast-2']]) {
      const before = proxy.calls('GetBucketTagging');
      const part = await collectLive({ region: regions[0]!, regions, endpoint: proxy.url });
      expect(part.gaps).toEqual([]);
      const buckets = part.dataStores.filter((d) => d.kind === 's3');
      expect(buckets.map((d) => `${d.name} ${d.region}`).sort(), regions.join()).toEqual(regions.map((x) => `${bucketName(x)} ${x}`).sort());
      expect(proxy.calls('GetBucketTagging') - before, regions.join()).toBe(regions.length);
      seen.push(...buckets.map((d) => d.name!));
    }
    expect(seen.sort()).toEqual(SEEDED.map(bucketName).sort());
    // The PHI stores rows of a bucket name its region.
    const r = await runCli(['check', '--live', 'aws', '--region', 'eu-west-1', '--endpoint', moto.url, '--format', 'json', '--fail-on', 'none'], env());
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as FindingsDocument;
    expect(doc.phiStores!.filter((s) => s.kind === 's3').map((s) => `${s.name} ${s.region}`)).toEqual([`${bucketName('eu-west-1')} eu-west-1`]);
  }, 240_000);

  it('a region that fails is a gap of that region (exit 3); the other regions are reported', async () => {
    fewerRegions();
    proxy.setFault('ListSecrets', { kind: 'access-denied', region: 'ap-southeast-2' });
    const r = await runCli(
      ['check', '--live', 'aws', '--all-regions', '--region', REGION, '--endpoint', proxy.url, '--format', 'json', '--fail-on', 'none'],
      env(),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^nhi-guard: incomplete: 1 part\(s\) of the account could not be read \(first: secretsmanager ListSecrets \(ap-southeast-2\)/);
    const doc = JSON.parse(r.stdout) as FindingsDocument;
    expect(check('findings', doc)).toBeNull();
    expect(doc.gaps!.map((g) => `${g.service} ${g.operation} ${g.region}`)).toEqual(['secretsmanager ListSecrets ap-southeast-2']);
    expect(doc.inputs.map((i) => i.file).sort()).toEqual(SEEDED.map((x) => `aws:${ACCOUNT}/${x}`).sort());
    // The secrets of the regions that answered are judged (no rotation: NHI-ROT-001), the failed region's is not there.
    const rot = doc.findings
      .filter((f) => f.ruleId === 'NHI-ROT-001' && f.resource.name.startsWith('regional/'))
      .map((f) => f.resource.name)
      .sort();
    expect(rot).toEqual([secretName('eu-west-1'), secretName(REGION)].sort());
    // The failed region's data stores were still read.
    expect(doc.phiStores!.map((s) => `${s.kind} ${s.region}`).sort()).toEqual(SEEDED.flatMap((x) => [`dynamodb ${x}`, `s3 ${x}`]).sort());
    expect(r.stdout).not.toContain('CANARY');
  }, 240_000);

  it('when the region list cannot be read, the home region is read and the gap names DescribeRegions (exit 3)', async () => {
    proxy.setFault('DescribeRegions', { kind: 'access-denied' });
    const r = await runCli(
      ['check', '--live', 'aws', '--all-regions', '--region', REGION, '--endpoint', proxy.url, '--format', 'json', '--fail-on', 'none'],
      env(),
    );
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as FindingsDocument;
    expect(doc.gaps!.map((g) => `${g.service} ${g.operation} ${g.region}`)).toEqual([`ec2 DescribeRegions ${REGION}`]);
    expect(doc.inputs.map((i) => i.file)).toEqual([`aws:${ACCOUNT}/${REGION}`]);
  }, 240_000);
});
