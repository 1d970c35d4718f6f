/**
 * Live collection at scale: a moto account (127.0.0.1) seeded with many roles, users with access
 * keys and secrets, then, side by side on the same server:
 *   - the snapshot: collectLive (checks/live/collect.ts) and the snapshot document's JSON text,
 *     as `nhi-guard snapshot --live aws` does them;
 *   - the bare calls: the same paginated API calls with the same SDK clients and the same
 *     concurrency, results kept and not mapped (STS GetCallerIdentity, IAM
 *     GetAccountAuthorizationDetails and ListRoles pages, the credential report, ListAccessKeys
 *     per user, GetAccessKeyLastUsed per key, Secrets Manager ListSecrets pages and the data-store
 *     list calls of the home region).
 * Both are repeated alternately; medians. Used by bench/run.ts (target T7) and, small, by
 * test/bench/live-scale.test.ts (counts only, never times).
 *
 * Usage: tsx bench/live.ts [--roles 2000] [--users 500] [--secrets 1000] [--reps 3]
 */
import path from 'node:path';
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  IAMClient,
  PutRolePolicyCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListRoles,
  type AccessKeyMetadata,
} from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient, paginateListSecrets } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { paginateListBuckets } from '@aws-sdk/client-s3';
import { paginateListTables } from '@aws-sdk/client-dynamodb';
import { paginateDescribeDBClusters, paginateDescribeDBInstances } from '@aws-sdk/client-rds';
import { paginateListAliases, paginateListKeys } from '@aws-sdk/client-kms';
import { createClients } from '../checks/live/aws.js';
import { collectLive } from '../checks/live/collect.js';
import type { LiveOptions } from '../checks/live/options.js';
import { mapLimit } from '../checks/live/recorder.js';
import { startMoto } from '../test/support/moto.js';

export interface LiveScale {
  roles: number;
  users: number;
  secrets: number;
}

export const DEFAULT_SCALE: LiveScale = { roles: 2000, users: 500, secrets: 1000 };

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const CONCURRENCY = 8;
/** Customer managed policies shared by the roles (one in every 40 roles attaches the same one). */
const SHARED_POLICIES = 50;

const tags = (i: number) => [
  { Key: 'owner', Value: `team-${i % 17}` },
  { Key: 'purpose', Value: 'integration feed' },
  { Key: 'data-class', Value: i % 3 === 0 ? 'phi' : 'internal' },
  { Key: 'expires-on', Value: '2027-06-30' },
];
const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const doc = (i: number) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::feed-${i}/*` }] });

/** Seeds the account: roles with trust, tags, an inline policy (every other role) and a shared managed policy; users with one access key; tagged secrets. */
export async function seedScale(endpoint: string, scale: LiveScale): Promise<void> {
  const cfg = { region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 8 };
  const iam = new IAMClient(cfg);
  const sm = new SecretsManagerClient(cfg);
  try {
    const policies = await mapLimit(
      Array.from({ length: Math.min(SHARED_POLICIES, scale.roles) }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const r = await iam.send(new CreatePolicyCommand({ PolicyName: `feed-shared-${i}`, PolicyDocument: doc(i) }));
        return r.Policy!.Arn!;
      },
    );
    await mapLimit(
      Array.from({ length: scale.roles }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const name = `feed-role-${i}`;
        await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust, Tags: tags(i) }));
        if (i % 2 === 0) await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'inline', PolicyDocument: doc(i) }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policies[i % policies.length]! }));
      },
    );
    await mapLimit(
      Array.from({ length: scale.users }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const name = `vendor-user-${i}`;
        await iam.send(new CreateUserCommand({ UserName: name, Tags: tags(i) }));
        await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      },
    );
    await mapLimit(
      Array.from({ length: scale.secrets }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        // The value is a placeholder: collection never reads secret values (no GetSecretValue).
        await sm.send(new CreateSecretCommand({ Name: `feed/secret-${i}`, SecretString: 'placeholder', Tags: tags(i) }));
      },
    );
  } finally {
    iam.destroy();
    sm.destroy();
  }
}

export interface Counted {
  ms: number;
  roles: number;
  users: number;
  accessKeys: number;
  secrets: number;
}

const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

/** The API calls that fetch what a snapshot holds, with nothing else done. */
export async function bareCalls(opts: LiveOptions): Promise<Counted> {
  const c = createClients(opts, opts.region);
  try {
    const t0 = process.hrtime.bigint();
    await c.sts.send(new GetCallerIdentityCommand({}));
    const report = async () => {
      for (let i = 0; i < 10; i++) {
        const g = await c.iam.send(new GenerateCredentialReportCommand({}));
        if (g.State === 'COMPLETE') break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      return c.iam.send(new GetCredentialReportCommand({}));
    };
    const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);
    const [details, , , secrets] = await Promise.all([
      all(paginateGetAccountAuthorizationDetails({ client: c.iam, pageSize: 1000 }, { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] })),
      all(paginateListRoles({ client: c.iam, pageSize: 1000 }, {})),
      report(),
      all(paginateListSecrets({ client: c.secrets, pageSize: 100 }, {})),
      // The data-store list calls (none seeded); a service the emulator lacks is as in a snapshot: nothing.
      quiet(all(paginateListBuckets({ client: c.s3, pageSize: 1000 }, {}))),
      quiet(all(paginateListTables({ client: c.dynamodb, pageSize: 100 }, {}))),
      quiet(all(paginateDescribeDBInstances({ client: c.rds, pageSize: 100 }, {}))),
      quiet(all(paginateDescribeDBClusters({ client: c.rds, pageSize: 100 }, {}))),
      quiet(all(paginateListKeys({ client: c.kms, pageSize: 1000 }, {}))),
      quiet(all(paginateListAliases({ client: c.kms, pageSize: 100 }, {}))),
    ]);
    const users = details.flatMap((p) => p.UserDetailList ?? []).map((u) => u.UserName!);
    const keys = (
      await mapLimit(users, CONCURRENCY, async (u) =>
        (await all(paginateListAccessKeys({ client: c.iam }, { UserName: u }))).flatMap((p) => p.AccessKeyMetadata ?? []),
      )
    ).flat();
    await mapLimit(keys, CONCURRENCY, (k: AccessKeyMetadata) => c.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId })));
    return {
      ms: since(t0),
      roles: details.flatMap((p) => p.RoleDetailList ?? []).length,
      users: users.length,
      accessKeys: keys.length,
      secrets: secrets.flatMap((p) => p.SecretList ?? []).length,
    };
  } finally {
    c.destroy();
  }
}

/** A snapshot as the CLI takes it: collectLive, then the document's JSON text. */
export async function snapshotOnce(opts: LiveOptions): Promise<Counted & { gaps: number }> {
  const t0 = process.hrtime.bigint();
  const inv = await collectLive(opts);
  const text = JSON.stringify(inv);
  const ms = since(t0);
  if (text.length === 0) throw new Error('unreachable');
  return {
    ms,
    roles: inv.identities.filter((i) => i.kind === 'role').length,
    users: inv.identities.filter((i) => i.kind === 'user').length,
    accessKeys: inv.credentials.filter((c) => c.kind === 'access-key').length,
    secrets: inv.credentials.filter((c) => c.kind === 'secret').length,
    gaps: inv.gaps?.length ?? 0,
  };
}

export interface LiveBenchResult {
  scale: LiveScale;
  seedMs: number;
  reps: number;
  snapshot: { medianMs: number; runsMs: number[]; counts: Omit<Counted, 'ms'>; gaps: number };
  bare: { medianMs: number; runsMs: number[]; counts: Omit<Counted, 'ms'> };
  ratio: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Starts moto, seeds it, runs the bare calls and the snapshot alternately `reps` times (after one unmeasured round of each). */
export async function liveBench(scale: LiveScale, reps = 3): Promise<LiveBenchResult> {
  const moto = await startMoto({ managedPolicies: false });
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
  try {
    let t0 = process.hrtime.bigint();
    await seedScale(moto.url, scale);
    const seedMs = since(t0);
    const opts: LiveOptions = { region: REGION, endpoint: moto.url, concurrency: CONCURRENCY, reportPollMs: 200 };
    await bareCalls(opts);
    await snapshotOnce(opts);
    const bare: Counted[] = [];
    const snap: Array<Counted & { gaps: number }> = [];
    for (let i = 0; i < reps; i++) {
      bare.push(await bareCalls(opts));
      snap.push(await snapshotOnce(opts));
    }
    const counts = ({ roles, users, accessKeys, secrets }: Counted) => ({ roles, users, accessKeys, secrets });
    const s = median(snap.map((x) => x.ms));
    const b = median(bare.map((x) => x.ms));
    t0 = process.hrtime.bigint();
    return {
      scale,
      seedMs,
      reps,
      snapshot: { medianMs: s, runsMs: snap.map((x) => x.ms), counts: counts(snap[snap.length - 1]!), gaps: snap[snap.length - 1]!.gaps },
      bare: { medianMs: b, runsMs: bare.map((x) => x.ms), counts: counts(bare[bare.length - 1]!) },
      ratio: s / b,
    };
  } finally {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    await moto.stop();
  }
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string, d: number) => {
    const i = argv.indexOf(`--${name}`);
    const n = i >= 0 ? Number(argv[i + 1]) : d;
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} expects a whole number`);
    return n;
  };
  const r = await liveBench(
    { roles: arg('roles', DEFAULT_SCALE.roles), users: arg('users', DEFAULT_SCALE.users), secrets: arg('secrets', DEFAULT_SCALE.secrets) },
    arg('reps', 3),
  );
  process.stdout.write(JSON.stringify(r) + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`live bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
