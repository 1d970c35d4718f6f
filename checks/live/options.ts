/**
 * Options of live collection and their checks, without the AWS SDK: commands validate them
 * before anything is collected, and a run that collects nothing never loads the SDK.
 */
import { UserError } from '../errors.js';
import type { Progress } from './progress.js';

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

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The regions of `--region` (repeatable): each checked, duplicates dropped; none: AWS_REGION or AWS_DEFAULT_REGION. */
export function resolveRegions(flags: string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  if (!flags || flags.length === 0) return [resolveRegion(undefined, env)];
  return [...new Set(flags.map((f) => resolveRegion(f, env)))];
}

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

export interface LiveOptions extends AwsOptions {
  /** Regions of Secrets Manager and the data stores (default: `region` alone, the home region of IAM, STS and S3 listing). */
  regions?: string[];
  /** Every region enabled in the account (EC2 DescribeRegions) instead of `regions`. */
  allRegions?: boolean;
  /** An organization run: every (or the selected) member account through an assumed role. */
  org?: OrgOptions;
  /** Concurrent per-user / per-key / per-store calls (default 8). */
  concurrency?: number;
  /** The collection time recorded in the Inventory (default: the current time). */
  now?: Date;
  progress?: Progress;
  /** Attempts to fetch the credential report while AWS generates it (default 10, one second apart). */
  reportPolls?: number;
  reportPollMs?: number;
  /** Most milliseconds spent polling for the report (default: reportPolls × reportPollMs). */
  reportWaitMs?: number;
}

export interface OrgOptions {
  /** The read-only role assumed in each member account (`--assume-role-name`). */
  roleName: string;
  /** The ExternalId the member roles' trust policies require. */
  externalId?: string;
  /** Only these account ids (`--accounts`). */
  accounts?: string[];
  /** Accounts read at once (default 4). */
  concurrency?: number;
}
