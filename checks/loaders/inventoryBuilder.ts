/**
 * Resource records (from synth, plan or state) into one Inventory. One handler per terraform
 * resource type; links between resources are made by known name first, then by reference
 * address; what stays undecidable is recorded in Inventory.unknowns (NHI-UNK-001), never guessed.
 */
import {
  emptyInventory,
  type Compute,
  type Credential,
  type DataStore,
  type DeclaredWaiver,
  type DocRef,
  type Group,
  type Identity,
  type InputRef,
  type Inventory,
  type Policy,
  type Unknown,
} from '../model.js';
import { AWS_MANAGED_PREFIX, isAwsManagedKeyRef, rotationIntervalDays } from '../aws.js';
import { PLAIN_CONFIG_TYPES } from './plainConfig.js';
import { documentFromConfiguration, documentFromDataSource, documentFromText } from './policyDocument.js';
import {
  arnRegion,
  asBlocks,
  asBool,
  asNumber,
  asObject,
  asString,
  asTags,
  isUnresolved,
  mergeTags,
  refTarget,
  splitAddress,
  type ResourceRecord,
  type Value,
} from './values.js';

const DATA_STORE_TYPES: Record<string, { kind: DataStore['kind']; nameAttrs: string[] }> = {
  aws_s3_bucket: { kind: 's3', nameAttrs: ['bucket'] },
  aws_dynamodb_table: { kind: 'dynamodb', nameAttrs: ['name'] },
  aws_db_instance: { kind: 'rds', nameAttrs: ['identifier'] },
  aws_rds_cluster: { kind: 'rds', nameAttrs: ['cluster_identifier'] },
  aws_healthlake_fhir_datastore: { kind: 'healthlake', nameAttrs: ['datastore_name'] },
  aws_kms_key: { kind: 'kms', nameAttrs: ['description'] },
};

/**
 * Resource types the builder reads (managed resources), besides the data stores above. Plans and
 * states carry thousands of resources of other types (queues, functions, alarms...): readers skip
 * them before converting their values, which also keeps their secrets out of memory.
 */
const READ_TYPES = new Set([
  'aws_iam_role',
  'aws_iam_user',
  'aws_iam_group',
  'aws_iam_policy',
  'aws_iam_role_policy',
  'aws_iam_user_policy',
  'aws_iam_group_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_user_policy_attachment',
  'aws_iam_group_policy_attachment',
  'aws_iam_policy_attachment',
  'aws_iam_group_membership',
  'aws_iam_user_group_membership',
  'aws_iam_access_key',
  'aws_iam_user_login_profile',
  'aws_secretsmanager_secret',
  'aws_secretsmanager_secret_version',
  'aws_secretsmanager_secret_rotation',
  'aws_kms_alias',
  // Resource policies and encryption of data stores (the PHI access map, checks/access/).
  'aws_s3_bucket_policy',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_secretsmanager_secret_policy',
  'aws_autoscaling_group',
  ...PLAIN_CONFIG_TYPES,
  ...Object.keys(DATA_STORE_TYPES),
]);

/** True when the builder reads records of this mode and type (data sources: policy documents only). */
export function readsResource(mode: unknown, type: unknown): boolean {
  return mode === 'data' ? type === 'aws_iam_policy_document' : typeof type === 'string' && READ_TYPES.has(type);
}

/** The document with each statement's declaring lines, when there are exactly as many as statements. */
function withStatementLines(doc: DocRef, at: Array<{ file: string; line: number; endLine: number }> | undefined): DocRef {
  const statements = doc.document?.statements;
  if (!doc.known || !statements || !at || at.length !== statements.length) return doc;
  return { ...doc, document: { ...doc.document!, statements: statements.map((s, i) => ({ ...s, declaredAt: { ...at[i]! } })) } };
}

/** `x.y["k"]` -> `x.y`: the address a reference without instance key names; undefined without a key. */
function withoutInstanceKey(address: string): string | undefined {
  if (!address.endsWith(']')) return undefined;
  const parts = splitAddress(address);
  const last = parts[parts.length - 1]!;
  const open = last.indexOf('[');
  if (open < 0) return undefined;
  return address.slice(0, address.length - last.length + open);
}

/**
 * True when the record withheld a sensitive value at the attribute path `what` (`policy`,
 * `inline_policy.policy`), at a part of it or at something inside it; list positions do not count
 * (`inline_policy.0.policy` is at `inline_policy.policy`).
 */
function withheldAt(r: ResourceRecord, what: string): boolean {
  if (!r.sensitive?.size) return false;
  const want = what.split('.');
  for (const p of r.sensitive) {
    const got = p.split('.').filter((x) => !/^\d+$/.test(x));
    const n = Math.min(got.length, want.length);
    if (got.slice(0, n).every((x, i) => x === want[i])) return true;
  }
  return false;
}

/** The builder's passes over the records, in order: containers first, then what links to them. */
const PHASES = ['identities', 'groups', 'policies', 'secrets', 'datastores', 'compute', 'links', 'credentials'] as const;
type Phase = (typeof PHASES)[number];
type Handler = (r: ResourceRecord) => void;

class Builder {
  readonly inv: Inventory;
  private readonly byKey = new Map<string, ResourceRecord>();
  /** Records of count/for_each resources by scope and address without the instance key, in record order. */
  private readonly byBase = new Map<string, ResourceRecord[]>();
  private readonly identityByRecord = new Map<ResourceRecord, Identity>();
  private readonly identityByName = new Map<string, Identity>();
  private readonly groupByRecord = new Map<ResourceRecord, Group>();
  private readonly groupByName = new Map<string, Group>();
  private readonly policyByRecord = new Map<ResourceRecord, Policy>();
  private readonly policyByArn = new Map<string, Policy>();
  /** The first customer managed policy declared with each name. */
  private readonly managedByName = new Map<string, Policy>();
  private readonly secretByRecord = new Map<ResourceRecord, Credential>();
  private readonly secretByName = new Map<string, Credential>();
  /** The first secret declared with each ARN. */
  private readonly secretByArn = new Map<string, Credential>();
  private readonly storeByRecord = new Map<ResourceRecord, DataStore>();
  private readonly bucketByName = new Map<string, DataStore>();
  private readonly computeByRecord = new Map<ResourceRecord, Compute>();

  constructor(
    private readonly records: ResourceRecord[],
    inputs: InputRef[],
  ) {
    this.inv = emptyInventory(inputs);
    for (const r of records) {
      this.byKey.set(this.key(r.origin.stack, r.address), r);
      const base = withoutInstanceKey(r.address);
      if (base === undefined) continue;
      const k = this.key(r.origin.stack, base);
      const list = this.byBase.get(k);
      if (list) list.push(r);
      else this.byBase.set(k, [r]);
    }
  }

  private key(scope: string | undefined, address: string): string {
    return `${scope ?? ''}|${address}`;
  }

  idOf(r: ResourceRecord): string {
    return r.origin.stack ? `${r.origin.stack}/${r.address}` : r.address;
  }

  /** The record a reference points to, in the same stack or module scope. */
  private target(from: ResourceRecord, ref: string): ResourceRecord | undefined {
    const addr = refTarget(ref);
    const direct = this.byKey.get(this.key(from.origin.stack, addr));
    if (direct) return direct;
    // A reference from inside a module names resources of the same module without the prefix.
    const modulePrefix = /^(.*\.)?(module\.[^.]+\.)/.exec(from.address)?.[0];
    if (modulePrefix && !addr.startsWith('module.')) return this.byKey.get(this.key(from.origin.stack, modulePrefix + addr));
    return undefined;
  }

  private targets(from: ResourceRecord, v: Value | undefined, types: string[]): ResourceRecord[] {
    if (!isUnresolved(v)) return [];
    const out: ResourceRecord[] = [];
    for (const ref of v.refs) {
      const t = this.target(from, ref);
      if (t && types.includes(t.type) && !out.includes(t)) out.push(t);
      // count/for_each: a reference without instance key matches every instance.
      if (!t) {
        for (const r of this.byBase.get(this.key(from.origin.stack, refTarget(ref))) ?? []) {
          if (types.includes(r.type) && !out.includes(r)) out.push(r);
        }
      }
    }
    return out;
  }

  private unknown(r: ResourceRecord, what: Unknown['what'], detail: string): void {
    this.inv.unknowns.push({ id: `${this.idOf(r)}#${what}`, what, detail, origin: r.origin });
  }

  private nameOf(r: ResourceRecord, attr = 'name'): string | null {
    return asString(r.values[attr]) ?? null;
  }

  /** A policy document attribute: JSON text, a reference to a policy document data source, or unknown. */
  private doc(r: ResourceRecord, v: Value | undefined, what: string, resourcePolicy = false): DocRef {
    if (typeof v === 'string') return documentFromText(v);
    const obj = asObject(v);
    if (obj) return { known: false, unreadable: true, reason: `${what} is not JSON text` };
    // A document its source marks sensitive is never read (it may hold a secret), nor passed.
    if (v === undefined && withheldAt(r, what))
      return { known: false, unreadable: true, reason: `${what} of ${r.address} is marked sensitive, so nhi-guard does not read it` };
    // The .tf file's statement blocks, for a document that is one data source's own statements.
    if (isUnresolved(v) && v.json !== undefined)
      return withStatementLines(documentFromConfiguration(v.json), r.statementsAt && Object.hasOwn(r.statementsAt, what) ? r.statementsAt[what] : undefined);
    if (isUnresolved(v)) {
      const [ds] = this.targets(r, v, ['aws_iam_policy_document']);
      if (ds && v.refs.length === 1 && withheldAt(ds, 'statement'))
        return { known: false, unreadable: true, reason: `the statements of ${ds.address} are marked sensitive, so nhi-guard does not read them` };
      if (ds && v.refs.length === 1) return documentFromDataSource(ds.values, { unresolvedPrincipals: resourcePolicy });
      return { known: false, reason: `${what} is known only after apply (${v.reason})` };
    }
    return { known: false, reason: `${what} is missing` };
  }

  build(): Inventory {
    // Order matters: containers first, then what links to them.
    const handlers = this.handlers();
    const read = this.records.filter((r) => r.mode !== 'data' && READ_TYPES.has(r.type));
    for (const phase of PHASES) {
      for (const r of read) handlers.get(r.type)?.[phase]?.(r);
    }
    this.dropEchoes();
    return this.inv;
  }

  /**
   * A refreshed state echoes on a role what separate resources declare: `inline_policy` repeats
   * each aws_iam_role_policy and `managed_policy_arns` each attachment. The echo would report the
   * same policy twice; the declaring resource is kept. Plans drop echoes by their configuration.
   */
  private dropEchoes(): void {
    const byId = new Map(this.inv.policies.map((p) => [p.id, p]));
    const dropped = new Set<string>();
    for (const identity of this.inv.identities) {
      const seen = new Set<string>();
      const declared = new Set(
        identity.policies
          .map((l) => byId.get(l.policy))
          .filter((p): p is Policy => !!p && p.type === 'inline' && !p.id.includes('#inline_policy[') && p.name !== null)
          .map((p) => p.name),
      );
      identity.policies = identity.policies.filter((l) => {
        if (seen.has(l.policy + (l.via ?? ''))) return false;
        seen.add(l.policy + (l.via ?? ''));
        const p = byId.get(l.policy);
        const echo = !!p && p.id.startsWith(`${identity.id}#inline_policy[`) && p.name !== null && declared.has(p.name);
        if (echo) dropped.add(p.id);
        return !echo;
      });
    }
    if (dropped.size) this.inv.policies = this.inv.policies.filter((p) => !dropped.has(p.id));
  }

  /**
   * What the builder does with each resource type, phase by phase: containers first, then what
   * links to them (see build). A type absent here is read only as a reference target.
   */
  private handlers(): Map<string, Partial<Record<Phase, Handler>>> {
    const table = new Map<string, Partial<Record<Phase, Handler>>>([
      ['aws_iam_role', { identities: (r) => this.identity(r), links: (r) => this.boundary(r) }],
      ['aws_iam_user', { identities: (r) => this.identity(r), links: (r) => this.boundary(r) }],
      ['aws_iam_group', { groups: (r) => this.group(r) }],
      ['aws_iam_policy', { policies: (r) => this.managedPolicy(r) }],
      ['aws_secretsmanager_secret', { secrets: (r) => this.secret(r) }],
      ['aws_instance', { compute: (r) => this.compute(r) }],
      ['aws_launch_template', { compute: (r) => this.compute(r) }],
      ['aws_iam_role_policy', { links: (r) => this.inlinePolicy(r, 'role') }],
      ['aws_iam_user_policy', { links: (r) => this.inlinePolicy(r, 'user') }],
      ['aws_iam_group_policy', { links: (r) => this.inlinePolicy(r, 'group') }],
      ['aws_iam_role_policy_attachment', { links: (r) => this.policyAttachment(r, 'role') }],
      ['aws_iam_user_policy_attachment', { links: (r) => this.policyAttachment(r, 'user') }],
      ['aws_iam_group_policy_attachment', { links: (r) => this.policyAttachment(r, 'group') }],
      ['aws_iam_policy_attachment', { links: (r) => this.exclusiveAttachment(r) }],
      ['aws_iam_group_membership', { links: (r) => this.groupMembership(r) }],
      ['aws_iam_user_group_membership', { links: (r) => this.userGroupMembership(r) }],
      ['aws_s3_bucket_policy', { links: (r) => this.bucketPolicy(r) }],
      ['aws_secretsmanager_secret_policy', { links: (r) => this.secretPolicy(r) }],
      ['aws_s3_bucket_server_side_encryption_configuration', { links: (r) => this.bucketEncryption(r) }],
      ['aws_autoscaling_group', { links: (r) => this.autoscalingGroup(r) }],
      ['aws_secretsmanager_secret_rotation', { links: (r) => this.secretRotation(r) }],
      ['aws_secretsmanager_secret_version', { credentials: (r) => this.secretVersion(r) }],
      ['aws_iam_access_key', { credentials: (r) => this.userCredential(r) }],
      ['aws_iam_user_login_profile', { credentials: (r) => this.userCredential(r) }],
    ]);
    for (const type of Object.keys(DATA_STORE_TYPES)) table.set(type, { datastores: (r) => this.dataStore(r) });
    table.set('aws_dynamodb_table', { datastores: (r) => this.dataStore(r), links: (r) => this.tableEncryption(r) });
    return table;
  }

  private identity(r: ResourceRecord): void {
    const kind = r.type === 'aws_iam_role' ? 'role' : 'user';
    const tagsV = r.values.tags ?? r.values.tags_all;
    const identity: Identity = {
      id: this.idOf(r),
      kind,
      name: this.nameOf(r),
      tags: mergeTags(asTags(r.values.tags_all), asTags(r.values.tags)),
      policies: [],
      groups: [],
      change: r.change,
      origin: r.origin,
    };
    const arn = asString(r.values.arn);
    if (arn) identity.arn = arn;
    const p = asString(r.values.path);
    if (p) identity.path = p;
    if (isUnresolved(tagsV)) {
      identity.tagsUnknown = true;
      this.unknown(r, 'tags', `tags of ${r.address} are known only after apply`);
    }
    if (kind === 'role') {
      identity.trust = this.doc(r, r.values.assume_role_policy, 'assume_role_policy');
      if (!identity.trust.known && isUnresolved(r.values.assume_role_policy)) this.unknown(r, 'trust-policy', identity.trust.reason ?? '');
      const msd = asNumber(r.values.max_session_duration);
      identity.maxSessionDuration = msd ?? 3600;
      // Declared inline_policy blocks unknown as a whole are not dropped: nothing judges them yet.
      if (isUnresolved(r.values.inline_policy))
        this.unknown(r, 'policy-document', `inline_policy of ${r.address} is known only after apply (${r.values.inline_policy.reason})`);
      for (const [i, b] of asBlocks(r.values.inline_policy).entries()) {
        if (b.policy === undefined && b.name === undefined) continue;
        const pol = this.addPolicy({
          id: `${identity.id}#inline_policy[${i}]`,
          name: asString(b.name) ?? null,
          type: 'inline',
          document: this.doc(r, b.policy, 'inline_policy.policy'),
          change: r.change,
          origin: r.origin,
        });
        if (!pol.document.known && isUnresolved(b.policy)) this.unknown(r, 'policy-document', `inline_policy ${pol.name ?? i}: ${pol.document.reason}`);
        identity.policies.push({ policy: pol.id });
      }
      const mpa = r.values.managed_policy_arns;
      for (const arnV of Array.isArray(mpa) ? mpa : []) this.attach(r, identity.policies, arnV);
      if (isUnresolved(mpa)) this.unknown(r, 'attachment', `managed_policy_arns of ${r.address} are known only after apply`);
    }
    this.inv.identities.push(identity);
    this.identityByRecord.set(r, identity);
    if (identity.name) this.identityByName.set(`${kind}:${identity.name}`, identity);
  }

  private group(r: ResourceRecord): void {
    const g: Group = { id: this.idOf(r), name: this.nameOf(r), policies: [], origin: r.origin };
    this.inv.groups.push(g);
    this.groupByRecord.set(r, g);
    if (g.name) this.groupByName.set(g.name, g);
  }

  private addPolicy(p: Policy): Policy {
    this.inv.policies.push(p);
    if (p.arn) this.policyByArn.set(p.arn, p);
    if (p.type === 'managed' && p.name !== null && !this.managedByName.has(p.name)) this.managedByName.set(p.name, p);
    return p;
  }

  private managedPolicy(r: ResourceRecord): void {
    const p = this.addPolicy({
      id: this.idOf(r),
      name: this.nameOf(r),
      type: 'managed',
      document: this.doc(r, r.values.policy, 'policy'),
      change: r.change,
      origin: r.origin,
      ...(asString(r.values.arn) ? { arn: asString(r.values.arn)! } : {}),
    });
    if (!p.document.known && isUnresolved(r.values.policy)) this.unknown(r, 'policy-document', `policy of ${r.address}: ${p.document.reason}`);
    this.policyByRecord.set(r, p);
  }

  /** A policy ARN (string or reference) to a policy id, creating AWS managed entries on demand. */
  private policyFor(from: ResourceRecord, v: Value | undefined): Policy | undefined {
    if (typeof v === 'string') {
      const known = this.policyByArn.get(v);
      if (known) return known;
      if (AWS_MANAGED_PREFIX.test(v)) {
        return this.addPolicy({
          id: v,
          name: v.replace(AWS_MANAGED_PREFIX, '').split('/').pop() ?? v,
          type: 'aws-managed',
          arn: v,
          document: { known: false, reason: 'AWS managed policy: judged by name' },
          change: 'existing',
          origin: { source: from.origin.source, arn: v },
        });
      }
      // A customer managed policy declared elsewhere: link by name from its ARN.
      const name = v.split('/').pop();
      return name === undefined ? undefined : this.managedByName.get(name);
    }
    const [t] = this.targets(from, v, ['aws_iam_policy']);
    return t ? this.policyByRecord.get(t) : undefined;
  }

  private attach(from: ResourceRecord, links: Identity['policies'], arnV: Value | undefined): void {
    const p = this.policyFor(from, arnV);
    if (p) {
      if (!links.some((l) => l.policy === p.id)) links.push({ policy: p.id });
    } else if (isUnresolved(arnV) || arnV === undefined || arnV === '') {
      // An empty ARN (a broken or hand-edited input) is as unknown as one computed at apply.
      this.unknown(from, 'attachment', `the policy attached by ${from.address} is known only after apply`);
    } else if (typeof arnV === 'string') {
      // A policy outside this input: keep the attachment visible with an unknown document.
      const created = this.addPolicy({
        id: arnV,
        name: arnV.split('/').pop() ?? arnV,
        type: 'managed',
        arn: arnV,
        document: { known: false, reason: 'policy is not declared in this input' },
        change: 'existing',
        origin: { source: from.origin.source, arn: arnV },
      });
      links.push({ policy: created.id });
    }
  }

  /** Identities (role or user) or groups referenced by an attribute: by name, then by reference. */
  private identitiesFor(from: ResourceRecord, v: Value | undefined, kind: 'role' | 'user'): Identity[] {
    const type = kind === 'role' ? 'aws_iam_role' : 'aws_iam_user';
    if (typeof v === 'string') {
      const name = v.includes(':') ? v.split('/').pop()! : v; // role ARN or name
      const hit = this.identityByName.get(`${kind}:${name}`);
      return hit ? [hit] : [];
    }
    return this.targets(from, v, [type])
      .map((t) => this.identityByRecord.get(t))
      .filter((x): x is Identity => !!x);
  }

  private groupsFor(from: ResourceRecord, v: Value | undefined): Group[] {
    if (typeof v === 'string') {
      const g = this.groupByName.get(v);
      return g ? [g] : [];
    }
    return this.targets(from, v, ['aws_iam_group'])
      .map((t) => this.groupByRecord.get(t))
      .filter((x): x is Group => !!x);
  }

  private linkOrUnknown<T>(from: ResourceRecord, attr: string, found: T[], what: string): T[] {
    if (found.length === 0) {
      const v = from.values[attr];
      const why =
        isUnresolved(v) || v === undefined ? 'is known only after apply' : `names ${typeof v === 'string' ? v : JSON.stringify(v)}, which is not in this input`;
      this.unknown(from, 'attachment', `${what} of ${from.address} (${attr}) ${why}`);
    }
    return found;
  }

  /** An inline policy of a role, user or group (aws_iam_role_policy and its kin). */
  private inlinePolicy(r: ResourceRecord, attr: 'role' | 'user' | 'group'): void {
    const v = r.values;
    const pol = this.addPolicy({
      id: this.idOf(r),
      name: this.nameOf(r),
      type: 'inline',
      document: this.doc(r, v.policy, 'policy'),
      change: r.change,
      origin: r.origin,
    });
    if (!pol.document.known && isUnresolved(v.policy)) this.unknown(r, 'policy-document', `policy of ${r.address}: ${pol.document.reason}`);
    const owners = attr === 'group' ? this.groupsFor(r, v.group) : this.identitiesFor(r, v[attr], attr);
    for (const o of this.linkOrUnknown<Identity | Group>(r, attr, owners, 'the owner')) o.policies.push({ policy: pol.id });
  }

  /** A managed policy attached to one role, user or group. */
  private policyAttachment(r: ResourceRecord, attr: 'role' | 'user' | 'group'): void {
    if (r.change === 'delete') return;
    const v = r.values;
    const owners = attr === 'group' ? this.groupsFor(r, v.group) : this.identitiesFor(r, v[attr], attr);
    for (const o of this.linkOrUnknown<Identity | Group>(r, attr, owners, 'the identity')) this.attach(r, o.policies, v.policy_arn);
  }

  /** aws_iam_policy_attachment: one managed policy on lists of roles, users and groups. */
  private exclusiveAttachment(r: ResourceRecord): void {
    if (r.change === 'delete') return;
    const v = r.values;
    const owners: Array<Identity | Group> = [];
    for (const rv of Array.isArray(v.roles) ? v.roles : []) owners.push(...this.identitiesFor(r, rv, 'role'));
    for (const uv of Array.isArray(v.users) ? v.users : []) owners.push(...this.identitiesFor(r, uv, 'user'));
    for (const gv of Array.isArray(v.groups) ? v.groups : []) owners.push(...this.groupsFor(r, gv));
    for (const o of this.linkOrUnknown(r, 'roles', owners, 'the identities')) this.attach(r, o.policies, v.policy_arn);
  }

  private groupMembership(r: ResourceRecord): void {
    if (r.change === 'delete') return;
    const v = r.values;
    const [g] = this.groupsFor(r, v.group);
    const users = (Array.isArray(v.users) ? v.users : []).flatMap((u) => this.identitiesFor(r, u, 'user'));
    if (!g) this.linkOrUnknown(r, 'group', [], 'the group');
    else for (const u of users) if (!u.groups.includes(g.id)) u.groups.push(g.id);
  }

  private userGroupMembership(r: ResourceRecord): void {
    if (r.change === 'delete') return;
    const v = r.values;
    const [u] = this.identitiesFor(r, v.user, 'user');
    const groups = (Array.isArray(v.groups) ? v.groups : []).flatMap((g) => this.groupsFor(r, g));
    if (!u) this.linkOrUnknown(r, 'user', [], 'the user');
    else for (const g of groups) if (!u.groups.includes(g.id)) u.groups.push(g.id);
  }

  private bucketPolicy(r: ResourceRecord): void {
    const [d] = this.storesFor(r, r.values.bucket, 'aws_s3_bucket');
    if (!d || r.change === 'delete') return;
    d.resourcePolicy = this.doc(r, r.values.policy, 'policy', true);
  }

  private secretPolicy(r: ResourceRecord): void {
    const s = this.secretFor(r, r.values.secret_arn);
    if (!s || r.change === 'delete') return;
    s.resourcePolicy = this.doc(r, r.values.policy, 'policy', true);
  }

  private bucketEncryption(r: ResourceRecord): void {
    const [d] = this.storesFor(r, r.values.bucket, 'aws_s3_bucket');
    if (!d || r.change === 'delete') return;
    for (const rule of asBlocks(r.values.rule)) {
      for (const def of asBlocks(rule.apply_server_side_encryption_by_default)) {
        const key = this.keyFor(r, def.kms_master_key_id);
        if (key) d.kmsKey = key;
      }
    }
  }

  private tableEncryption(r: ResourceRecord): void {
    const d = this.storeByRecord.get(r);
    const key = d && this.keyFor(r, asBlocks(r.values.server_side_encryption)[0]?.kms_key_arn);
    if (d && key) d.kmsKey = key;
  }

  private secretRotation(r: ResourceRecord): void {
    const s = this.secretFor(r, r.values.secret_id);
    if (!s) return void this.unknown(r, 'attachment', `the secret rotated by ${r.address} is known only after apply`);
    if (r.change === 'delete') return void (s.rotation = { enabled: false, intervalDays: null });
    s.rotation = this.rotationOf(asBlocks(r.values.rotation_rules)[0]);
  }

  /** The permissions boundary of a role or user: its policy, or why it is not known. */
  private boundary(r: ResourceRecord): void {
    const identity = this.identityByRecord.get(r);
    const v = r.values.permissions_boundary;
    if (!identity || v === undefined || v === null || v === '') return;
    const p = this.policyFor(r, v);
    identity.permissionsBoundary = p
      ? { policy: p.id }
      : {
          reason: isUnresolved(v)
            ? `permissions_boundary of ${r.address} is known only after apply`
            : `permissions_boundary ${typeof v === 'string' ? v : JSON.stringify(v)} is not in this input`,
        };
  }

  /** Stores of one type referenced by an attribute: by name (S3 buckets) or by reference. */
  private storesFor(from: ResourceRecord, v: Value | undefined, type: string): DataStore[] {
    if (typeof v === 'string') {
      const hit = type === 'aws_s3_bucket' ? this.bucketByName.get(v) : undefined;
      return hit ? [hit] : [];
    }
    return this.targets(from, v, [type])
      .map((t) => this.storeByRecord.get(t))
      .filter((x): x is DataStore => !!x);
  }

  /** A KMS key attribute: the id of a declared key when it is one (by reference or ARN), else the key as written. */
  private keyFor(from: ResourceRecord, v: Value | undefined): string | undefined {
    if (typeof v === 'string' && v !== '') {
      const known = this.inv.dataStores.find((d) => d.kind === 'kms' && d.arn !== undefined && (d.arn === v || d.arn.endsWith(`/${v}`)));
      return known?.id ?? v;
    }
    const [k] = this.targets(from, v, ['aws_kms_key']);
    return k ? this.idOf(k) : undefined;
  }

  private rotationOf(rules: Record<string, Value> | undefined): Credential['rotation'] {
    if (!rules) return { enabled: true, intervalDays: null };
    const days = asNumber(rules.automatically_after_days);
    const expr = asString(rules.schedule_expression);
    return { enabled: true, intervalDays: rotationIntervalDays(days, expr) };
  }

  private secretFor(from: ResourceRecord, v: Value | undefined): Credential | undefined {
    if (typeof v === 'string') return this.secretByName.get(v) ?? this.secretByArn.get(v);
    const [t] = this.targets(from, v, ['aws_secretsmanager_secret']);
    return t ? this.secretByRecord.get(t) : undefined;
  }

  private secret(r: ResourceRecord): void {
    const v = r.values;
    const kmsV = v.kms_key_id;
    let customerManaged: boolean | null;
    let keyId: string | undefined;
    if (kmsV === undefined || kmsV === null || kmsV === '') customerManaged = false;
    else if (typeof kmsV === 'string') {
      keyId = kmsV;
      customerManaged = !isAwsManagedKeyRef(kmsV);
    } else {
      const [k] = this.targets(r, kmsV, ['aws_kms_key', 'aws_kms_alias']);
      customerManaged = k ? true : null;
      if (k) keyId = this.idOf(k);
    }
    const c: Credential = {
      id: this.idOf(r),
      kind: 'secret',
      name: this.nameOf(r),
      tags: mergeTags(asTags(v.tags_all), asTags(v.tags)),
      kms: { customerManaged, ...(keyId ? { keyId } : {}) },
      rotation: asBool(v.rotation_enabled) ? this.rotationOf(asBlocks(v.rotation_rules)[0]) : { enabled: false, intervalDays: null },
      value: { present: false, literal: false },
      change: r.change,
      origin: r.origin,
    };
    const arn = asString(v.arn);
    if (arn) c.arn = arn;
    const region = arnRegion(arn) ?? asString(v.region) ?? r.providerRegion;
    if (region) c.region = region;
    this.inv.credentials.push(c);
    if (arn && !this.secretByArn.has(arn)) this.secretByArn.set(arn, c);
    this.secretByRecord.set(r, c);
    if (c.name) this.secretByName.set(c.name, c);
  }

  /** A secret's value: whether one is set, and whether the configuration writes it as a literal. */
  private secretVersion(r: ResourceRecord): void {
    const v = r.values;
    const s = this.secretFor(r, v.secret_id);
    if (!s || r.change === 'delete') return;
    const hasValue = v.secret_string !== undefined || v.secret_binary !== undefined || r.sensitive?.has('secret_string') === true;
    const literal = r.literal?.has('secret_string') === true || r.literal?.has('secret_binary') === true;
    s.value = { present: s.value?.present || hasValue, literal: (s.value?.literal ?? false) || literal };
  }

  /** An access key or console login profile of a user. */
  private userCredential(r: ResourceRecord): void {
    const v = r.values;
    const [u] = this.identitiesFor(r, v.user, 'user');
    const c: Credential = {
      id: this.idOf(r),
      kind: r.type === 'aws_iam_access_key' ? 'access-key' : 'login-profile',
      name: asString(v.id) ?? null,
      tags: {},
      change: r.change,
      origin: r.origin,
      ...(u ? { identity: u.id } : {}),
    };
    const status = asString(v.status);
    if (r.type === 'aws_iam_access_key') c.status = status === 'Inactive' ? 'Inactive' : 'Active';
    const created = asString(v.create_date);
    if (created) c.createDate = created;
    if (!u) this.linkOrUnknown(r, 'user', [], 'the user');
    this.inv.credentials.push(c);
  }

  private dataStore(r: ResourceRecord): void {
    const spec = DATA_STORE_TYPES[r.type]!;
    const tags = mergeTags(asTags(r.values.tags_all), asTags(r.values.tags));
    const name = spec.nameAttrs.map((a) => asString(r.values[a])).find(Boolean) ?? null;
    const d: DataStore = { id: this.idOf(r), kind: spec.kind, name, tags, change: r.change, origin: r.origin };
    const arn = asString(r.values.arn);
    if (arn) d.arn = arn;
    // A key policy or an inline bucket policy. A key without one (or with one computed at apply
    // and no reference) has the default key policy, which leaves access to IAM: recorded as absent.
    const pv = r.values.policy;
    if (typeof pv === 'string' ? pv.trim() !== '' : isUnresolved(pv) && pv.refs.length > 0) d.resourcePolicy = this.doc(r, pv, 'policy', true);
    if (spec.kind === 'kms') Object.assign(d, kmsFacts(r.values));
    this.inv.dataStores.push(d);
    this.storeByRecord.set(r, d);
    if (d.kind === 's3' && name) this.bucketByName.set(name, d);
  }

  /** An instance or launch template: its instance profile and IMDS token setting. */
  private compute(r: ResourceRecord): void {
    const v = r.values;
    const present = (x: Value | undefined) => isUnresolved(x) || (typeof x === 'string' && x !== '');
    const profile =
      r.type === 'aws_instance'
        ? present(v.iam_instance_profile)
        : isUnresolved(v.iam_instance_profile) || asBlocks(v.iam_instance_profile).some((b) => present(b.name) || present(b.arn));
    const c: Compute = {
      id: this.idOf(r),
      kind: r.type === 'aws_instance' ? 'instance' : 'launch-template',
      name: asString(v.name) ?? asTags(v.tags).Name ?? null,
      instanceProfile: profile,
      change: r.change,
      origin: r.origin,
    };
    const metadata = asBlocks(v.metadata_options)[0];
    const tokens = asString(metadata?.http_tokens);
    if (tokens) c.httpTokens = tokens;
    const endpoint = asString(metadata?.http_endpoint);
    if (endpoint) c.httpEndpoint = endpoint;
    (this.inv.compute ??= []).push(c);
    this.computeByRecord.set(r, c);
  }

  /** An autoscaling group: the launch templates it launches, by reference, id or name. */
  private autoscalingGroup(r: ResourceRecord): void {
    const templates: string[] = [];
    let unknown = false;
    for (const b of asBlocks(r.values.launch_template)) {
      const byRef = [...this.targets(r, b.id, ['aws_launch_template']), ...this.targets(r, b.name, ['aws_launch_template'])];
      const byValue = [...this.computeByRecord].filter(
        ([rec, c]) =>
          c.kind === 'launch-template' && ((typeof b.id === 'string' && rec.values.id === b.id) || (typeof b.name === 'string' && c.name === b.name)),
      );
      const found = [...new Set([...byRef.map((t) => this.computeByRecord.get(t)), ...byValue.map(([, c]) => c)])].filter((c): c is Compute => !!c);
      if (found.length === 0) unknown = true;
      for (const c of found) if (!templates.includes(c.id)) templates.push(c.id);
    }
    const c: Compute = {
      id: this.idOf(r),
      kind: 'autoscaling-group',
      name: asString(r.values.name) ?? null,
      instanceProfile: false,
      change: r.change,
      origin: r.origin,
    };
    if (!unknown) c.launchTemplates = templates;
    (this.inv.compute ??= []).push(c);
  }
}

/**
 * KMS key facts: automatic rotation (enable_key_rotation, false when not set; null when known only
 * after apply) and whether a key policy is written for the key. A state or live read always has a
 * policy: the one AWS attaches when none is given (a single statement "Enable IAM User
 * Permissions" for the account root) counts as none.
 */
function kmsFacts(v: Record<string, Value>): { keyRotation: boolean | null; keyPolicy: boolean | null } {
  const rot = v.enable_key_rotation;
  const keyRotation = isUnresolved(rot) ? null : (asBool(rot) ?? false);
  const pol = v.policy;
  let keyPolicy: boolean | null;
  if (typeof pol === 'string') keyPolicy = pol.trim() !== '' && !isDefaultKeyPolicy(pol);
  // Unknown until apply: written by reference (a policy document), or computed by AWS when not written.
  else if (isUnresolved(pol)) keyPolicy = pol.refs.length > 0 || pol.text !== undefined;
  else keyPolicy = false;
  return { keyRotation, keyPolicy };
}

export function isDefaultKeyPolicy(text: string): boolean {
  const doc = documentFromText(text);
  const st = doc.known ? (doc.document?.statements ?? []) : [];
  return st.length === 1 && /^Enable IAM User Permissions$/i.test(st[0]!.sid ?? '');
}

/** Records into an Inventory; the loader's own facts (the pinned account, declared waivers) are added as given. */
export function buildInventory(
  records: ResourceRecord[],
  inputs: InputRef[],
  facts: { accountId?: string; accountSource?: Inventory['accountSource']; waivers?: DeclaredWaiver[] } = {},
): Inventory {
  const inv = new Builder(records, inputs).build();
  if (facts.accountId) inv.accountId = facts.accountId;
  if (facts.accountId && facts.accountSource) inv.accountSource = facts.accountSource;
  if (facts.waivers?.length) inv.waivers = facts.waivers;
  return inv;
}
