/**
 * AWS SDK v3 clients for live collection: region, profile (the SDK's shared config and
 * credentials files) or given credentials (an assumed role of a member account), an optional
 * AWS-compatible endpoint (moto, LocalStack), retries with backoff on throttling (the SDK's
 * adaptive retry strategy), and connection/request timeouts.
 * Read-only: the collector only calls List/Get/Describe operations and never GetSecretValue (nor
 * an SSM SecureString's value: GetParameters runs on String and StringList names, without decryption).
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BatchClient } from '@aws-sdk/client-batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { HealthLakeClient } from '@aws-sdk/client-healthlake';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS, type AwsOptions } from './options.js';
import { notOffered } from './recorder.js';
import { BudgetedRetryStrategy, retryBudgetMs } from './retryBudget.js';

export interface AwsClients {
  iam: IAMClient;
  secrets: SecretsManagerClient;
  sts: STSClient;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  rds: RDSClient;
  healthlake: HealthLakeClient;
  kms: KMSClient;
  ec2: EC2Client;
  organizations: OrganizationsClient;
  lambda: LambdaClient;
  ecs: ECSClient;
  ssm: SSMClient;
  autoscaling: AutoScalingClient;
  batch: BatchClient;
  region: string;
  destroy(): void;
}

/** The configuration every client of one region shares. */
export function clientConfig(opts: AwsOptions, region: string, credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider) {
  // The SDK's multi-line notice about future Node versions would break the one-line stderr
  // contract of exit 2/3 on Node 20 (supported by this package); a user can still turn it on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    region,
    // Given credentials (an assumed role) win over the profile.
    ...(credentials ? { credentials } : opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    // adaptive = standard retries (exponential backoff with jitter on throttling and transient
    // errors) plus client-side rate limiting once AWS starts throttling; bounded in attempts and
    // in the total time of one operation (checks/live/retryBudget.ts). An emulator's answer for a
    // service it does not emulate is final: retrying it only costs time (5 attempts per region).
    retryStrategy: new BudgetedRetryStrategy(
      opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryBudgetMs(timeoutMs, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
      undefined,
      opts.endpoint ? (e) => notOffered(e, true) : undefined,
    ),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(10_000, Math.ceil(timeoutMs / 3)),
      requestTimeout: timeoutMs,
      // Without this the handler only logs a warning and the request can hang for ever.
      throwOnRequestTimeout: true,
    }),
  };
}

/** The clients of one region (IAM, STS, S3 listing and Organizations are global: used from the home region's set). */
export function createClients(opts: AwsOptions, region: string = opts.region, credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider): AwsClients {
  const cfg = () => clientConfig(opts, region, credentials);
  // With a custom endpoint every service goes there; S3 then needs path-style addressing (no bucket DNS names).
  // Off it, a bucket of another region is reached through the SDK's region redirect.
  const s3 = new S3Client({ ...cfg(), ...(opts.endpoint ? { forcePathStyle: true } : { followRegionRedirects: true }) });
  const clients = {
    iam: new IAMClient(cfg()),
    secrets: new SecretsManagerClient(cfg()),
    sts: new STSClient(cfg()),
    s3,
    dynamodb: new DynamoDBClient(cfg()),
    rds: new RDSClient(cfg()),
    healthlake: new HealthLakeClient(cfg()),
    kms: new KMSClient(cfg()),
    ec2: new EC2Client(cfg()),
    organizations: new OrganizationsClient(cfg()),
    lambda: new LambdaClient(cfg()),
    ecs: new ECSClient(cfg()),
    ssm: new SSMClient(cfg()),
    autoscaling: new AutoScalingClient(cfg()),
    batch: new BatchClient(cfg()),
  };
  return {
    ...clients,
    region,
    destroy() {
      for (const c of Object.values(clients)) c.destroy();
    },
  };
}
