/**
 * Live data stores with their tags (the data-class tag marks PHI), read-only, for NHI-LP-008
 * and the PHI access map. Calls grow with stores only where AWS has no call that returns tags
 * with the listing:
 *   - S3 ListBuckets (once per account: bucket names are global) + GetBucketLocation per bucket;
 *     then GetBucketTagging per bucket of a region read, with that region's client. A bucket is
 *     attributed to its region and read by the run of that region only (one bucket is never read
 *     twice across regions or per-region jobs; a bucket of a region not read is not listed)
 *   - DynamoDB ListTables + ListTagsOfResource per table (per region)
 *   - RDS DescribeDBInstances, DescribeDBClusters (tags included; per region)
 *   - HealthLake ListFHIRDatastores + ListTagsForResource per datastore (per region)
 *   - KMS ListKeys, ListAliases + ListResourceTags, GetKeyRotationStatus and GetKeyPolicy (the
 *     default policy) per customer managed key (per region; AWS managed keys, aliased
 *     alias/aws/..., carry no tags and are not listed as stores): rotation and an own key policy
 *     for NHI-ROT-009. A key that cannot rotate (asymmetric, imported, pending deletion) has
 *     rotation null (not judged); the policy text is read to compare and dropped.
 * Per-store calls run at most `concurrency` at once. A failure is a gap naming the store.
 */
import { GetBucketLocationCommand, GetBucketTaggingCommand, paginateListBuckets, type S3Client } from '@aws-sdk/client-s3';
import { ListTagsOfResourceCommand, paginateListTables, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateDescribeDBClusters, paginateDescribeDBInstances, type RDSClient } from '@aws-sdk/client-rds';
import { ListTagsForResourceCommand, paginateListFHIRDatastores, type HealthLakeClient } from '@aws-sdk/client-healthlake';
import {
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  paginateListAliases,
  paginateListKeys,
  type KMSClient,
  type Tag as KmsTag,
} from '@aws-sdk/client-kms';
import { isAwsManagedKeyRef } from '../aws.js';
import { isDefaultKeyPolicy } from '../loaders/inventoryBuilder.js';
import type { DataStore } from '../model.js';
import type { LiveContext } from './map.js';
import { mapBucket, mapDatastore, mapDbCluster, mapDbInstance, mapKey, mapTable, tableArn } from './mapStores.js';
import type { Recorder } from './recorder.js';

const present = <T>(x: T | undefined): x is T => x !== undefined;
/** Tags of one resource: at most this many pages (AWS allows 50 tags per resource). */
const MAX_TAG_PAGES = 20;

/** S3 answers NoSuchTagSet for a bucket without tags: no tags, not a gap. */
const noTags = (e: unknown) => (e as { name?: string; Code?: string })?.name === 'NoSuchTagSet' || (e as { Code?: string })?.Code === 'NoSuchTagSet';

/** A bucket of the account and the region it is in. */
export interface LocatedBucket {
  name: string;
  region: string;
}

/**
 * The region of a bucket from its GetBucketLocation answer: none (null or empty) is us-east-1,
 * the legacy `EU` is eu-west-1 (as S3 documents), anything else is the region's name.
 */
export function bucketRegion(constraint: string | null | undefined): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

/** The account's buckets (listed once: names are global) with their regions; a bucket whose region cannot be read is a gap naming it. */
export async function locateBuckets(s3: S3Client, rec: Recorder, concurrency: number): Promise<LocatedBucket[]> {
  const pages = await rec.pages('s3', 'ListBuckets', () => paginateListBuckets({ client: s3, pageSize: 1000 }, {}), undefined, true);
  const names = pages
    .flatMap((p) => p.Buckets ?? [])
    .map((b) => b.Name)
    .filter(present);
  const out = await rec.each(
    names,
    concurrency,
    'bucket regions',
    async (name): Promise<LocatedBucket | undefined> => ({
      name,
      region: bucketRegion((await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint),
    }),
    (name, e) => void rec.gap('s3', 'GetBucketLocation', e, { target: name }),
  );
  return out.filter(present);
}

/** The buckets of one region with their tags, read with that region's client. */
export async function regionalBuckets(
  s3: S3Client,
  region: string,
  located: readonly LocatedBucket[],
  rec: Recorder,
  ctx: LiveContext,
  partition: string,
  concurrency: number,
): Promise<DataStore[]> {
  const names = located.filter((b) => b.region === region).map((b) => b.name);
  const out = await rec.each(
    names,
    concurrency,
    `bucket tags (${region})`,
    async (name) => {
      try {
        const r = await s3.send(new GetBucketTaggingCommand({ Bucket: name }));
        return mapBucket(name, r.TagSet, ctx, partition, region);
      } catch (e) {
        if (noTags(e)) return mapBucket(name, [], ctx, partition, region);
        throw e;
      }
    },
    (name, e) => void rec.gap('s3', 'GetBucketTagging', e, { region, target: name }),
  );
  return out.filter(present);
}

export interface RegionalClients {
  dynamodb: DynamoDBClient;
  rds: RDSClient;
  healthlake: HealthLakeClient;
  kms: KMSClient;
  region: string;
}

/** The data stores of one region (DynamoDB, RDS, HealthLake, KMS). `account` builds table ARNs. */
export async function regionalStores(
  c: RegionalClients,
  rec: Recorder,
  ctx: LiveContext,
  account: string | undefined,
  partition: string,
  concurrency: number,
): Promise<DataStore[]> {
  const parts = await Promise.all([
    tables(c, rec, ctx, account, partition, concurrency),
    databases(c, rec, ctx),
    datastores(c, rec, ctx, concurrency),
    keys(c, rec, ctx, concurrency),
  ]);
  return parts.flat();
}

async function tables(
  c: RegionalClients,
  rec: Recorder,
  ctx: LiveContext,
  account: string | undefined,
  partition: string,
  concurrency: number,
): Promise<DataStore[]> {
  const region = c.region;
  const pages = await rec.pages('dynamodb', 'ListTables', () => paginateListTables({ client: c.dynamodb, pageSize: 100 }, {}), region, true);
  const names = pages.flatMap((p) => p.TableNames ?? []);
  if (names.length > 0 && !account) {
    rec.gap('dynamodb', 'ListTagsOfResource', new Error('the account id is unknown (sts GetCallerIdentity failed), so table ARNs are too'), { region });
    return [];
  }
  const out = await rec.each(
    names,
    concurrency,
    `table tags (${region})`,
    async (name) => {
      const arn = tableArn(partition, region, account!, name);
      const tags: Array<{ Key?: string; Value?: string }> = [];
      let token: string | undefined;
      for (let i = 0; i < MAX_TAG_PAGES; i++) {
        const r = await c.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn, ...(token ? { NextToken: token } : {}) }));
        tags.push(...(r.Tags ?? []));
        token = r.NextToken;
        if (!token) break;
      }
      return mapTable(name, arn, tags, ctx);
    },
    (name, e) => void rec.gap('dynamodb', 'ListTagsOfResource', e, { region, target: name }),
  );
  return out.filter(present);
}

async function databases(c: RegionalClients, rec: Recorder, ctx: LiveContext): Promise<DataStore[]> {
  const region = c.region;
  const [instances, clusters] = await Promise.all([
    rec.pages('rds', 'DescribeDBInstances', () => paginateDescribeDBInstances({ client: c.rds, pageSize: 100 }, {}), region, true),
    rec.pages('rds', 'DescribeDBClusters', () => paginateDescribeDBClusters({ client: c.rds, pageSize: 100 }, {}), region, true),
  ]);
  return [
    ...instances.flatMap((p) => p.DBInstances ?? []).map((d) => mapDbInstance(d, ctx)),
    ...clusters.flatMap((p) => p.DBClusters ?? []).map((d) => mapDbCluster(d, ctx)),
  ].filter(present);
}

async function datastores(c: RegionalClients, rec: Recorder, ctx: LiveContext, concurrency: number): Promise<DataStore[]> {
  const region = c.region;
  const pages = await rec.pages(
    'healthlake',
    'ListFHIRDatastores',
    () => paginateListFHIRDatastores({ client: c.healthlake, pageSize: 100 }, {}),
    region,
    true,
  );
  const list = pages.flatMap((p) => p.DatastorePropertiesList ?? []).filter((d) => d.DatastoreStatus !== 'DELETED');
  const out = await rec.each(
    list,
    concurrency,
    `datastore tags (${region})`,
    async (d) => mapDatastore(d, (await c.healthlake.send(new ListTagsForResourceCommand({ ResourceARN: d.DatastoreArn }))).Tags, ctx),
    (d, e) => void rec.gap('healthlake', 'ListTagsForResource', e, { region, target: d.DatastoreId ?? '' }),
  );
  return out.filter(present);
}

async function keys(c: RegionalClients, rec: Recorder, ctx: LiveContext, concurrency: number): Promise<DataStore[]> {
  const region = c.region;
  const [keyPages, aliasPages] = await Promise.all([
    rec.pages('kms', 'ListKeys', () => paginateListKeys({ client: c.kms, pageSize: 1000 }, {}), region, true),
    rec.pages('kms', 'ListAliases', () => paginateListAliases({ client: c.kms, pageSize: 100 }, {}), region, true),
  ]);
  const aliasOf = new Map<string, string>();
  const awsManaged = new Set<string>();
  for (const a of aliasPages.flatMap((p) => p.Aliases ?? [])) {
    if (!a.TargetKeyId || !a.AliasName) continue;
    if (isAwsManagedKeyRef(a.AliasName)) awsManaged.add(a.TargetKeyId);
    else if (!aliasOf.has(a.TargetKeyId)) aliasOf.set(a.TargetKeyId, a.AliasName);
  }
  const list = keyPages.flatMap((p) => p.Keys ?? []).filter((k) => k.KeyId && k.KeyArn && !awsManaged.has(k.KeyId));
  const out = await rec.each(
    list,
    concurrency,
    `key tags (${region})`,
    async (k) => {
      const tags: KmsTag[] = [];
      let marker: string | undefined;
      for (let i = 0; i < MAX_TAG_PAGES; i++) {
        const r = await c.kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId, ...(marker ? { Marker: marker } : {}) }));
        tags.push(...(r.Tags ?? []));
        marker = r.Truncated ? r.NextMarker : undefined;
        if (!marker) break;
      }
      const key = mapKey(k.KeyId!, k.KeyArn!, aliasOf.get(k.KeyId!), tags, ctx);
      const [keyRotation, keyPolicy] = await Promise.all([rotation(c.kms, rec, region, k.KeyId!), ownPolicy(c.kms, rec, region, k.KeyId!)]);
      return { ...key, keyRotation, keyPolicy };
    },
    (k, e) => void rec.gap('kms', 'ListResourceTags', e, { region, target: k.KeyId! }),
  );
  return out.filter(present);
}

/** KMS answers these for a key whose rotation cannot be read in its state or kind: not applicable, no gap. */
const NOT_ROTATABLE = new Set(['UnsupportedOperationException', 'KMSInvalidStateException']);

/** Automatic rotation of a key: true or false; null when it does not apply or could not be read (a gap). */
async function rotation(kms: KMSClient, rec: Recorder, region: string, keyId: string): Promise<boolean | null> {
  try {
    return (await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled === true;
  } catch (e) {
    if (!NOT_ROTATABLE.has((e as { name?: string })?.name ?? '')) rec.gap('kms', 'GetKeyRotationStatus', e, { region, target: keyId });
    return null;
  }
}

/** Whether the key has a policy of its own (not the default AWS attaches); null when it could not be read (a gap). */
async function ownPolicy(kms: KMSClient, rec: Recorder, region: string, keyId: string): Promise<boolean | null> {
  try {
    const text = (await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy ?? '';
    return text.trim() !== '' && !isDefaultKeyPolicy(text);
  } catch (e) {
    rec.gap('kms', 'GetKeyPolicy', e, { region, target: keyId });
    return null;
  }
}
