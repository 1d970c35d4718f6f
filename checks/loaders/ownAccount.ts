/**
 * The own AWS account of a plan or state, from what the input itself says, in order of
 * authority: `data.aws_caller_identity` (the account terraform ran as), the ARNs of resources
 * already known, the AWS provider's `allowed_account_ids`. The Inventory records which one
 * (Inventory.accountSource), and the findings document says it. Policy data `ownAccounts` is the
 * last resort, read by the rules (policies/lib/iam.rego).
 */
import { isObject } from '../io/files.js';
import type { Inventory } from '../model.js';
import { MAX_DEPTH } from './tfjson.js';
import type { ResourceRecord } from './values.js';

export type AccountSource = NonNullable<Inventory['accountSource']>;

const ACCOUNT = /^\d{12}$/;

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

/** The own account and where it came from; undefined when no source names exactly one. */
export function ownAccount(doc: unknown, records: ResourceRecord[], providerAccount: string | undefined): { accountId: string; accountSource: AccountSource } | undefined {
  const caller = callerIdentityAccounts(doc);
  if (caller.length === 1) return { accountId: caller[0]!, accountSource: 'caller-identity' };
  const arns = arnAccounts(records);
  if (arns.length === 1) return { accountId: arns[0]!, accountSource: 'known-arns' };
  if (providerAccount) return { accountId: providerAccount, accountSource: 'allowed-account-ids' };
  return undefined;
}
