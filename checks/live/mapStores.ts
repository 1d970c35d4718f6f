/**
 * Pure mapping from AWS API responses to the data stores of a live Inventory (no I/O): S3
 * buckets, DynamoDB tables, RDS instances and clusters, HealthLake datastores and KMS keys, with
 * their tags (the data-class tag marks PHI). The id of a live data store is its ARN: unique
 * across regions and accounts, stable across runs.
 */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import type { DatastoreProperties } from '@aws-sdk/client-healthlake';
import type { DataStore } from '../model.js';
import { tagsOf, type LiveContext } from './map.js';

type Tags = Array<{ Key?: string; Value?: string }> | undefined;

function store(kind: DataStore['kind'], name: string, arn: string, tags: Record<string, string>, ctx: LiveContext): DataStore {
  return { id: arn, kind, name, arn, tags, change: 'existing', origin: { source: 'live', file: ctx.file, arn } };
}

/** `aws`, `aws-cn` or `aws-us-gov`: the partition of an ARN the account showed (default `aws`). */
export function partitionOf(arn: string | undefined): string {
  return /^arn:(aws[a-z-]*):/.exec(arn ?? '')?.[1] ?? 'aws';
}

/** A bucket; its ARN names no region, so the region it is in (GetBucketLocation) is kept beside it. */
export function mapBucket(name: string, tags: Tags, ctx: LiveContext, partition = 'aws', region?: string): DataStore {
  const bucket = store('s3', name, `arn:${partition}:s3:::${name}`, tagsOf(tags), ctx);
  return region ? { ...bucket, region } : bucket;
}

export function tableArn(partition: string, region: string, account: string, table: string): string {
  return `arn:${partition}:dynamodb:${region}:${account}:table/${table}`;
}

export function mapTable(name: string, arn: string, tags: Tags, ctx: LiveContext): DataStore {
  return store('dynamodb', name, arn, tagsOf(tags), ctx);
}

export function mapDbInstance(d: DBInstance, ctx: LiveContext): DataStore | undefined {
  if (!d.DBInstanceIdentifier || !d.DBInstanceArn) return undefined;
  return store('rds', d.DBInstanceIdentifier, d.DBInstanceArn, tagsOf(d.TagList), ctx);
}

export function mapDbCluster(c: DBCluster, ctx: LiveContext): DataStore | undefined {
  if (!c.DBClusterIdentifier || !c.DBClusterArn) return undefined;
  return store('rds', c.DBClusterIdentifier, c.DBClusterArn, tagsOf(c.TagList), ctx);
}

export function mapDatastore(d: DatastoreProperties, tags: Tags, ctx: LiveContext): DataStore | undefined {
  if (!d.DatastoreArn || !d.DatastoreId) return undefined;
  return store('healthlake', d.DatastoreName || d.DatastoreId, d.DatastoreArn, tagsOf(tags), ctx);
}

/** A KMS key named by its first alias (without `alias/`), else its key id. KMS tags are TagKey/TagValue. */
export function mapKey(
  keyId: string,
  arn: string,
  alias: string | undefined,
  tags: Array<{ TagKey?: string; TagValue?: string }> | undefined,
  ctx: LiveContext,
): DataStore {
  return store('kms', alias ? alias.replace(/^alias\//, '') : keyId, arn, tagsOf((tags ?? []).map((t) => ({ Key: t.TagKey, Value: t.TagValue }))), ctx);
}
