/**
 * Who a policy's Principal entry (or a Resource entry of sts:AssumeRole) names: an identity of the
 * Inventory, an IAM role or user outside it, every principal of an account, anyone, or a principal
 * the inputs do not resolve (a reference to no identity of the inputs, such as a data source, a
 * variable or a role declared elsewhere, or an entry that is no ARN). Identities whose ARN is known
 * only after apply (synth, plans) are found by kind and name, with the account pinned by the
 * provider when there is one.
 */
import type { Identity, Inventory, Origin } from '../model.js';
import { globMatch } from '../glob.js';
import { hasPlaceholder, referencedAddresses } from '../enrich/targets.js';

export type Named =
  | { kind: 'identity'; id: string }
  | { kind: 'external'; id: string; account?: string }
  /** `unresolved:` and the entry as written (a `${...}` reference, or text that is no principal ARN): nothing in the inputs says who it is. */
  | { kind: 'unresolved'; id: string }
  | { kind: 'account'; account: string }
  | { kind: 'any' };

interface IamArn {
  account: string;
  /** role or user; assumed-role sessions count as their role. */
  kind: 'role' | 'user' | 'root' | 'other';
  name: string;
}

function parseIamArn(arn: string): IamArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || (parts[2] !== 'iam' && parts[2] !== 'sts')) return undefined;
  const account = parts[4]!;
  const rest = parts.slice(5).join(':');
  if (rest === 'root') return { account, kind: 'root', name: '' };
  const segs = rest.split('/');
  const type = segs[0];
  if (parts[2] === 'sts' && type === 'assumed-role' && segs[1]) return { account, kind: 'role', name: segs[1] };
  if (type === 'role' || type === 'user') return { account, kind: type, name: segs[segs.length - 1]! };
  return { account, kind: 'other', name: rest };
}

export class IdentityIndex {
  private readonly byName = new Map<string, Identity[]>();
  private readonly byAddress = new Map<string, Identity[]>();
  readonly roles: Identity[];

  constructor(
    readonly identities: Identity[],
    readonly accountId: string | undefined,
  ) {
    for (const i of identities) {
      if (i.name) push(this.byName, `${i.kind}:${i.name.toLowerCase()}`, i);
      const a = i.origin.address;
      if (a !== undefined) push(this.byAddress, `${i.origin.stack ?? ''}|${a.replace(/\[[^\]]*\]$/, '')}`, i);
    }
    this.roles = identities.filter((i) => i.kind === 'role');
  }

  /** The account an identity belongs to: from its ARN, else the Inventory's pinned account. */
  accountOf(i: Identity): string | undefined {
    return (i.arn ? parseIamArn(i.arn)?.account : undefined) ?? this.accountId;
  }

  /** The identity's ARN, or its ARN as AWS will build it (`*` for an account that is not known). */
  arnOf(i: Identity, accountStandIn = '*'): string | undefined {
    if (i.arn) return i.arn;
    if (!i.name) return undefined;
    return `arn:aws:iam::${this.accountId ?? accountStandIn}:${i.kind}${i.path ?? '/'}${i.name}`;
  }

  private byArn(arn: IamArn): Identity | undefined {
    if (arn.kind !== 'role' && arn.kind !== 'user') return undefined;
    for (const i of this.byName.get(`${arn.kind}:${arn.name.toLowerCase()}`) ?? []) {
      const acct = this.accountOf(i);
      if (acct === undefined || acct === arn.account) return i;
    }
    return undefined;
  }

  /** Identities a `${...}` reference names, in the scope (stack, module) of `from`. */
  referenced(entry: string, from: Origin): Identity[] {
    const modulePrefix = /^(.*\.)?(module\.[^.]+\.)/.exec(from.address ?? '')?.[0] ?? '';
    const out: Identity[] = [];
    for (const t of referencedAddresses(entry)) {
      for (const x of [t, modulePrefix + t]) for (const i of this.byAddress.get(`${from.stack ?? ''}|${x}`) ?? []) if (!out.includes(i)) out.push(i);
    }
    return out;
  }

  /** Who one AWS principal entry names. */
  principal(entry: string, from: Origin): Named[] {
    if (entry === '*') return [{ kind: 'any' }];
    if (hasPlaceholder(entry)) {
      const hits = this.referenced(entry, from);
      return hits.length ? hits.map((i) => ({ kind: 'identity', id: i.id })) : [unresolved(entry)];
    }
    if (/^\d{12}$/.test(entry)) return [{ kind: 'account', account: entry }];
    const arn = parseIamArn(entry);
    if (!arn) return entry ? [unresolved(entry)] : [];
    if (arn.kind === 'root') return [{ kind: 'account', account: arn.account }];
    const hit = this.byArn(arn);
    if (hit) return [{ kind: 'identity', id: hit.id }];
    return [{ kind: 'external', id: entry, account: arn.account }];
  }

  /** Roles a Resource entry of sts:AssumeRole points at. */
  rolesOf(entry: string, from: Origin): Identity[] {
    if (entry === '*') return this.roles;
    if (hasPlaceholder(entry)) return this.referenced(entry, from).filter((i) => i.kind === 'role');
    const parts = entry.split(':');
    if (parts.length < 6 || parts[0] !== 'arn' || !/^(\*|iam)$/.test(parts[2] ?? '')) return [];
    const last = entry.split('/').pop() ?? '';
    const candidates = /[*?]/.test(last) ? this.roles : (this.byName.get(`role:${last.toLowerCase()}`) ?? []);
    return candidates.filter((r) => {
      const arn = this.arnOf(r, parts[4] ?? '*');
      return arn !== undefined && globMatch(entry, arn, 'full');
    });
  }
}

const UNRESOLVED = 'unresolved:';

/** The id of an unresolved principal: a prefix no ARN, account id or identity id starts with, then the entry. */
function unresolved(entry: string): Named {
  return { kind: 'unresolved', id: UNRESOLVED + entry };
}

/** The entry as written of an unresolved principal's id. */
export function unresolvedEntry(id: string): string | undefined {
  return id.startsWith(UNRESOLVED) ? id.slice(UNRESOLVED.length) : undefined;
}

export function accountOfArn(arn: string): string | undefined {
  return parseIamArn(arn)?.account;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Identities the access map judges: not being deleted, not AWS service-linked. */
export function mappedIdentities(inv: Inventory): Identity[] {
  return inv.identities.filter((i) => i.change !== 'delete' && !(i.path ?? '').startsWith('/aws-service-role/'));
}
