/**
 * AWS SDK v3 clients for live collection: region, profile (the SDK's shared config and
 * credentials files), an optional AWS-compatible endpoint (moto, LocalStack), retries with
 * backoff on throttling (the SDK's adaptive retry strategy), and connection/request timeouts.
 * Read-only: the collector only calls List/Get/Describe operations and never GetSecretValue.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS, type AwsOptions } from './options.js';

export interface AwsClients {
  iam: IAMClient;
  secrets: SecretsManagerClient;
  sts: STSClient;
  region: string;
  destroy(): void;
}

export function createClients(opts: AwsOptions): AwsClients {
  // The SDK's multi-line notice about future Node versions would break the one-line stderr
  // contract of exit 2/3 on Node 20 (supported by this package); a user can still turn it on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = {
    region: opts.region,
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // adaptive = standard retries (exponential backoff with jitter on throttling and transient
    // errors) plus client-side rate limiting once AWS starts throttling.
    retryMode: 'adaptive',
  };
  const handler = () =>
    new NodeHttpHandler({
      connectionTimeout: Math.min(10_000, Math.ceil(timeoutMs / 3)),
      requestTimeout: timeoutMs,
      // Without this the handler only logs a warning and the request can hang for ever.
      throwOnRequestTimeout: true,
    });
  // IAM is global; with a custom endpoint every service goes there.
  const iam = new IAMClient({ ...base, requestHandler: handler() });
  const secrets = new SecretsManagerClient({ ...base, requestHandler: handler() });
  const sts = new STSClient({ ...base, requestHandler: handler() });
  return {
    iam,
    secrets,
    sts,
    region: opts.region,
    destroy() {
      iam.destroy();
      secrets.destroy();
      sts.destroy();
    },
  };
}
