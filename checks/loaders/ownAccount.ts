/**
 * The own AWS account of a plan or state, from what the input itself says, in order of
 * authority: `data.aws_caller_identity` (the account terraform ran as), the ARNs of resources
 * already known, the AWS provider's `allowed_account_ids`. The Inventory records which one
 * (Inventory.accountSource), and the findings document says it. Accounts the user names
 * (`--own-account`, the config file's `own-account`, policy data `ownAccounts`) are above all of
 * these (withNamedAccounts).
 */
import { isObject } from '../io/files.js';
import type { Inventory } from '../model.js';
import { MAX_DEPTH } from './tfjson.js';
import type { ResourceRecord } from './values.js';

export type AccountSource = NonNullable<Inventory['accountSource']>;

export const ACCOUNT = /^\d{12}$/;

/** account_id of every data.aws_caller_identity in a show -json module tree or a raw tfstate. */
export function callerIdentityAccounts(doc: unknown): string[] {
  const out = new Set<string>();
  const walk = (mod: unknown, depth: number): void => {
    if (!isObject(mod) || depth > MAX_DEPTH) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
      if (!isObject(r) || r.mode !== 'data' || r.type !== 'aws_caller_identity') continue;
      // show -json: values; tfstate: instances[].attributes.
      const values = isObject(r.values) ? [r.values] : Array.isArray(r.instances) ? r.instances.map((i) => (isObject(i) ? i.attributes : undefined)) : [];
      for (const v of values) if (isObject(v) && typeof v.account_id === 'string' && ACCOUNT.test(v.account_id)) out.add(v.account_id);
    }
    for (const c of Array.isArray(mod.child_modules) ? mod.child_modules : []) walk(c, depth + 1);
  };
  if (isObject(doc)) {
    for (const v of [doc.values, isObject(doc.prior_state) ? doc.prior_state.values : undefined, doc.planned_values]) if (isObject(v)) walk(v.root_module, 0);
    if (Array.isArray(doc.resources)) walk(doc, 0);
  }
  return [...out];
}

/** Accounts in the IAM ARNs the records already know (roles, users, policies; not AWS managed ones). */
function arnAccounts(records: ResourceRecord[]): string[] {
  const out = new Set<string>();
  for (const r of records) {
    const arn = r.values.arn;
    if (typeof arn !== 'string' || !r.type.startsWith('aws_iam_')) continue;
    const account = arn.split(':')[4];
    if (account && ACCOUNT.test(account)) out.add(account);
  }
  return [...out];
}

/** Own accounts the user named, and where: the --own-account option (flag or config file) or policy data ownAccounts. */
export interface NamedAccounts {
  accounts: string[];
  source: 'own-account' | 'policy-data';
}

/** The named accounts of a run: --own-account first, else policy data; undefined when neither names one. */
export function namedAccounts(option: string[] | undefined, policyData: string[] | undefined): NamedAccounts | undefined {
  if (option?.length) return { accounts: [...new Set(option)], source: 'own-account' };
  if (policyData?.length) return { accounts: [...new Set(policyData)], source: 'policy-data' };
  return undefined;
}

/**
 * The named accounts over what a declared input says (the highest authority): the Inventory's own
 * account becomes the one the input names when it is among them, else the first named; the
 * source says the user named it. Live inventories keep the account their credentials are in.
 */
export function withNamedAccounts(inv: Inventory, named: NamedAccounts | undefined): Inventory {
  if (!named || named.accounts.length === 0) return inv;
  inv.accountId = inv.accountId && named.accounts.includes(inv.accountId) ? inv.accountId : named.accounts[0]!;
  inv.accountSource = named.source;
  if (named.accounts.length > 1) inv.ownAccounts = [...named.accounts];
  return inv;
}

/** Whether an account is the Inventory's own: its account, or one of the accounts the user named. */
export function isOwnAccount(inv: Pick<Inventory, 'accountId' | 'ownAccounts'>, account: string | undefined): boolean {
  return account !== undefined && (account === inv.accountId || (inv.ownAccounts ?? []).includes(account));
}

/** The own account and where it came from; undefined when no source names exactly one. */
export function ownAccount(
  doc: unknown,
  records: ResourceRecord[],
  providerAccount: string | undefined,
): { accountId: string; accountSource: AccountSource } | undefined {
  const caller = callerIdentityAccounts(doc);
  if (caller.length === 1) return { accountId: caller[0]!, accountSource: 'caller-identity' };
  const arns = arnAccounts(records);
  if (arns.length === 1) return { accountId: arns[0]!, accountSource: 'known-arns' };
  if (providerAccount) return { accountId: providerAccount, accountSource: 'allowed-account-ids' };
  return undefined;
}
