/**
 * The stores of the access map (data stores and Secrets Manager secrets of data-class phi or pii),
 * the KMS keys that gate their data, and which of them a statement's Resource entries point at.
 * Data stores use the enrichment fact Statement.resourceTargets (checks/enrich/targets.ts);
 * secrets are matched here, by reference or by ARN (a secret's ARN ends in a random suffix, so
 * an ARN known only from its name matches every entry that accepts some suffix).
 */
import type { AccessStore, Credential, DataStore, DocRef, Inventory, Origin, Statement } from '../model.js';
import type { PolicyConfig } from '../engine/policyData.js';
import { globMatch } from '../glob.js';
import { hasPlaceholder, policyVariablesAsWildcards, referencedAddresses, targetsOfEntry } from '../enrich/targets.js';

export const MAPPED_CLASSES = new Set(['phi', 'pii']);

export interface StoreInfo {
  store: AccessStore;
  origin: Origin;
  /** ARN when known (state, live). */
  arn?: string;
  resourcePolicy?: DocRef;
  /** Id of the KMS key (Inventory.dataStores) whose key policy gates reading the data. */
  key?: string;
  /** The account the store belongs to, when known. */
  account?: string;
  data?: DataStore;
  secret?: Credential;
}

/** Which stores a statement's Resource (or NotResource) entries reach: all of them, or some. */
export interface Targets {
  all: boolean;
  ids: Set<string>;
}

const NONE: Targets = { all: false, ids: new Set() };

function arnAccount(arn: string | undefined): string | undefined {
  const a = arn?.split(':')[4];
  return a && /^\d{12}$/.test(a) ? a : undefined;
}

export class StoreIndex {
  readonly stores: StoreInfo[] = [];
  readonly byId = new Map<string, StoreInfo>();
  /** KMS keys of the Inventory by id (gates, never stores of the map). */
  readonly keys = new Map<string, DataStore>();
  private readonly secrets: StoreInfo[] = [];
  /** Secrets by stack and address without instance key. */
  private readonly secretsByAddress = new Map<string, StoreInfo[]>();
  private readonly secretMemo = new Map<string, string[]>();
  private readonly memo = new WeakMap<Statement, Targets>();
  private readonly allData: DataStore[];

  constructor(
    inv: Inventory,
    config: PolicyConfig,
    private readonly accountId: string | undefined,
  ) {
    const k = config.tagKeys;
    const base = (id: string, kind: AccessStore['kind'], name: string | null, dataClass: string, tags: Record<string, string>): AccessStore => {
      const s: AccessStore = { id, kind, name, dataClass };
      const owner = tags[k.owner];
      if (owner !== undefined) s.owner = owner;
      const max = tags[k.maxReach ?? 'max-reach'];
      if (max !== undefined) s.maxReach = max;
      return s;
    };
    this.allData = inv.dataStores.filter((d) => d.change !== 'delete');
    for (const d of this.allData) {
      if (d.kind === 'kms') {
        this.keys.set(d.id, d);
        continue;
      }
      if (!d.dataClass || !MAPPED_CLASSES.has(d.dataClass)) continue;
      this.add({
        store: base(d.id, d.kind, d.name, d.dataClass, d.tags),
        origin: d.origin,
        ...opt('arn', d.arn),
        ...opt('resourcePolicy', d.resourcePolicy),
        ...opt('key', d.kmsKey),
        ...opt('account', arnAccount(d.arn) ?? accountId),
        data: d,
      });
    }
    for (const c of inv.credentials) {
      const dc = c.governance?.dataClass ?? c.tags[k.dataClass];
      if (c.kind !== 'secret' || c.change === 'delete' || !dc || !MAPPED_CLASSES.has(dc)) continue;
      const info: StoreInfo = {
        store: base(c.id, 'secret', c.name, dc, c.tags),
        origin: c.origin,
        ...opt('arn', c.arn),
        ...opt('resourcePolicy', c.resourcePolicy),
        ...opt('key', c.kms?.keyId),
        ...opt('account', arnAccount(c.arn) ?? accountId),
        secret: c,
      };
      this.add(info);
      this.secrets.push(info);
      if (c.origin.address !== undefined) {
        const k = `${c.origin.stack ?? ''}|${c.origin.address.replace(/\[[^\]]*\]$/, '')}`;
        const l = this.secretsByAddress.get(k);
        if (l) l.push(info);
        else this.secretsByAddress.set(k, [info]);
      }
    }
    // A key that is not a KMS key of this Inventory (an AWS managed key, a key declared elsewhere) gates nothing known.
    for (const s of this.stores) if (s.key !== undefined && !this.keys.has(s.key)) delete s.key;
  }

  private add(s: StoreInfo): void {
    this.stores.push(s);
    this.byId.set(s.store.id, s);
  }

  /** Stores (and KMS keys) an Allow or Deny statement of a policy declared at `from` reaches. */
  targets(s: Statement, from: Origin): Targets {
    const hit = this.memo.get(s);
    if (hit) return hit;
    let t: Targets;
    if (s.resources?.includes('*')) t = { all: true, ids: new Set() };
    else if (s.resources) t = { all: false, ids: this.entriesTargets(s, s.resources, from) };
    else if (s.notResources) {
      // Everything but what NotResource names.
      const except = this.notTargets(s.notResources, from);
      t = { all: false, ids: new Set([...this.byId.keys(), ...this.keys.keys()].filter((id) => !except.has(id))) };
    } else t = NONE;
    this.memo.set(s, t);
    return t;
  }

  private entriesTargets(s: Statement, entries: string[], from: Origin): Set<string> {
    const ids = new Set<string>();
    for (const t of s.resourceTargets ?? []) if (this.byId.has(t.dataStore) || this.keys.has(t.dataStore)) ids.add(t.dataStore);
    for (const e of entries) for (const id of this.secretTargets(e, from)) ids.add(id);
    return ids;
  }

  private notTargets(entries: string[], from: Origin): Set<string> {
    const ids = new Set<string>();
    for (const e of entries) {
      for (const id of targetsOfEntry(e, from, this.allData, this.accountId)) ids.add(id);
      for (const id of this.secretTargets(e, from)) ids.add(id);
    }
    return ids;
  }

  /** Secrets one Resource entry points at. */
  secretTargets(entry: string, from: Origin): string[] {
    if (this.secrets.length === 0 || entry === '*') return [];
    const isRef = hasPlaceholder(entry);
    const key = isRef ? `${entry}\u0000${from.stack ?? ''}\u0000${from.address ?? ''}` : entry;
    const hit = this.secretMemo.get(key);
    if (hit) return hit;
    let out: string[] = [];
    if (isRef) {
      // Inside a module, references name resources of the same module without its prefix.
      const modulePrefix = /^(.*\.)?(module\.[^.]+\.)/.exec(from.address ?? '')?.[0] ?? '';
      const found = new Set<string>();
      for (const a of referencedAddresses(entry))
        for (const x of [a, modulePrefix + a]) for (const s of this.secretsByAddress.get(`${from.stack ?? ''}|${x}`) ?? []) found.add(s.store.id);
      out = [...found];
    } else {
      const pattern = policyVariablesAsWildcards(entry);
      const parts = pattern.split(':');
      if (parts.length >= 6 && parts[0] === 'arn' && /^(\*|secretsmanager)$/.test(parts[2] ?? '')) {
        out = this.secrets.filter((s) => secretMatches(pattern, parts, s, this.accountId)).map((s) => s.store.id);
      }
    }
    this.secretMemo.set(key, out);
    return out;
  }

  /**
   * Stores of one class answer alike for a principal whose own statements reach them only through
   * `Resource "*"` (up to the key's hop for read, which depends on the key alone): same kind, and
   * no resource policy Deny (a Deny may name the principal). undefined: a class of its own.
   */
  classOf(s: StoreInfo): string | undefined {
    if (s.resourcePolicy && (!s.resourcePolicy.known || s.resourcePolicy.document?.statements.some((x) => x.effect === 'Deny'))) return undefined;
    return s.store.kind;
  }

  /** True when a resource policy statement (attached to `store`) applies to it. */
  appliesTo(s: Statement, store: StoreInfo): boolean {
    if (s.resources === undefined && s.notResources === undefined) return true; // key and secret policies may omit it
    const t = this.targets(s, store.origin);
    if (t.all || t.ids.has(store.store.id)) return true;
    // Bucket policies name their own bucket: match it alone (targets cover only stores of this input's scope).
    if (store.data && s.resources) return s.resources.some((e) => targetsOfEntry(e, store.origin, [store.data!], this.accountId).length > 0);
    return false;
  }
}

function secretMatches(entry: string, parts: string[], s: StoreInfo, accountId: string | undefined): boolean {
  if (s.arn) return globMatch(entry, s.arn, 'full');
  if (!s.store.name) return false;
  const text = `arn:aws:secretsmanager:${parts[3] ?? '*'}:${accountId ?? parts[4] ?? '*'}:secret:${s.store.name}`;
  // The ARN continues with `-` and six random characters.
  return globMatch(entry, `${text}-`, 'prefix') || globMatch(entry, text, 'full');
}

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}
