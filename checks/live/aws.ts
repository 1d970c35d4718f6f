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
import { UserError } from '../errors.js';

export interface AwsOptions {
  region: string;
  profile?: string;
  /** AWS-compatible endpoint for every service (e.g. http://127.0.0.1:5000 for moto). */
  endpoint?: string;
  /** Attempts per API call, the first included (default 5). */
  maxAttempts?: number;
  /** Per-request timeout in milliseconds (default 30 000); the TCP connect timeout is a third of it, at most 10 s. */
  timeoutMs?: number;
}

export interface AwsClients {
  iam: IAMClient;
  secrets: SecretsManagerClient;
  sts: STSClient;
  region: string;
  destroy(): void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** `--region`, else AWS_REGION, else AWS_DEFAULT_REGION; none is a usage error (exit 2). */
export function resolveRegion(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const r = flag ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!r || !r.trim()) throw new UserError('no AWS region: give --region or set AWS_REGION (or AWS_DEFAULT_REGION)');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r.trim())) throw new UserError(`--region ${JSON.stringify(r)} is not an AWS region name such as us-east-1`);
  return r.trim();
}

/** An endpoint must be an http(s) URL without credentials in it. */
export function checkEndpoint(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new UserError(`--endpoint ${JSON.stringify(endpoint)} is not a URL (expected e.g. http://127.0.0.1:5000)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`--endpoint must be an http or https URL, got ${u.protocol}`);
  if (u.username || u.password) throw new UserError('--endpoint must not carry credentials');
  return endpoint.replace(/\/+$/, '');
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
