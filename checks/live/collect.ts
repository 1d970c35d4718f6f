/**
 * Live collection: reads one AWS account (IAM is global, Secrets Manager one region) into an
 * Inventory with source `live`. Read-only, and never a secret value (no GetSecretValue).
 *
 * API calls grow with pages, not identities, except where AWS offers no account-wide call:
 *   - STS GetCallerIdentity (account id)
 *   - IAM GetAccountAuthorizationDetails (pages: roles with trust, inline and attached policies,
 *     last use and tags; users with groups; groups; customer managed policies with documents)
 *   - IAM ListRoles (pages: MaxSessionDuration, absent from the authorization details)
 *   - IAM GenerateCredentialReport + GetCredentialReport (one report: console passwords, i.e.
 *     login profiles, with their last use; no GetLoginProfile per user)
 *   - IAM ListAccessKeys per user and GetAccessKeyLastUsed per key: key ids exist only there (the
 *     credential report has key ages but no ids, and may be up to four hours old, so it cannot
 *     tell which users to skip without missing a key created since)
 *   - Secrets Manager ListSecrets (pages: rotation, last rotated, tags, KMS key)
 * What fails (AccessDenied, throttling beyond the retries, timeouts, malformed responses) becomes a
 * Gap; collection goes on with what it can read.
 */
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListRoles,
  type AccessKeyMetadata,
  type GetAccountAuthorizationDetailsResponse,
} from '@aws-sdk/client-iam';
import { paginateListSecrets, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { clip, UserError } from '../errors.js';
import { emptyInventory, type Credential, type Gap, type Inventory } from '../model.js';
import { createClients, type AwsClients } from './aws.js';
import {
  mapAccessKey,
  mapAuthorizationDetails,
  mapLoginProfiles,
  mapSecret,
  parseCredentialReport,
  userLastUsed,
  type LiveContext,
  type ReportRow,
} from './map.js';
import { silentProgress, type Progress } from './progress.js';

import type { LiveOptions } from './options.js';

/** Upper bound of pages read from one paginated API (a runaway NextToken loop stops here). */
const MAX_PAGES = 10_000;
const MAX_ERROR_CHARS = 300;

/** The error of a failed call as one short line: code and message, never a request or response body. */
export function errorText(e: unknown): string {
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = err?.Code ?? err?.name ?? 'Error';
  let msg = (err?.message ?? String(e)).replace(/\s+/g, ' ').trim();
  // SDK deserialization errors point at the hidden raw response; the pointer is noise in a report.
  msg = msg.replace(/\s*Deserialization error: to see the raw response.*$/i, '');
  const status = err?.$metadata?.httpStatusCode;
  const text = `${code}${status ? ` (HTTP ${status})` : ''}: ${msg}`;
  return clip(text, MAX_ERROR_CHARS);
}

function isCredentialsError(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return name === 'CredentialsProviderError' || name === 'TokenProviderError';
}

class Collector {
  readonly gaps: Gap[] = [];
  /** Users whose access keys could not be listed: their last use stays unknown. */
  readonly keysUnknown = new Set<string>();
  constructor(
    private readonly clients: AwsClients,
    private readonly opts: LiveOptions,
    private readonly progress: Progress,
  ) {}

  private gap(service: string, operation: string, e: unknown, target?: string): void {
    // Missing or unusable credentials are a setup problem, not a part of the account: exit 2.
    if (isCredentialsError(e)) throw new UserError(`no usable AWS credentials (${errorText(e)}); set a --profile or the AWS_* environment variables`);
    const g: Gap = { service, operation, error: errorText(e) };
    if (service !== 'iam') g.region = this.clients.region;
    if (target) g.target = target;
    this.gaps.push(g);
  }

  async accountId(): Promise<string | undefined> {
    try {
      const r = await this.clients.sts.send(new GetCallerIdentityCommand({}));
      return r.Account && /^\d{12}$/.test(r.Account) ? r.Account : undefined;
    } catch (e) {
      this.gap('sts', 'GetCallerIdentity', e);
      return undefined;
    }
  }

  /** Every page of a paginator; a failure keeps the pages read so far and records a gap. */
  async pages<T>(service: string, operation: string, it: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    try {
      for await (const page of it) {
        out.push(page);
        this.progress.update(operation, out.length);
        if (out.length >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages`);
      }
    } catch (e) {
      this.gap(service, operation, e);
    }
    return out;
  }

  authorizationDetails(): Promise<GetAccountAuthorizationDetailsResponse[]> {
    // AWS managed policies are judged by name (as in the other loaders): not listed, fewer pages.
    return this.pages(
      'iam',
      'GetAccountAuthorizationDetails',
      paginateGetAccountAuthorizationDetails({ client: this.clients.iam, pageSize: 1000 }, { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] }),
    );
  }

  async maxSessionDurations(): Promise<Map<string, number>> {
    const pages = await this.pages('iam', 'ListRoles', paginateListRoles({ client: this.clients.iam, pageSize: 1000 }, {}));
    const m = new Map<string, number>();
    for (const p of pages) for (const r of p.Roles ?? []) if (r.RoleName && r.MaxSessionDuration !== undefined) m.set(r.RoleName, r.MaxSessionDuration);
    return m;
  }

  /** The credential report, or undefined (gap) when it cannot be generated or read. */
  async credentialReport(): Promise<ReportRow[] | undefined> {
    const polls = this.opts.reportPolls ?? 10;
    const waitMs = this.opts.reportPollMs ?? 1000;
    try {
      for (let i = 0; i < polls; i++) {
        const g = await this.clients.iam.send(new GenerateCredentialReportCommand({}));
        if (g.State === 'COMPLETE') break;
        await new Promise((r) => setTimeout(r, waitMs));
      }
    } catch (e) {
      this.gap('iam', 'GenerateCredentialReport', e);
      return undefined;
    }
    try {
      const r = await this.clients.iam.send(new GetCredentialReportCommand({}));
      if (!r.Content) throw new Error('the credential report is empty');
      return parseCredentialReport(Buffer.from(r.Content).toString('utf8'));
    } catch (e) {
      this.gap('iam', 'GetCredentialReport', e);
      return undefined;
    }
  }

  async secrets(): Promise<SecretListEntry[]> {
    const pages = await this.pages('secretsmanager', 'ListSecrets', paginateListSecrets({ client: this.clients.secrets, pageSize: 100 }, {}));
    return pages.flatMap((p) => p.SecretList ?? []);
  }

  async accessKeys(users: string[]): Promise<AccessKeyMetadata[]> {
    let done = 0;
    const per = await mapLimit(users, this.opts.concurrency ?? 8, async (user) => {
      const out: AccessKeyMetadata[] = [];
      try {
        for await (const page of paginateListAccessKeys({ client: this.clients.iam }, { UserName: user })) {
          out.push(...(page.AccessKeyMetadata ?? []));
          if (out.length > 1000) break;
        }
      } catch (e) {
        this.gap('iam', 'ListAccessKeys', e, user);
        this.keysUnknown.add(user);
      }
      this.progress.update('access keys of users', ++done, users.length);
      return out;
    });
    return per.flat();
  }

  /** Last use by key id: a Date, null (never used) or undefined (could not be read: gap). */
  async lastUsed(keys: AccessKeyMetadata[]): Promise<Map<string, Date | null | undefined>> {
    const m = new Map<string, Date | null | undefined>();
    let done = 0;
    await mapLimit(keys, this.opts.concurrency ?? 8, async (k) => {
      if (!k.AccessKeyId) return;
      try {
        const r = await this.clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
        m.set(k.AccessKeyId, r.AccessKeyLastUsed?.LastUsedDate ?? null);
      } catch (e) {
        this.gap('iam', 'GetAccessKeyLastUsed', e, k.AccessKeyId);
        m.set(k.AccessKeyId, undefined);
      }
      this.progress.update('access key last use', ++done, keys.length);
    });
    return m;
  }
}

/**
 * `fn` over `items` with at most `limit` calls in flight; results keep the input order. The first
 * error rejects once the running calls have ended, and no further item starts.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}

/** Collects one account and region into an Inventory (source `live`). Never throws for API errors: they become gaps. */
export async function collectLive(opts: LiveOptions): Promise<Inventory> {
  const clients = createClients(opts);
  const progress = opts.progress ?? silentProgress;
  const c = new Collector(clients, opts, progress);
  try {
    const collectedAt = (opts.now ?? new Date()).toISOString();
    const [account, details, msd, report, secrets] = await Promise.all([c.accountId(), c.authorizationDetails(), c.maxSessionDurations(), c.credentialReport(), c.secrets()]);
    const accountId = account ?? accountFromArns(details);
    const ctx: LiveContext = { file: `aws:${accountId ?? 'unknown'}/${clients.region}` };
    const iam = mapAuthorizationDetails(details, ctx, { maxSessionDuration: msd });
    const users = iam.identities.filter((i) => i.kind === 'user');
    const keys = await c.accessKeys(users.map((u) => u.name!));
    const used = await c.lastUsed(keys);
    const userIds = new Set(users.map((u) => u.id));
    const credentials: Credential[] = [];
    for (const k of keys) {
      const cred = mapAccessKey(k, used.get(k.AccessKeyId ?? ''), ctx);
      if (cred) credentials.push(cred);
    }
    if (report) credentials.push(...mapLoginProfiles(report, ctx).filter((l) => userIds.has(l.identity!)));
    const byUser = new Map<string, Credential[]>();
    for (const x of credentials) {
      const list = byUser.get(x.identity!);
      if (list) list.push(x);
      else byUser.set(x.identity!, [x]);
    }
    for (const u of users) {
      const last = report && !c.keysUnknown.has(u.name!) ? userLastUsed(byUser.get(u.id) ?? []) : undefined;
      if (last !== undefined) u.usage!.lastUsed = last;
    }
    for (const s of secrets) {
      const cred = mapSecret(s, ctx);
      if (cred) credentials.push(cred);
    }
    const inv = emptyInventory([{ kind: 'live', file: ctx.file }]);
    if (accountId) inv.accountId = accountId;
    inv.region = clients.region;
    inv.collectedAt = collectedAt;
    // Calls finish in any order; the report lists gaps in a stable one.
    inv.gaps = [...c.gaps].sort((x, y) => `${x.service} ${x.operation} ${x.target ?? ''}`.localeCompare(`${y.service} ${y.operation} ${y.target ?? ''}`));
    inv.identities = iam.identities;
    inv.groups = iam.groups;
    inv.policies = iam.policies;
    inv.credentials = credentials;
    return inv;
  } finally {
    progress.done();
    clients.destroy();
  }
}

function accountFromArns(pages: GetAccountAuthorizationDetailsResponse[]): string | undefined {
  for (const p of pages) {
    for (const r of [...(p.RoleDetailList ?? []), ...(p.UserDetailList ?? [])]) {
      const m = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(r.Arn ?? '');
      if (m) return m[1];
    }
  }
  return undefined;
}
