/**
 * PhiDataStore: where patient data lives, declared so the checker knows it (data-class phi,
 * NHI-LP-008): an S3 bucket (public access blocked, versioned, SSE-KMS with a customer-managed
 * key) and/or a DynamoDB table (encrypted with the same key, point-in-time recovery). ARNs are
 * exposed for grants, and the grant helpers refuse identities whose data class is not phi.
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { phiKeyPolicy } from './key-policy.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { Construct } from 'constructs';
import type { GovernedRole } from './governed-role.js';
import { governanceTags, type Governance, type Governed, type TagKeys } from './governance.js';
import { bucketNameProblems, tableNameProblems, tagProblems } from './aws-limits.js';
import { reportProblem, reportProblems } from './problems.js';
import { recordSourceLocation } from './source-location.js';

export interface PhiTableProps {
  name: string;
  hashKey: string;
  rangeKey?: string;
}

export interface PhiDataStoreProps {
  governance: Governance;
  /** S3 bucket name (when the store has a bucket). */
  bucketName?: string;
  /** DynamoDB table (when the store has a table); key attributes are strings. */
  table?: PhiTableProps;
  tagKeys?: TagKeys;
}

export type Access = 'read' | 'read-write';

const S3_READ = ['s3:GetObject'];
const S3_WRITE = ['s3:PutObject'];
const DDB_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const DDB_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export class PhiDataStore extends Construct implements Governed {
  readonly governance: Governance;
  readonly key: KmsKey;
  readonly bucket?: S3Bucket;
  readonly table?: DynamodbTable;

  constructor(scope: Construct, id: string, props: PhiDataStoreProps) {
    super(scope, id);
    recordSourceLocation(this);
    if (!props.bucketName && !props.table) reportProblem(this, 'a PhiDataStore needs a bucketName, a table, or both');
    this.governance = props.governance;
    const tags = governanceTags(props.governance, props.tagKeys);
    // Names and tags outside what S3 and DynamoDB accept: recorded, reported with the others at synth.
    reportProblems(this, [
      ...(props.bucketName !== undefined ? bucketNameProblems(props.bucketName) : []),
      ...(props.table ? tableNameProblems(props.table.name) : []),
      ...tagProblems(tags),
    ]);
    this.key = new KmsKey(this, 'Key', {
      description: `encrypts ${[props.bucketName, props.table?.name].filter(Boolean).join(' and ')} (data-class phi)`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // S3 objects and DynamoDB items are decrypted by the storing service only.
      policy: phiKeyPolicy(this, [...(props.bucketName ? ['s3'] : []), ...(props.table ? ['dynamodb'] : [])]),
      tags,
    });
    if (props.bucketName) {
      const bucket = new S3Bucket(this, 'Bucket', { bucket: props.bucketName, tags });
      new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
        bucket: bucket.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
      });
      new S3BucketVersioningA(this, 'Versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
      this.bucket = bucket;
    }
    if (props.table) {
      const t = props.table;
      this.table = new DynamodbTable(this, 'Table', {
        name: t.name,
        billingMode: 'PAY_PER_REQUEST',
        hashKey: t.hashKey,
        ...(t.rangeKey ? { rangeKey: t.rangeKey } : {}),
        attribute: [{ name: t.hashKey, type: 'S' }, ...(t.rangeKey ? [{ name: t.rangeKey, type: 'S' }] : [])],
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
        tags,
      });
    }
  }

  governanceChecks(): string[] {
    return this.governance.dataClass === 'phi' ? [] : [`dataClass must be "phi" for a PhiDataStore (got "${this.governance.dataClass}")`];
  }

  get bucketArn(): string {
    return this.need(this.bucket, 'bucket').arn;
  }

  /** ARN pattern of every object in the bucket. */
  get objectsArn(): string {
    return `${this.bucketArn}/*`;
  }

  get tableArn(): string {
    return this.need(this.table, 'table').arn;
  }

  get keyArn(): string {
    return this.key.arn;
  }

  /** Grants object (and list) access to the bucket, with use of the key. */
  grantBucket(identity: GovernedRole, access: Access): void {
    if (!this.mayRead(identity)) return;
    identity.grant({ actions: access === 'read' ? S3_READ : [...S3_READ, ...S3_WRITE], resources: [this.objectsArn] });
    identity.grant({ actions: ['s3:ListBucket'], resources: [this.bucketArn] });
    this.grantKey(identity, access, 's3');
  }

  /** Grants item access to the table, with use of the key. */
  grantTable(identity: GovernedRole, access: Access): void {
    if (!this.mayRead(identity)) return;
    identity.grant({ actions: access === 'read' ? DDB_READ : [...DDB_READ, ...DDB_WRITE], resources: [this.tableArn] });
    this.grantKey(identity, access, 'dynamodb');
  }

  private grantKey(identity: GovernedRole, access: Access, service: string): void {
    identity.grant({
      actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [this.key.arn],
      conditions: [{ test: 'StringLike', variable: 'kms:ViaService', values: [`${service}.*.amazonaws.com`] }],
    });
  }

  /** False (recorded as a problem of the identity) when a non-phi identity asks for access. */
  private mayRead(identity: GovernedRole): boolean {
    if (identity.governance.dataClass === 'phi') return true;
    reportProblem(
      identity,
      `data-class ${identity.governance.dataClass} identity cannot be granted access to phi store ${this.node.path}; declare it data-class phi (NHI-LP-008)`,
    );
    return false;
  }

  private need<T>(v: T | undefined, what: string): T {
    if (!v) throw new Error(`${this.node.path}: this store has no ${what}`);
    return v;
  }
}
