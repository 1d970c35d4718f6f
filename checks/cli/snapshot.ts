/**
 * `nhi-guard snapshot --live aws --output FILE`: capture the live account as a schema-valid
 * Inventory (source `live`) for offline checks and drift (`--snapshot FILE`). Written atomically,
 * also when part of the account could not be read: then the gaps are in the file and the exit code is 3.
 * Also the live-source helpers shared by check, inventory and drift.
 */
import { UserError } from '../errors.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fsProblem, writeFileAtomic } from '../io/files.js';
import { checkEndpoint, resolveRegions, type LiveOptions, type OrgOptions } from '../live/options.js';
import { progressFor } from '../live/progress.js';
import { assertValid } from '../schemas/index.js';
import { EXIT, parseNow, type Io } from './io.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';
import { assertComplete } from './output.js';

export interface LiveArgs {
  live?: 'aws';
  region?: string[] | string;
  allRegions?: boolean;
  profile?: string;
  endpoint?: string;
  timeout?: number;
  org?: boolean;
  accounts?: string[] | string;
  assumeRoleName?: string;
  externalId?: string;
  accountConcurrency?: number;
}

const LIVE_ONLY = ['region', 'allRegions', 'profile', 'endpoint', 'timeout', 'org', 'accounts', 'assumeRoleName', 'externalId', 'accountConcurrency'] as const;
const ORG_ONLY = ['accounts', 'assumeRoleName', 'externalId', 'accountConcurrency'] as const;
const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const list = (v: string[] | string | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : (Array.isArray(v) ? v : [v])
        .flatMap((x) => String(x).split(','))
        .map((x) => x.trim())
        .filter(Boolean);

/** The collector options of `--live aws`, or undefined without --live; --region etc. without --live is a usage error. */
export function liveSpec(a: LiveArgs, io: Io, now?: Date): LiveOptions | undefined {
  if (a.live === undefined) {
    // A value from the config file serves the live runs; only the command line's is a mistake here.
    const stray = LIVE_ONLY.find((k) => a[k] !== undefined && a[k] !== false && !io.configured?.has(k));
    if (stray) throw new UserError(`${flag(stray)} needs --live aws`);
    return undefined;
  }
  if (a.timeout !== undefined && !(Number.isFinite(a.timeout) && a.timeout > 0 && a.timeout <= 600))
    throw new UserError('--timeout must be a number of seconds between 0 and 600');
  const regions = list(a.region);
  if (a.allRegions && regions && regions.length > 1)
    throw new UserError('--all-regions reads every enabled region; give at most one --region (the home region) with it');
  const resolved = resolveRegions(regions, io.env);
  const opts: LiveOptions = {
    region: resolved[0]!,
    // A progress line only on an interactive terminal, on stderr.
    progress: progressFor({ isTTY: process.stderr.isTTY, write: io.stderr }),
  };
  if (resolved.length > 1) opts.regions = resolved;
  if (a.allRegions) opts.allRegions = true;
  if (a.profile !== undefined) {
    if (!a.profile.trim()) throw new UserError('--profile must not be empty');
    opts.profile = a.profile;
  }
  const endpoint = checkEndpoint(a.endpoint);
  if (endpoint) opts.endpoint = endpoint;
  if (a.timeout !== undefined) opts.timeoutMs = Math.round(a.timeout * 1000);
  if (now) opts.now = now;
  if (a.org) opts.org = orgSpec(a);
  else {
    const stray = ORG_ONLY.find((k) => a[k] !== undefined);
    if (stray) throw new UserError(`${flag(stray)} needs --org`);
  }
  return opts;
}

function orgSpec(a: LiveArgs): OrgOptions {
  const role = a.assumeRoleName?.trim();
  if (!role) throw new UserError('--org needs --assume-role-name NAME (the read-only role in each member account)');
  if (!/^[\w+=,.@-]{1,64}$/.test(role)) throw new UserError(`--assume-role-name ${JSON.stringify(role)} is not an IAM role name`);
  const org: OrgOptions = { roleName: role };
  const accounts = list(a.accounts);
  if (accounts) {
    const bad = accounts.find((x) => !/^\d{12}$/.test(x));
    if (bad !== undefined) throw new UserError(`--accounts ${JSON.stringify(bad)} is not a 12-digit AWS account id`);
    if (accounts.length === 0) throw new UserError('--accounts needs at least one account id');
    org.accounts = [...new Set(accounts)];
  }
  if (a.externalId !== undefined) {
    if (!/^[\w+=,.@:/-]{2,1224}$/.test(a.externalId)) throw new UserError('--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/-');
    org.externalId = a.externalId;
  }
  if (a.accountConcurrency !== undefined) {
    if (!(Number.isInteger(a.accountConcurrency) && a.accountConcurrency >= 1 && a.accountConcurrency <= 64))
      throw new UserError('--account-concurrency must be a whole number from 1 to 64');
    org.concurrency = a.accountConcurrency;
  }
  return org;
}

export function snapshotCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'snapshot',
    describe: 'capture the live AWS account (read-only) as an Inventory file for offline check and drift',
    builder: (y) =>
      withOptions(y, 'snapshot')
        .example('$0 snapshot --live aws --region us-east-1 --output prod.json', 'capture the account for offline check and drift')
        .example('$0 snapshot --live aws --endpoint http://127.0.0.1:5000 --region us-east-1 --output moto.json', 'an AWS-compatible endpoint (moto)'),
    handler: async (argv) => {
      const a: ArgsOf<'snapshot'> = argv;
      if (a.live !== 'aws') throw new UserError('snapshot needs --live aws');
      if (!a.output) throw new UserError(a.org ? 'snapshot --org needs --output DIR (one <account>.json per account)' : 'snapshot needs --output FILE');
      const opts = liveSpec(a, io, a.now === undefined ? undefined : parseNow(a.now))!;
      // The SDK is loaded only by the commands that collect.
      const { loadSources } = await import('../run.js');
      const invs = await loadSources({ kind: 'live', path: 'aws', live: opts });
      if (opts.org) {
        // One snapshot per account in the --output folder: <account>.json (check --snapshot takes them all).
        await mkdir(a.output, { recursive: true }).catch((e) => {
          throw new UserError(fsProblem(e, 'cannot create the snapshot folder'), { file: a.output });
        });
        for (const inv of invs) {
          const file = path.join(a.output, `${inv.accountId ?? 'unknown'}.json`);
          assertValid('inventory', inv, file);
          await writeFileAtomic(file, JSON.stringify(inv, null, 2) + '\n');
        }
        io.stderr(`nhi-guard: ${invs.length} account snapshot(s) written to ${a.output}\n`);
      } else {
        // The collector's own output must satisfy the schema the loader enforces.
        assertValid('inventory', invs[0]!, a.output);
        await writeFileAtomic(a.output, JSON.stringify(invs[0], null, 2) + '\n');
      }
      assertComplete({ gaps: invs.flatMap((i) => i.gaps ?? []) });
      setExit(EXIT.ok);
    },
  });
}
