/**
 * Live collection: reads one AWS account into an Inventory with source `live`: IAM once (it is
 * global), Secrets Manager and the data stores (checks/live/stores.ts) in each region asked for
 * (`--region`, repeatable, or `--all-regions`: the regions enabled in the account). Read-only,
 * and never a secret value (no GetSecretValue, no SecureString parameter).
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
 *   - EC2 DescribeRegions (with --all-regions: the regions enabled in the account)
 *   - per region: Secrets Manager ListSecrets (pages: rotation, last rotated, tags, KMS key), the
 *     data stores (checks/live/stores.ts) and the configurations of functions, task definitions,
 *     String parameters, instances, launch templates and autoscaling groups (checks/live/config.ts:
 *     credentials in plain configuration and IMDS settings, as facts; no value is kept)
 * What fails (AccessDenied, throttling beyond the retries, timeouts, malformed responses, a
 * region that is not enabled) becomes a Gap; collection goes on with what it can read.
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
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { paginateListSecrets, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { emptyInventory, type Compute, type Credential, type DataStore, type Inventory, type PlainCredential } from '../model.js';
import { createClients, type AwsClients } from './aws.js';
import { regionalConfig } from './config.js';
import {
  mapAccessKey,
  mapAuthorizationDetails,
  mapLoginProfiles,
  mapSecret,
  parseCredentialReport,
  secretId,
  userLastUsed,
  type LiveContext,
  type ReportRow,
} from './map.js';
import { partitionOf } from './mapStores.js';
import { silentProgress } from './progress.js';
import { mapLimit, Recorder } from './recorder.js';
import { locateBuckets, regionalBuckets, regionalStores } from './stores.js';

import type { LiveOptions } from './options.js';

/** Regions read at once within one account. */
const REGION_CONCURRENCY = 4;

/** The IAM (global) part of one account. */
class IamCollector {
  /** Users whose access keys could not be listed: their last use stays unknown. */
  readonly keysUnknown = new Set<string>();
  constructor(
    private readonly clients: AwsClients,
    private readonly opts: LiveOptions,
    private readonly rec: Recorder,
  ) {}

  /** The account id and partition of the credentials, from STS. */
  async caller(): Promise<{ account?: string; partition: string }> {
    try {
      const r = await this.clients.sts.send(new GetCallerIdentityCommand({}));
      return { ...(r.Account && /^\d{12}$/.test(r.Account) ? { account: r.Account } : {}), partition: partitionOf(r.Arn) };
    } catch (e) {
      this.rec.gap('sts', 'GetCallerIdentity', e);
      return { partition: 'aws' };
    }
  }

  authorizationDetails(): Promise<GetAccountAuthorizationDetailsResponse[]> {
    // AWS managed policies are judged by name (as in the other loaders): not listed, fewer pages.
    return this.rec.pages('iam', 'GetAccountAuthorizationDetails', () =>
      paginateGetAccountAuthorizationDetails({ client: this.clients.iam, pageSize: 1000 }, { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] }),
    );
  }

  async maxSessionDurations(): Promise<Map<string, number>> {
    const pages = await this.rec.pages('iam', 'ListRoles', () => paginateListRoles({ client: this.clients.iam, pageSize: 1000 }, {}));
    const m = new Map<string, number>();
    for (const p of pages) for (const r of p.Roles ?? []) if (r.RoleName && r.MaxSessionDuration !== undefined) m.set(r.RoleName, r.MaxSessionDuration);
    return m;
  }

  /** The credential report, or undefined (gap) when it cannot be generated or read. */
  async credentialReport(): Promise<ReportRow[] | undefined> {
    const polls = this.opts.reportPolls ?? 10;
    const waitMs = this.opts.reportPollMs ?? 1000;
    // Polls are bounded in number and in total time; an answer that is no generation state
    // (a malformed or foreign response) is a gap at once, never polled again.
    const deadline = performance.now() + (this.opts.reportWaitMs ?? polls * waitMs);
    try {
      for (let i = 0; i < polls; i++) {
        const g = await this.clients.iam.send(new GenerateCredentialReportCommand({}));
        if (g.State === 'COMPLETE') break;
        if (g.State !== 'STARTED' && g.State !== 'INPROGRESS')
          throw new Error('GenerateCredentialReport answered without a report state (a malformed response)');
        const left = deadline - performance.now();
        if (left <= 0 || i === polls - 1) break;
        await new Promise((r) => setTimeout(r, Math.min(waitMs, left)));
      }
    } catch (e) {
      this.rec.gap('iam', 'GenerateCredentialReport', e);
      return undefined;
    }
    try {
      const r = await this.clients.iam.send(new GetCredentialReportCommand({}));
      if (!r.Content) throw new Error('the credential report is empty');
      const report = parseCredentialReport(Buffer.from(r.Content).toString('utf8'));
      // Rows that cannot be read leave their users' console passwords unknown: part of the account is missing.
      if (report.problems.length > 0)
        this.rec.gap(
          'iam',
          'GetCredentialReport',
          new Error(`the credential report has ${report.problems.length} unreadable row(s): ${report.problems.slice(0, 3).join('; ')}`),
        );
      return report.rows;
    } catch (e) {
      this.rec.gap('iam', 'GetCredentialReport', e);
      return undefined;
    }
  }

  async accessKeys(users: string[]): Promise<AccessKeyMetadata[]> {
    const per = await this.rec.each(
      users,
      this.opts.concurrency ?? 8,
      'access keys of users',
      async (user) => {
        const out: AccessKeyMetadata[] = [];
        for await (const page of paginateListAccessKeys({ client: this.clients.iam }, { UserName: user })) {
          out.push(...(page.AccessKeyMetadata ?? []));
          if (out.length > 1000) break;
        }
        return out;
      },
      (user, e) => {
        this.rec.gap('iam', 'ListAccessKeys', e, { target: user });
        this.keysUnknown.add(user);
        return [];
      },
    );
    return per.flat();
  }

  /** Last use by key id: a Date, null (never used) or undefined (could not be read: gap). */
  async lastUsed(keys: AccessKeyMetadata[]): Promise<Map<string, Date | null | undefined>> {
    const m = new Map<string, Date | null | undefined>();
    const withId = keys.filter((k) => k.AccessKeyId);
    await this.rec.each(
      withId,
      this.opts.concurrency ?? 8,
      'access key last use',
      async (k) => {
        const r = await this.clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
        m.set(k.AccessKeyId!, r.AccessKeyLastUsed?.LastUsedDate ?? null);
      },
      (k, e) => {
        this.rec.gap('iam', 'GetAccessKeyLastUsed', e, { target: k.AccessKeyId! });
        m.set(k.AccessKeyId!, undefined);
      },
    );
    return m;
  }
}

/** The partition of a region name (an emulator may list the regions of every partition). */
function regionPartition(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : /^us-iso/.test(region) ? 'aws-iso' : 'aws';
}

/** The regions enabled in the account (EC2 DescribeRegions); undefined (gap) when they cannot be read. */
async function enabledRegions(clients: AwsClients, rec: Recorder, partition: string): Promise<string[] | undefined> {
  try {
    const r = await clients.ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
    const names = (r.Regions ?? [])
      .filter((x) => x.OptInStatus !== 'not-opted-in')
      .map((x) => x.RegionName)
      .filter((x): x is string => !!x && regionPartition(x) === partition);
    return names.length > 0 ? [...new Set(names)].sort() : undefined;
  } catch (e) {
    rec.gap('ec2', 'DescribeRegions', e, { region: clients.region });
    return undefined;
  }
}

export interface CollectTarget {
  /** Credentials of an assumed role (an organization's member account); default: the SDK's chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** Collects one account (IAM once, the rest per region) into an Inventory (source `live`). Never throws for API errors: they become gaps. */
export async function collectLive(opts: LiveOptions, target: CollectTarget = {}): Promise<Inventory> {
  const home = createClients(opts, opts.region, target.credentials);
  const progress = opts.progress ?? silentProgress;
  const rec = new Recorder(progress, opts.endpoint !== undefined);
  const opened: AwsClients[] = [home];
  const concurrency = opts.concurrency ?? 8;
  try {
    const collectedAt = (opts.now ?? new Date()).toISOString();
    const c = new IamCollector(home, opts, rec);
    const who = await c.caller();
    const [details, msd, report, listed] = await Promise.all([
      c.authorizationDetails(),
      c.maxSessionDurations(),
      c.credentialReport(),
      opts.allRegions ? enabledRegions(home, rec, who.partition) : Promise.resolve(undefined),
    ]);
    const regions = [...new Set(listed ?? opts.regions ?? [opts.region])];
    const accountId = who.account ?? accountFromArns(details);
    const fileOf = (region: string) => `aws:${accountId ?? 'unknown'}/${region}`;
    const ctx: LiveContext = { file: fileOf(opts.region) };
    // Buckets are listed once (names are global) and each is read in its own region's turn.
    const located = locateBuckets(home.s3, rec, concurrency);
    const [, perRegion] = await Promise.all([
      located,
      mapLimit(regions, REGION_CONCURRENCY, async (region) => {
        const clients = region === opts.region ? home : createClients(opts, region, target.credentials);
        if (clients !== home) opened.push(clients);
        const rctx: LiveContext = { file: fileOf(region) };
        const [secrets, stores, config, s3] = await Promise.all([
          rec.pages('secretsmanager', 'ListSecrets', () => paginateListSecrets({ client: clients.secrets, pageSize: 100 }, {}), region),
          regionalStores(clients, rec, rctx, accountId, who.partition, concurrency),
          regionalConfig(clients, rec, rctx, accountId, who.partition, concurrency),
          located.then((l) => regionalBuckets(clients.s3, region, l, rec, rctx, who.partition, concurrency)),
        ]);
        return { region, ctx: rctx, secrets: secrets.flatMap((p) => p.SecretList ?? []), stores: [...s3, ...stores], config };
      }),
    ]);
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
    // A user the report does not list (created since it was generated, or its row unreadable) has an unknown console password.
    const reported = new Set((report ?? []).map((row) => row.user));
    const byUser = new Map<string, Credential[]>();
    for (const x of credentials) {
      const list = byUser.get(x.identity!);
      if (list) list.push(x);
      else byUser.set(x.identity!, [x]);
    }
    for (const u of users) {
      const last = report && reported.has(u.name!) && !c.keysUnknown.has(u.name!) ? userLastUsed(byUser.get(u.id) ?? []) : undefined;
      if (last !== undefined) u.usage!.lastUsed = last;
    }
    const dataStores: DataStore[] = [];
    const plain: PlainCredential[] = [];
    const compute: Compute[] = [];
    for (const r of perRegion) {
      credentials.push(...regionalSecrets(r.secrets, r.ctx, regions.length > 1 ? r.region : undefined));
      dataStores.push(...r.stores);
      plain.push(...r.config.plainCredentials);
      compute.push(...r.config.compute);
    }
    const inv = emptyInventory(regions.map((r) => ({ kind: 'live' as const, file: fileOf(r) })));
    if (accountId) {
      inv.accountId = accountId;
      // sts:GetCallerIdentity names the account of the credentials; else the account of the IAM ARNs read.
      inv.accountSource = who.account ? 'caller-identity' : 'known-arns';
    }
    inv.region = opts.region;
    if (regions.length > 1 || opts.allRegions) inv.regions = regions;
    inv.collectedAt = collectedAt;
    // Calls finish in any order; the report lists gaps in a stable one.
    const key = (g: { service: string; operation: string; region?: string; target?: string }) =>
      `${g.service} ${g.operation} ${g.region ?? ''} ${g.target ?? ''}`;
    inv.gaps = [...rec.gaps].sort((x, y) => key(x).localeCompare(key(y))).map((g) => (accountId ? { ...g, account: accountId } : g));
    inv.identities = iam.identities;
    inv.groups = iam.groups;
    inv.policies = iam.policies;
    inv.credentials = credentials;
    inv.dataStores = dataStores;
    if (plain.length) inv.plainCredentials = plain;
    if (compute.length) inv.compute = compute;
    return inv;
  } finally {
    progress.done();
    for (const x of opened) x.destroy();
  }
}

/** The secrets of one region; with more than one region read, their ids carry the region (`secret:<name>@<region>`). */
function regionalSecrets(list: SecretListEntry[], ctx: LiveContext, region: string | undefined): Credential[] {
  const out: Credential[] = [];
  for (const s of list) {
    const cred = mapSecret(s, ctx);
    if (!cred) continue;
    if (region) cred.id = `${secretId(cred.name!)}@${region}`;
    out.push(cred);
  }
  return out;
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
