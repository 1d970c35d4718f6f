/**
 * Effective access to the data stores of data-class phi and pii, as facts (Inventory.access) for
 * the rules and the `access` command. For every principal, the stores it can act on, at which
 * level, and the path: identity -> roles assumed -> policy statement -> store.
 *
 * How a request is judged (one account, as AWS evaluates it, without the conditions' values):
 * - An Allow in an identity policy (attached, inline, or through a group), or in the store's
 *   resource policy naming the principal, grants; an unconditioned Deny in any of them, or in the
 *   permissions boundary, removes it. A conditional Deny is not assumed to apply; a conditional
 *   Allow is assumed to (its condition keys are kept on the path).
 * - A permissions boundary that is known limits what identity policies grant (and, for roles,
 *   what a resource policy grants to the role).
 * - Reading data encrypted with a customer-managed KMS key of the Inventory also needs
 *   kms:Decrypt on the key: from the key policy naming the principal, or from an IAM statement
 *   when the key policy leaves it to the account (the default key policy does).
 * - Role chaining: a principal reaches what a role reaches when its identity policy allows
 *   sts:AssumeRole on the role and the role's trust policy admits it, to any depth; roles already
 *   on the way are not visited again. Principals outside the Inventory (a vendor's role, an
 *   account, anyone) named in a trust or resource policy are mapped too: their own policies are
 *   not known here, so what the named side admits is what they reach.
 *
 * Indexes (identities by name and address, stores by reference and ARN, roles admitting each
 * principal) keep the work near linear in the policies; a principal's direct reaches are computed
 * once and shared by every chain through it.
 */
import type { PolicyConfig } from '../engine/policyData.js';
import { isOwnAccount } from '../loaders/ownAccount.js';
import type { AccessMapData, AccessLevel, AccessPrincipal, AccessReach, AccessStep, AccessVia, Identity, Inventory, Policy, Statement } from '../model.js';
import { coversAction, grantedActions, stronger, writtenFor } from './levels.js';
import { IdentityIndex, mappedIdentities, type Named } from './principals.js';
import { StoreIndex, type StoreInfo } from './stores.js';

interface Stmt {
  s: Statement;
  policy: Policy;
  index: number;
}

/** What an identity's own policies say: Allow statements, unconditioned Denies, the boundary. */
interface Side {
  allows: Stmt[];
  denies: Stmt[];
  /** Allow statements of a known boundary; undefined when there is none (or it is not known). */
  boundary?: Stmt[];
  boundaryUnknown: boolean;
}

interface Direct {
  store: string;
  level: AccessLevel;
  levels: AccessLevel[];
  via: 'identity-policy' | 'resource-policy';
  steps: AccessStep[];
}

interface Admission {
  index: number;
  conditions: string[];
}

/** Who a role's trust policy admits to sts:AssumeRole. */
interface Trust {
  any?: Admission;
  accounts: Map<string, Admission>;
  identities: Map<string, Admission>;
  externals: Map<string, Admission>;
  /** Who each key of `externals` is. */
  named: Map<string, Named>;
}

const ASSUME = 'sts:assumerole';
/** Strongest first. */
const LEVELS: readonly AccessLevel[] = ['admin', 'write', 'read'];

function directOf(store: string, via: Direct['via'], found: Map<AccessLevel, AccessStep[]>): Direct | undefined {
  const level = LEVELS.find((l) => found.has(l));
  if (!level) return undefined;
  return { store, level, levels: LEVELS.filter((l) => found.has(l)).reverse(), via, steps: found.get(level)! };
}
const DECRYPT = 'kms:decrypt';

/** The condition keys of statements, once each (compared in lower case), in the user's spelling. */
function conditionKeys(stmts: Statement[]): string[] {
  const byKey = new Map<string, string>();
  for (const s of stmts) for (const c of s.conditions) if (!byKey.has(c.key)) byKey.set(c.key, c.writtenKey ?? c.key);
  return [...byKey.values()].sort();
}

function withConditions(step: AccessStep, ...stmts: Statement[]): AccessStep {
  const keys = conditionKeys(stmts);
  if (keys.length) step.conditions = keys;
  return step;
}

function statementsOf(p: Policy): Stmt[] {
  if (!p.document.known || !p.document.document || p.change === 'delete') return [];
  return p.document.document.statements.map((s, index) => ({ s, policy: p, index }));
}

export class AccessGraph {
  private readonly ids: IdentityIndex;
  private readonly stores: StoreIndex;
  private readonly policies = new Map<string, Policy>();
  private readonly groups = new Map<string, Inventory['groups'][number]>();
  private readonly identityById = new Map<string, Identity>();
  private readonly sides = new Map<string, Side>();
  private readonly trusts = new Map<string, Trust>();
  /** Roles whose trust admits every principal of an account, or anyone. */
  private readonly byAccount = new Map<string, Identity[]>();
  private readonly anyRoles: Identity[] = [];
  private readonly namingRoles = new Map<string, Identity[]>();
  private readonly principals = new Map<string, AccessPrincipal>();
  /** Resource-policy grants by principal key (identity id or AccessPrincipal id). */
  private readonly resourceGrants = new Map<string, Array<{ store: StoreInfo; stmt: Statement; index: number }>>();
  private readonly directMemo = new Map<string, Direct[]>();
  private readonly roleTargets = new WeakMap<Statement, { all: boolean; ids: Set<string>; not: boolean }>();
  private readonly keyMemo = new Map<string, AccessStep | null | undefined>();
  private readonly namedMemo = new WeakMap<Side, Set<string>>();

  constructor(
    private readonly inv: Inventory,
    config: PolicyConfig,
  ) {
    const identities = mappedIdentities(inv);
    this.ids = new IdentityIndex(identities, inv.accountId);
    this.stores = new StoreIndex(inv, config, inv.accountId);
    for (const p of inv.policies) this.policies.set(p.id, p);
    for (const g of inv.groups) this.groups.set(g.id, g);
    for (const i of identities) this.identityById.set(i.id, i);
    for (const r of this.ids.roles) this.indexTrust(r);
    for (const s of this.stores.stores) this.indexResourcePolicy(s);
  }

  // --- the identity side ----------------------------------------------------------------------

  private side(i: Identity): Side {
    let side = this.sides.get(i.id);
    if (side) return side;
    const pids = [...i.policies.map((l) => l.policy)];
    for (const gid of i.groups) for (const l of this.groups.get(gid)?.policies ?? []) pids.push(l.policy);
    const stmts = [...new Set(pids)].flatMap((pid) => {
      const p = this.policies.get(pid);
      return p ? statementsOf(p) : [];
    });
    side = {
      allows: stmts.filter((x) => x.s.effect === 'Allow'),
      denies: stmts.filter((x) => x.s.effect === 'Deny' && x.s.conditions.length === 0),
      boundaryUnknown: false,
    };
    const b = i.permissionsBoundary;
    if (b) {
      const p = b.policy ? this.policies.get(b.policy) : undefined;
      if (p && p.document.known) {
        const bs = statementsOf(p);
        side.boundary = bs.filter((x) => x.s.effect === 'Allow');
        side.denies.push(...bs.filter((x) => x.s.effect === 'Deny' && x.s.conditions.length === 0));
      } else side.boundaryUnknown = true;
    }
    this.sides.set(i.id, side);
    return side;
  }

  /** True when a statement's Resource entries reach store or key `id`. */
  private reachesStore(x: Stmt, id: string): boolean {
    const t = this.stores.targets(x.s, x.policy.origin);
    return t.all || t.ids.has(id);
  }

  private reachesRole(x: Stmt, role: Identity): boolean {
    let t = this.roleTargets.get(x.s);
    if (!t) {
      const entries = x.s.resources ?? x.s.notResources ?? [];
      const all = entries.includes('*');
      const ids = new Set<string>();
      if (!all) for (const e of entries) for (const r of this.ids.rolesOf(e, x.policy.origin)) ids.add(r.id);
      t = { all, ids, not: x.s.resources === undefined && x.s.notResources !== undefined };
      this.roleTargets.set(x.s, t);
    }
    const named = t.all || t.ids.has(role.id);
    return t.not ? !named : named;
  }

  /** Ids of the roles an identity's sts:AssumeRole Allow statements name; undefined when one names every role (`*`, NotResource). */
  private assumeTargets(i: Identity): Set<string> | undefined {
    const ids = new Set<string>();
    for (const x of this.side(i).allows) {
      if (!coversAction(x.s, ASSUME)) continue;
      this.reachesRole(x, i);
      const t = this.roleTargets.get(x.s)!;
      if (t.all || t.not) return undefined;
      for (const id of t.ids) ids.add(id);
    }
    return ids;
  }

  /** Stores (and keys) the side's Deny and boundary statements name one by one (not through `*`). */
  private namedBy(side: Side): Set<string> {
    let n = this.namedMemo.get(side);
    if (n) return n;
    n = new Set<string>();
    for (const x of [...side.denies, ...(side.boundary ?? [])]) {
      const t = this.stores.targets(x.s, x.policy.origin);
      if (!t.all) for (const id of t.ids) n.add(id);
    }
    this.namedMemo.set(side, n);
    return n;
  }

  /** The identity's own policies allow `action` on the target (and the boundary, and no Deny). */
  private allowedBySide(side: Side, action: string, reaches: (x: Stmt) => boolean): Stmt | undefined {
    if (side.denies.some((d) => coversAction(d.s, action) && reaches(d))) return undefined;
    if (side.boundary && !side.boundary.some((b) => coversAction(b.s, action) && reaches(b))) return undefined;
    return side.allows.find((a) => coversAction(a.s, action) && reaches(a));
  }

  private deniedBySide(side: Side, action: string, id: string): boolean {
    return side.denies.some((d) => coversAction(d.s, action) && this.reachesStore(d, id));
  }

  // --- KMS ------------------------------------------------------------------------------------

  /** The hop through the store's KMS key for principal `who` to read, or null when the key refuses. */
  private keyStep(who: string, store: StoreInfo): AccessStep | null | undefined {
    if (store.key === undefined) return undefined;
    const k = `${who}\u0000${store.key}`;
    if (this.keyMemo.has(k)) return this.keyMemo.get(k);
    const step = this.keyStepOf(who, store);
    this.keyMemo.set(k, step);
    return step;
  }

  private keyStepOf(who: string, store: StoreInfo): AccessStep | null {
    const key = this.stores.keys.get(store.key!)!;
    const identity = this.identityById.get(who);
    const account = identity ? this.ids.accountOf(identity) : this.principalAccount(who);
    const own = account === undefined || account === this.inv.accountId || this.inv.accountId === undefined;
    const viaIam = (index?: number, keyStmt?: Statement): AccessStep | null => {
      if (!identity) return index !== undefined && !own ? { kind: 'key', from: who, to: key.id, resourceStatement: index } : null;
      const side = this.side(identity);
      const x = this.allowedBySide(side, DECRYPT, (y) => this.reachesStore(y, key.id));
      if (!x) return null;
      const step: AccessStep = { kind: 'key', from: who, to: key.id, policy: x.policy.id, statement: x.index, ...(x.s.sid ? { sid: x.s.sid } : {}) };
      if (index !== undefined) step.resourceStatement = index;
      if (side.boundaryUnknown) step.boundaryUnknown = true;
      return withConditions(step, x.s, ...(keyStmt ? [keyStmt] : []));
    };
    const doc = key.resourcePolicy;
    // No key policy declared (or one known only after apply): the default policy leaves it to IAM in the key's account.
    if (!doc || !doc.known || !doc.document) return own && identity ? viaIam() : null;
    const stmts = doc.document.statements;
    const names = (s: Statement) => this.admits(s, who, account, key.origin);
    if (stmts.some((s) => s.effect === 'Deny' && s.conditions.length === 0 && coversAction(s, DECRYPT) && names(s))) return null;
    for (const [index, s] of stmts.entries()) {
      if (s.effect !== 'Allow' || !coversAction(s, DECRYPT)) continue;
      const how = names(s);
      if (how === 'direct') return withConditions({ kind: 'key', from: who, to: key.id, resourceStatement: index }, s);
      if (how === 'account') {
        const step = viaIam(index, s);
        if (step) return step;
      }
    }
    return null;
  }

  /** How a resource policy statement admits a principal: by name (or anyone), through its account, or not. */
  private admits(s: Statement, who: string, account: string | undefined, from: StoreInfo['origin']): 'direct' | 'account' | undefined {
    const p = s.principals;
    if (!p) return undefined;
    if (p.any) return 'direct';
    let how: 'direct' | 'account' | undefined;
    for (const e of p.aws ?? []) {
      for (const n of this.ids.principal(e, from)) {
        if (n.kind === 'any' || ((n.kind === 'identity' || n.kind === 'external' || n.kind === 'unresolved') && n.id === who)) return 'direct';
        // An identity whose account is not known (no pinned account) may belong to the one named.
        if (
          n.kind === 'account' &&
          (n.account === account || (account === undefined && (this.inv.accountId === undefined || n.account === this.inv.accountId)))
        )
          how = 'account';
        if (n.kind === 'account' && `account:${n.account}` === who) return 'direct';
      }
    }
    return how;
  }

  private principalAccount(id: string): string | undefined {
    return this.principals.get(id)?.account;
  }

  // --- resource policies and trust --------------------------------------------------------------

  private principalKey(n: Named): string | undefined {
    switch (n.kind) {
      case 'identity':
        return n.id;
      case 'external':
        return this.external({ id: n.id, kind: 'external', ...(n.account ? { account: n.account } : {}) });
      case 'unresolved':
        // Its account is not known: never the own account's, so a rule never leaves it to another input.
        return this.external({ id: n.id, kind: 'unresolved' });
      case 'account':
        // The own account's root hands the decision to IAM policies: no principal of its own.
        return n.account === this.inv.accountId ? undefined : this.external({ id: `account:${n.account}`, kind: 'account', account: n.account });
      case 'any':
        return this.external({ id: '*', kind: 'any' });
    }
  }

  private external(p: Omit<AccessPrincipal, 'ownAccount'>): string {
    if (!this.principals.has(p.id)) this.principals.set(p.id, { ...p, ownAccount: isOwnAccount(this.inv, p.account) });
    return p.id;
  }

  private indexResourcePolicy(store: StoreInfo): void {
    const doc = store.resourcePolicy;
    if (!doc?.known || !doc.document) return;
    for (const [index, s] of doc.document.statements.entries()) {
      if (s.effect !== 'Allow' || !this.stores.appliesTo(s, store)) continue;
      const keys = new Set<string>();
      if (s.principals?.any || s.notPrincipals) keys.add(this.principalKey({ kind: 'any' })!);
      for (const e of s.principals?.aws ?? [])
        for (const n of this.ids.principal(e, store.origin)) {
          const k = this.principalKey(n);
          if (k) keys.add(k);
        }
      for (const k of keys) push(this.resourceGrants, k, { store, stmt: s, index });
    }
  }

  /** A resource policy Deny without conditions that names `who` (or anyone) for the action. */
  private resourceDenies(store: StoreInfo, who: string, action: string): boolean {
    const doc = store.resourcePolicy;
    if (!doc?.known || !doc.document) return false;
    return doc.document.statements.some(
      (s) => s.effect === 'Deny' && s.conditions.length === 0 && coversAction(s, action) && this.admits(s, who, undefined, store.origin) === 'direct',
    );
  }

  private indexTrust(role: Identity): void {
    const t: Trust = { accounts: new Map(), identities: new Map(), externals: new Map(), named: new Map() };
    this.trusts.set(role.id, t);
    if (!role.trust?.known || !role.trust.document) return;
    for (const [index, s] of role.trust.document.statements.entries()) {
      if (s.effect !== 'Allow' || !coversAction(s, ASSUME)) continue;
      const adm = { index, conditions: conditionKeys([s]) };
      if (s.principals?.any) t.any ??= adm;
      for (const e of s.principals?.aws ?? []) {
        for (const n of this.ids.principal(e, role.origin)) {
          if (n.kind === 'any') t.any ??= adm;
          else if (n.kind === 'account') {
            if (!t.accounts.has(n.account)) t.accounts.set(n.account, adm);
          } else if (n.kind === 'identity') {
            if (!t.identities.has(n.id)) t.identities.set(n.id, adm);
          } else if (!t.externals.has(n.id)) {
            t.externals.set(n.id, adm);
            t.named.set(n.id, n);
          }
        }
      }
    }
    if (t.any) this.anyRoles.push(role);
    for (const a of t.accounts.keys()) push(this.byAccount, a, role);
    for (const id of [...t.identities.keys(), ...t.externals.keys()]) push(this.namingRoles, id, role);
  }

  /** Roles `who` may assume, with the hop. */
  private assumable(who: string): Array<{ role: Identity; step: AccessStep }> {
    const identity = this.identityById.get(who);
    const out: Array<{ role: Identity; step: AccessStep }> = [];
    // An identity none of whose statements allows sts:AssumeRole assumes nothing (checked before
    // the candidates: most identities, and each would otherwise walk every role of its account).
    if (identity && !this.side(identity).allows.some((x) => coversAction(x.s, ASSUME))) return out;
    // The roles the identity's sts:AssumeRole statements name, when none names every role: the
    // others are skipped before their trust is read (the answer is the same, sooner).
    const named = identity ? this.assumeTargets(identity) : undefined;
    const account = identity ? this.ids.accountOf(identity) : this.principalAccount(who);
    const p = this.principals.get(who);
    const candidates = new Set<Identity>(this.namingRoles.get(who) ?? []);
    if (p?.kind !== 'any') {
      // Roles admitting the principal's account; when no account is known (no pinned account), any account's.
      const byAccount = account !== undefined ? (this.byAccount.get(account) ?? []) : identity ? [...this.byAccount.values()].flat() : [];
      for (const r of byAccount) candidates.add(r);
    }
    for (const r of this.anyRoles) candidates.add(r);
    for (const role of candidates) {
      if (role.id === who || (named && !named.has(role.id))) continue;
      const t = this.trusts.get(role.id)!;
      const adm =
        t.identities.get(who) ??
        t.externals.get(who) ??
        (account !== undefined ? t.accounts.get(account) : identity ? [...t.accounts.values()][0] : undefined) ??
        t.any;
      if (!adm) continue;
      const step: AccessStep = { kind: 'assume', from: who, to: role.id, resourceStatement: adm.index };
      if (identity) {
        // Our side must allow sts:AssumeRole on the role too.
        const side = this.side(identity);
        const x = this.allowedBySide(side, ASSUME, (y) => this.reachesRole(y, role));
        if (!x) continue;
        step.policy = x.policy.id;
        step.statement = x.index;
        if (x.s.sid) step.sid = x.s.sid;
        if (side.boundaryUnknown) step.boundaryUnknown = true;
        withConditions(step, x.s);
      }
      if (adm.conditions.length) step.conditions = [...new Set([...(step.conditions ?? []), ...adm.conditions])].sort();
      out.push({ role, step });
    }
    return out;
  }

  // --- direct reaches ---------------------------------------------------------------------------

  /** What `who` reaches by its own policies and by resource policies naming it (no chaining). */
  private direct(who: string): Direct[] {
    const hit = this.directMemo.get(who);
    if (hit) return hit;
    const out: Direct[] = [];
    const identity = this.identityById.get(who);
    const side = identity ? this.side(identity) : undefined;
    if (identity && side) {
      // Statement by statement: the stores each reaches (all of them for Resource "*"), then each store once.
      const candidates = new Map<StoreInfo, Stmt[]>();
      const wide: Stmt[] = [];
      for (const x of side.allows) {
        const t = this.stores.targets(x.s, x.policy.origin);
        if (t.all) {
          wide.push(x);
          continue;
        }
        for (const id of t.ids) {
          const st = this.stores.byId.get(id);
          if (st) push(candidates, st, x);
        }
      }
      if (wide.length > 0) {
        // Resource "*" reaches every store. A store that no statement of this identity names (no
        // Allow, Deny or boundary statement of its own) is judged once per class of alike stores
        // (same kind, no resource policy Deny): the result is copied with the store's id and its
        // key's hop (keyed).
        const named = this.namedBy(side);
        const byClass = new Map<string, Direct | undefined>();
        for (const st of this.stores.stores) {
          const own = candidates.get(st);
          if (own) {
            // Both kinds of statement, in the identity's order.
            candidates.set(
              st,
              side.allows.filter((x) => wide.includes(x) || own.includes(x)),
            );
            continue;
          }
          const cls = named.has(st.store.id) ? undefined : this.stores.classOf(st);
          if (cls === undefined) {
            candidates.set(st, wide);
            continue;
          }
          let d = byClass.get(cls);
          if (!byClass.has(cls)) byClass.set(cls, (d = this.identityGrant(who, side, st, wide, false)));
          const r = d && this.keyed(who, d, st);
          if (r) out.push(r);
        }
      }
      for (const [store, stmts] of candidates) {
        const d = this.identityGrant(who, side, store, stmts);
        if (d) out.push(d);
      }
    }
    for (const g of this.resourceGrants.get(who) ?? []) {
      const d = this.resourceGrant(who, side, identity, g);
      if (d) out.push(d);
    }
    this.directMemo.set(who, out);
    return out;
  }

  /** The levels an identity's own policies give on a store; the path shown is the one of the strongest. */
  private identityGrant(who: string, side: Side, store: StoreInfo, stmts: Stmt[], withKey = true): Direct | undefined {
    const id = store.store.id;
    const found = new Map<AccessLevel, AccessStep[]>();
    for (const x of stmts) {
      for (const level of LEVELS) {
        if (found.has(level)) continue;
        const actions = this.granted(x.s, store.store.kind, level)
          .filter(([a, l]) => l === level && !this.deniedBySide(side, a, id) && !this.resourceDenies(store, who, a))
          .filter(([a]) => !side.boundary || side.boundary.some((b) => coversAction(b.s, a) && this.reachesStore(b, id)))
          .map(([a]) => a);
        if (actions.length === 0) continue;
        const step: AccessStep = withConditions(
          { kind: 'grant', from: who, to: id, policy: x.policy.id, statement: x.index, actions: this.written(x.s, store.store.kind, level) },
          x.s,
        );
        if (x.s.sid) step.sid = x.s.sid;
        if (side.boundaryUnknown) step.boundaryUnknown = true;
        const steps = [step];
        if (level === 'read' && withKey) {
          const k = this.keyStep(who, store);
          if (k === null) continue;
          if (k) steps.push(k);
        }
        found.set(level, steps);
      }
      if (found.size === LEVELS.length) break;
    }
    return directOf(id, 'identity-policy', found);
  }

  /**
   * A class's reach (judged without the key) for one store of the class: its id, and its key's
   * hop for read (the hop depends on the key alone, not on the statement; a key that refuses
   * removes read, which only the strongest-read path shows).
   */
  private keyed(who: string, d: Direct, st: StoreInfo): Direct | undefined {
    const id = st.store.id;
    const base = d.store === id ? d : relabel(d, id);
    if (!d.levels.includes('read')) return base;
    const k = this.keyStep(who, st);
    if (k === undefined) return base;
    if (k === null) {
      const levels = d.levels.filter((l) => l !== 'read');
      return levels.length === 0 ? undefined : { ...base, levels };
    }
    return d.level === 'read' ? { ...base, steps: [...base.steps, k] } : base;
  }

  private resourceGrant(
    who: string,
    side: Side | undefined,
    identity: Identity | undefined,
    g: { store: StoreInfo; stmt: Statement; index: number },
  ): Direct | undefined {
    const { store, stmt, index } = g;
    const id = store.store.id;
    // A role's boundary limits what a resource policy grants to the role; a user's does not.
    const bounded = identity?.kind === 'role' && side?.boundary;
    const found = new Map<AccessLevel, AccessStep[]>();
    for (const level of LEVELS) {
      const actions = this.granted(stmt, store.store.kind, level)
        .filter(([a, l]) => l === level && !(side && this.deniedBySide(side, a, id)) && !this.resourceDenies(store, who, a))
        .filter(([a]) => !bounded || side.boundary!.some((b) => coversAction(b.s, a) && this.reachesStore(b, id)))
        .map(([a]) => a);
      if (actions.length === 0) continue;
      const steps: AccessStep[] = [
        withConditions(
          {
            kind: 'resource-grant',
            from: who,
            to: id,
            resourceStatement: index,
            actions: this.written(stmt, store.store.kind, level),
            ...(stmt.sid ? { sid: stmt.sid } : {}),
          },
          stmt,
        ),
      ];
      if (level === 'read') {
        const k = this.keyStep(who, store);
        if (k === null) continue;
        if (k) steps.push(k);
      }
      found.set(level, steps);
    }
    return directOf(id, 'resource-policy', found);
  }

  private readonly grantedMemo = new WeakMap<Statement, Map<string, Array<readonly [string, AccessLevel]>>>();

  /** The actions of a statement that give `level` on a kind of store (memoized per statement and kind). */
  private granted(s: Statement, kind: StoreInfo['store']['kind'], level: AccessLevel): Array<readonly [string, AccessLevel]> {
    let m = this.grantedMemo.get(s);
    if (!m) this.grantedMemo.set(s, (m = new Map<string, Array<readonly [string, AccessLevel]>>()));
    let g = m.get(kind);
    if (!g) m.set(kind, (g = grantedActions(s, kind)));
    return g.filter(([, l]) => l === level);
  }

  private readonly writtenMemo = new WeakMap<Statement, Map<string, string[]>>();

  /** The actions as written that give `level` on a kind of store (for paths; a Deny that removes some of them does not shorten it). */
  private written(s: Statement, kind: StoreInfo['store']['kind'], level: AccessLevel): string[] {
    let m = this.writtenMemo.get(s);
    if (!m) this.writtenMemo.set(s, (m = new Map<string, string[]>()));
    const k = `${kind}/${level}`;
    let w = m.get(k);
    if (!w)
      m.set(
        k,
        (w = writtenFor(
          s,
          this.granted(s, kind, level).map(([a]) => a),
        )),
      );
    return w;
  }

  // --- chains -----------------------------------------------------------------------------------

  /** Every reach of one principal: direct, then through the roles it can assume (breadth first). */
  private reachesOf(start: string, out: Map<string, AccessReach[]>): void {
    // The best reach of each store, per way in.
    const best = new Map<AccessVia, Map<string, AccessReach>>(VIAS.map((v) => [v, new Map<string, AccessReach>()]));
    const keep = (r: AccessReach) => {
      const m = best.get(r.via)!;
      const old = m.get(r.store);
      if (!old) return void m.set(r.store, r);
      const levels = [...new Set([...old.levels, ...r.levels])].sort((a, b) => LEVELS.indexOf(b) - LEVELS.indexOf(a));
      m.set(r.store, stronger(old.level, r.level) !== old.level ? { ...r, levels } : { ...old, levels });
    };
    for (const d of this.direct(start))
      keep({ principal: start, store: d.store, level: d.level, levels: d.levels, via: d.via, chain: NO_CHAIN, path: d.steps });
    const seen = new Set<string>([start]);
    let frontier: Array<{ node: string; chain: string[]; steps: AccessStep[] }> = [{ node: start, chain: [], steps: [] }];
    while (frontier.length > 0) {
      const next: typeof frontier = [];
      for (const f of frontier) {
        for (const { role, step } of this.assumable(f.node)) {
          if (seen.has(role.id)) continue;
          seen.add(role.id);
          const chain = [...f.chain, role.id];
          const steps = [...f.steps, step];
          for (const d of this.direct(role.id))
            keep({ principal: start, store: d.store, level: d.level, levels: d.levels, via: 'role-chain', chain, path: [...steps, ...d.steps] });
          next.push({ node: role.id, chain, steps });
        }
      }
      frontier = next;
    }
    let list = out.get(start);
    if (!list) out.set(start, (list = []));
    for (const m of best.values()) for (const r of m.values()) list.push(r);
  }

  compute(): AccessMapData {
    const byPrincipal = new Map<string, AccessReach[]>();
    if (this.stores.stores.length > 0) {
      for (const i of this.identityById.values()) this.reachesOf(i.id, byPrincipal);
      // Principals outside the Inventory, named by trust or resource policies (the list grows while trust is walked).
      for (const r of this.ids.roles) {
        const t = this.trusts.get(r.id)!;
        if (t.any) this.principalKey({ kind: 'any' });
        for (const n of t.named.values()) this.principalKey(n);
        for (const a of t.accounts.keys()) this.principalKey({ kind: 'account', account: a });
      }
      for (const id of [...this.principals.keys()]) this.reachesOf(id, byPrincipal);
    }
    // Ordered by store, principal and way in without one sort of every reach (millions at scale):
    // principals in order, each one's reaches by way in, dealt into per-store lists.
    const byStore = new Map<string, AccessReach[]>();
    for (const p of [...byPrincipal.keys()].sort(textOrder)) {
      const rs = byPrincipal.get(p)!;
      for (const via of VIAS) for (const r of rs) if (r.via === via) push(byStore, r.store, r);
    }
    const reaches: AccessReach[] = [];
    for (const s of [...byStore.keys()].sort(textOrder)) for (const r of byStore.get(s)!) reaches.push(r);
    return {
      stores: this.stores.stores.map((s) => s.store),
      principals: [...this.principals.values()].filter((p) => byPrincipal.get(p.id)?.length).sort((a, b) => (a.id < b.id ? -1 : 1)),
      reaches,
    };
  }
}

/** The chain of a reach without one (shared: never changed). */
const NO_CHAIN: string[] = [];
const textOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** The ways in, in text order. */
const VIAS: readonly AccessVia[] = ['identity-policy', 'resource-policy', 'role-chain'];

/** A class's reach for another store of the class: the grant's target is the store; the key hop is the same. */
function relabel(d: Direct, store: string): Direct {
  const [grant, ...rest] = d.steps;
  return { ...d, store, steps: [{ ...grant!, to: store }, ...rest] };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** The access map of an enriched Inventory (its statements carry expandedActions and resourceTargets). */
export function computeAccess(inv: Inventory, config: PolicyConfig): AccessMapData {
  const map = new AccessGraph(inv, config).compute();
  maps.set(inv, map);
  return map;
}

/** The whole map computed for an Inventory by its enrichment (the `access` command renders it). */
export function accessMapOf(inv: Inventory): AccessMapData | undefined {
  return maps.get(inv);
}

const maps = new WeakMap<Inventory, AccessMapData>();

export type { AccessVia };
