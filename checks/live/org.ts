/**
 * An organization run (`--org`): the accounts of AWS Organizations (ListAccounts, from the
 * management or a delegated administrator account), each read through a named read-only role
 * assumed in it (`--assume-role-name`, with the ExternalId its trust policy requires), at most
 * `concurrency` accounts at once. The account of the run's own credentials is read with them.
 * One Inventory per account: an account that cannot be assumed is an Inventory holding one gap
 * of that account (exit 3), and the other accounts are reported.
 */
import { paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { UserError } from '../errors.js';
import { emptyInventory, type Inventory } from '../model.js';
import { createClients, type AwsClients } from './aws.js';
import { collectLive } from './collect.js';
import { partitionOf } from './mapStores.js';
import { silentProgress, type Progress } from './progress.js';
import { errorText, mapLimit, Recorder } from './recorder.js';
import type { LiveOptions, OrgOptions } from './options.js';

const SESSION_NAME = 'nhi-guard-scan';
/** Assumed credentials are renewed this long before they expire (a large account outlasts one session). */
const RENEW_BEFORE_MS = 5 * 60_000;

export interface OrgAccount {
  id: string;
  name?: string;
}

/** Active accounts of the organization; undefined (gap) when they cannot be listed. */
async function listAccounts(clients: AwsClients, rec: Recorder): Promise<OrgAccount[] | undefined> {
  const before = rec.gaps.length;
  const pages = await rec.pages('organizations', 'ListAccounts', () => paginateListAccounts({ client: clients.organizations, pageSize: 20 }, {}));
  if (rec.gaps.length > before) return undefined;
  const out: OrgAccount[] = [];
  for (const a of pages.flatMap((p) => p.Accounts ?? [])) {
    if (!a.Id || !/^\d{12}$/.test(a.Id)) continue;
    // State replaces Status (retired in 2026); either says whether the account is active.
    const state: string | undefined = a.State ?? a.Status;
    if (state !== undefined && state !== 'ACTIVE') continue;
    out.push({ id: a.Id, ...(a.Name ? { name: a.Name } : {}) });
  }
  return out.sort((x, y) => x.id.localeCompare(y.id));
}

/** The accounts to read: the listed ones, or the --accounts subset (which must be listed when the listing worked). */
export function selectAccounts(listed: OrgAccount[] | undefined, wanted: string[] | undefined): OrgAccount[] {
  if (!wanted) return listed ?? [];
  if (!listed) return wanted.map((id) => ({ id }));
  const byId = new Map(listed.map((a) => [a.id, a]));
  const missing = wanted.filter((id) => !byId.has(id));
  if (missing.length) throw new UserError(`--accounts ${missing.join(', ')}: not an active account of the organization`);
  return wanted.map((id) => byId.get(id)!);
}

/** Credentials of the role in one account, assumed once now (a failure is thrown) and renewed before they expire. */
async function assumed(clients: AwsClients, roleArn: string, org: OrgOptions): Promise<AwsCredentialIdentityProvider> {
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const r = await clients.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: SESSION_NAME,
        DurationSeconds: 3600,
        ...(org.externalId ? { ExternalId: org.externalId } : {}),
      }),
    );
    const c = r.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  };
  let current = await assume();
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const exp = current.expiration?.getTime();
    if (exp === undefined || exp - Date.now() > RENEW_BEFORE_MS) return current;
    pending ??= assume().then(
      (c) => ((current = c), (pending = undefined), c),
      (e: unknown) => {
        pending = undefined;
        throw e;
      },
    );
    return pending;
  };
}

/** Progress of one account among many: `account <id> (k of n done): <step>`. */
function accountProgress(base: Progress, id: string, finished: () => string): Progress {
  return { update: (step, done, total) => base.update(`account ${id} (${finished()}): ${step}`, done, total), done() {} };
}

/** The Inventory of an account that could not be read at all. */
function unreadable(account: string, region: string, gap: { service: string; operation: string; target?: string; error: string }): Inventory {
  const inv = emptyInventory([{ kind: 'live', file: `aws:${account}/${region}` }]);
  inv.accountId = account;
  inv.region = region;
  inv.gaps = [{ ...gap, account }];
  return inv;
}

/** One Inventory per account of the organization (in account id order). */
export async function collectOrg(opts: LiveOptions): Promise<Inventory[]> {
  const org = opts.org!;
  const progress = opts.progress ?? silentProgress;
  const home = createClients(opts);
  const rec = new Recorder(progress);
  try {
    let caller: string | undefined;
    let partition = 'aws';
    try {
      const who = await home.sts.send(new GetCallerIdentityCommand({}));
      caller = who.Account;
      partition = partitionOf(who.Arn);
    } catch (e) {
      rec.gap('sts', 'GetCallerIdentity', e);
    }
    const listed = await listAccounts(home, rec);
    const accounts = selectAccounts(listed, org.accounts);
    const out: Inventory[] = [];
    // The organization itself could not be read: a gap of the calling account.
    if (rec.gaps.length)
      out.push({ ...unreadable(caller ?? '000000000000', opts.region, rec.gaps[0]!), gaps: rec.gaps.map((g) => (caller ? { ...g, account: caller } : g)) });
    let finished = 0;
    const count = () => `${finished} of ${accounts.length} done`;
    const perAccount = await mapLimit(accounts, org.concurrency ?? 4, async (a) => {
      const accountOpts: LiveOptions = { ...opts, progress: accountProgress(progress, a.id, count) };
      delete accountOpts.org;
      let inv: Inventory;
      if (a.id === caller) inv = await collectLive(accountOpts);
      else {
        const roleArn = `arn:${partition}:iam::${a.id}:role/${org.roleName}`;
        let credentials: AwsCredentialIdentityProvider | undefined;
        try {
          credentials = await assumed(home, roleArn, org);
        } catch (e) {
          inv = unreadable(a.id, opts.region, { service: 'sts', operation: 'AssumeRole', target: roleArn, error: errorText(e) });
        }
        if (credentials) inv = await collectLive(accountOpts, { credentials });
      }
      finished++;
      progress.update(`accounts`, finished, accounts.length);
      return inv!;
    });
    out.push(...perAccount);
    return out;
  } finally {
    progress.done();
    home.destroy();
  }
}
