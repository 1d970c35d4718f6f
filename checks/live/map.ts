/**
 * Pure mapping from AWS API responses to Inventory elements (no I/O, unit-testable).
 *
 * Element ids are stable across runs so the drift comparison can match declared and live
 * elements by type and name: `iam-role:<name>`, `iam-user:<name>`, `iam-group:<name>`,
 * managed policies by ARN, `inline:<role|user|group>:<owner>:<policy>`,
 * `access-key:<AccessKeyId>` (the id is not a secret), `login-profile:<user>`, `secret:<name>`.
 */
import type {
  AccessKeyMetadata,
  AttachedPolicy,
  GetAccountAuthorizationDetailsResponse,
  GroupDetail,
  ManagedPolicyDetail,
  PolicyDetail,
  RoleDetail,
  Tag,
  UserDetail,
} from '@aws-sdk/client-iam';
import type { SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { dict } from '../dict.js';
import { AWS_MANAGED_PREFIX, isAwsManagedKeyRef, rotationIntervalDays } from '../aws.js';
import { documentFromJson } from '../loaders/policyDocument.js';
import type { Credential, DocRef, Group, Identity, Origin, Policy, PolicyLink } from '../model.js';

export interface LiveContext {
  /** `aws:<account>/<region>` or the snapshot file. */
  file: string;
}

export const roleId = (name: string) => `iam-role:${name}`;
export const userId = (name: string) => `iam-user:${name}`;
export const groupId = (name: string) => `iam-group:${name}`;
export const inlineId = (owner: 'role' | 'user' | 'group', ownerName: string, policy: string) => `inline:${owner}:${ownerName}:${policy}`;
export const accessKeyId = (id: string) => `access-key:${id}`;
export const loginProfileId = (user: string) => `login-profile:${user}`;
export const secretId = (name: string) => `secret:${name}`;

function origin(ctx: LiveContext, arn?: string): Origin {
  return { source: 'live', file: ctx.file, ...(arn ? { arn } : {}) };
}

export function iso(d: Date | string | undefined | null): string | undefined {
  if (d === undefined || d === null) return undefined;
  const t = d instanceof Date ? d : new Date(d);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

export function tagsOf(tags: Tag[] | Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  const out = dict<string>();
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/**
 * A live policy document: IAM returns it URL-encoded (RFC 3986: `%20`, a `+` stays a plus).
 * Decoded here, then parsed by the shared parser. Policy variables such as `${aws:username}` are
 * legitimate in live documents (the text parser would call them unresolved interpolations).
 */
export function liveDocument(encoded: string | undefined): DocRef {
  if (encoded === undefined || encoded === '') return { known: false, reason: 'policy document is missing from the API response' };
  let text = encoded.trim();
  if (!text.startsWith('{')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return { known: false, reason: 'policy document is not valid URL-encoded text' };
    }
  }
  return documentFromJson(text);
}

export interface IamMapping {
  identities: Identity[];
  groups: Group[];
  policies: Policy[];
}

export interface RoleExtras {
  /** MaxSessionDuration by role name (ListRoles; not part of the authorization details). */
  maxSessionDuration: Map<string, number>;
}

const awsManagedDoc = (): DocRef => ({ known: false, reason: 'AWS managed policy: judged by name' });

class PolicyTable {
  readonly list: Policy[] = [];
  private readonly byArn = new Map<string, Policy>();
  constructor(private readonly ctx: LiveContext) {}

  addManaged(p: ManagedPolicyDetail): void {
    if (!p.Arn) return;
    const versions = p.PolicyVersionList ?? [];
    const version = versions.find((v) => v.IsDefaultVersion) ?? versions.find((v) => v.VersionId === p.DefaultVersionId);
    const document: DocRef = AWS_MANAGED_PREFIX.test(p.Arn)
      ? awsManagedDoc()
      : version
        ? liveDocument(version.Document)
        : { known: false, reason: 'the default policy version is missing from the API response' };
    this.managed(p.Arn, p.PolicyName, document);
  }

  /** The policy of an attachment; AWS managed policies (not listed) are judged by name, like the other loaders. */
  attached(a: AttachedPolicy): PolicyLink | undefined {
    if (!a.PolicyArn) return undefined;
    const p =
      this.byArn.get(a.PolicyArn) ??
      this.managed(
        a.PolicyArn,
        a.PolicyName,
        AWS_MANAGED_PREFIX.test(a.PolicyArn) ? awsManagedDoc() : { known: false, reason: 'the policy was not in the authorization details that could be read' },
      );
    return { policy: p.id };
  }

  /** A managed policy (customer or AWS) by ARN, recorded once. */
  private managed(arn: string, name: string | undefined, document: DocRef): Policy {
    const policy: Policy = {
      id: arn,
      name: name ?? arn.split('/').pop() ?? null,
      type: AWS_MANAGED_PREFIX.test(arn) ? 'aws-managed' : 'managed',
      arn,
      document,
      change: 'existing',
      origin: origin(this.ctx, arn),
    };
    this.byArn.set(arn, policy);
    this.list.push(policy);
    return policy;
  }

  inline(owner: 'role' | 'user' | 'group', ownerName: string, d: PolicyDetail): PolicyLink | undefined {
    if (!d.PolicyName) return undefined;
    const p: Policy = {
      id: inlineId(owner, ownerName, d.PolicyName),
      name: d.PolicyName,
      type: 'inline',
      document: liveDocument(d.PolicyDocument),
      change: 'existing',
      // An inline policy has no ARN of its own; its owner's would name the wrong thing in reports.
      origin: origin(this.ctx),
    };
    this.list.push(p);
    return { policy: p.id };
  }
}

function links(
  table: PolicyTable,
  owner: 'role' | 'user' | 'group',
  name: string,
  inline: PolicyDetail[] | undefined,
  attached: AttachedPolicy[] | undefined,
): PolicyLink[] {
  const out: PolicyLink[] = [];
  for (const d of inline ?? []) {
    const l = table.inline(owner, name, d);
    if (l) out.push(l);
  }
  for (const a of attached ?? []) {
    const l = table.attached(a);
    if (l && !out.some((x) => x.policy === l.policy)) out.push(l);
  }
  return out;
}

/** The ARN, path, creation date and permissions boundary that roles and users carry alike. */
function arnPathCreated(
  identity: Identity,
  d: { Arn?: string; Path?: string; CreateDate?: Date; PermissionsBoundary?: { PermissionsBoundaryArn?: string } },
  table: PolicyTable,
): void {
  const boundary = d.PermissionsBoundary?.PermissionsBoundaryArn;
  if (boundary) identity.permissionsBoundary = { policy: table.attached({ PolicyArn: boundary })!.policy };
  if (d.Arn) identity.arn = d.Arn;
  if (d.Path) identity.path = d.Path;
  const created = iso(d.CreateDate);
  if (created) identity.usage!.createDate = created;
}

function roleOf(r: RoleDetail, table: PolicyTable, ctx: LiveContext, extras: RoleExtras): Identity | undefined {
  if (!r.RoleName) return undefined;
  const role: Identity = {
    id: roleId(r.RoleName),
    kind: 'role',
    name: r.RoleName,
    tags: tagsOf(r.Tags),
    trust: liveDocument(r.AssumeRolePolicyDocument),
    policies: links(table, 'role', r.RoleName, r.RolePolicyList, r.AttachedManagedPolicies),
    groups: [],
    change: 'existing',
    usage: { lastUsed: iso(r.RoleLastUsed?.LastUsedDate) ?? null },
    origin: origin(ctx, r.Arn),
  };
  arnPathCreated(role, r, table);
  const msd = extras.maxSessionDuration.get(r.RoleName);
  if (msd !== undefined) role.maxSessionDuration = msd;
  return role;
}

function userOf(u: UserDetail, table: PolicyTable, ctx: LiveContext): Identity | undefined {
  if (!u.UserName) return undefined;
  const user: Identity = {
    id: userId(u.UserName),
    kind: 'user',
    name: u.UserName,
    tags: tagsOf(u.Tags),
    policies: links(table, 'user', u.UserName, u.UserPolicyList, u.AttachedManagedPolicies),
    groups: (u.GroupList ?? []).map(groupId),
    change: 'existing',
    usage: {},
    origin: origin(ctx, u.Arn),
  };
  arnPathCreated(user, u, table);
  return user;
}

function groupOf(g: GroupDetail, table: PolicyTable, ctx: LiveContext): Group | undefined {
  if (!g.GroupName) return undefined;
  return {
    id: groupId(g.GroupName),
    name: g.GroupName,
    policies: links(table, 'group', g.GroupName, g.GroupPolicyList, g.AttachedManagedPolicies),
    origin: origin(ctx, g.Arn),
  };
}

/** Every page of GetAccountAuthorizationDetails into identities, groups and policies. */
export function mapAuthorizationDetails(pages: GetAccountAuthorizationDetailsResponse[], ctx: LiveContext, extras: RoleExtras): IamMapping {
  const table = new PolicyTable(ctx);
  // Managed policies first so attachments link to their documents.
  for (const page of pages) for (const p of page.Policies ?? []) table.addManaged(p);
  const identities: Identity[] = [];
  const groups: Group[] = [];
  for (const page of pages) {
    for (const g of page.GroupDetailList ?? []) {
      const x = groupOf(g, table, ctx);
      if (x) groups.push(x);
    }
    for (const r of page.RoleDetailList ?? []) {
      const x = roleOf(r, table, ctx, extras);
      if (x) identities.push(x);
    }
    for (const u of page.UserDetailList ?? []) {
      const x = userOf(u, table, ctx);
      if (x) identities.push(x);
    }
  }
  return { identities, groups, policies: table.list };
}

/** One access key (ListAccessKeys) with its last use (GetAccessKeyLastUsed; undefined when it could not be read). */
export function mapAccessKey(k: AccessKeyMetadata, lastUsed: Date | null | undefined, ctx: LiveContext): Credential | undefined {
  if (!k.AccessKeyId || !k.UserName) return undefined;
  const c: Credential = {
    id: accessKeyId(k.AccessKeyId),
    kind: 'access-key',
    name: k.AccessKeyId,
    identity: userId(k.UserName),
    tags: {},
    status: k.Status === 'Inactive' ? 'Inactive' : 'Active',
    change: 'existing',
    // An access key has no ARN; the user's would make reports name the user as the resource.
    origin: origin(ctx),
  };
  const created = iso(k.CreateDate);
  if (created) c.createDate = created;
  if (lastUsed !== undefined) c.lastUsed = iso(lastUsed) ?? null;
  return c;
}

export { parseCredentialReport, type ReportRow } from './credentialReport.js';
import type { ReportRow } from './credentialReport.js';

/** A report date cell: an ISO time, or null for N/A / no_information / not_supported. */
export function reportDate(cell: string | undefined): string | null {
  if (!cell || !/^\d{4}-\d{2}-\d{2}T/.test(cell)) return null;
  return iso(cell) ?? null;
}

const isRoot = (row: ReportRow) => row.user === '<root_account>';

/** Console passwords (login profiles) from the credential report: no per-user GetLoginProfile call. */
export function mapLoginProfiles(rows: ReportRow[], ctx: LiveContext): Credential[] {
  const out: Credential[] = [];
  for (const row of rows) {
    if (isRoot(row) || row.password_enabled !== 'true' || !row.user) continue;
    const c: Credential = {
      id: loginProfileId(row.user),
      kind: 'login-profile',
      name: row.user,
      identity: userId(row.user),
      tags: {},
      lastUsed: reportDate(row.password_last_used),
      change: 'existing',
      origin: origin(ctx),
    };
    const changed = reportDate(row.password_last_changed);
    if (changed) c.createDate = changed;
    out.push(c);
  }
  return out;
}

/**
 * A user's last use: the latest use of its console password or access keys. null when every
 * credential is known and none was ever used; undefined when a credential's use could not be read.
 */
export function userLastUsed(creds: Credential[]): string | null | undefined {
  let latest: string | null = null;
  for (const c of creds) {
    if (c.lastUsed === undefined) return undefined;
    if (c.lastUsed !== null && (latest === null || c.lastUsed > latest)) latest = c.lastUsed;
  }
  return latest;
}

/** A Secrets Manager secret from ListSecrets (metadata only; the value is never read). */
export function mapSecret(s: SecretListEntry, ctx: LiveContext): Credential | undefined {
  if (!s.Name) return undefined;
  const kmsKey = s.KmsKeyId;
  const days = s.RotationRules?.AutomaticallyAfterDays;
  const expr = s.RotationRules?.ScheduleExpression;
  const enabled = s.RotationEnabled === true;
  const c: Credential = {
    id: secretId(s.Name),
    kind: 'secret',
    name: s.Name,
    tags: tagsOf(s.Tags),
    // ListSecrets omits KmsKeyId when the AWS managed key aws/secretsmanager encrypts the secret.
    kms: kmsKey ? { keyId: kmsKey, customerManaged: !isAwsManagedKeyRef(kmsKey) } : { customerManaged: false },
    rotation: {
      enabled,
      intervalDays: enabled ? rotationIntervalDays(days, expr) : null,
      lastRotated: iso(s.LastRotatedDate) ?? null,
    },
    // A current version exists: a value is stored (never read).
    value: { present: Object.values(s.SecretVersionsToStages ?? {}).some((st) => (st ?? []).includes('AWSCURRENT')), literal: false },
    change: 'existing',
    origin: origin(ctx, s.ARN),
  };
  if (s.ARN) c.arn = s.ARN;
  const created = iso(s.CreatedDate);
  if (created) c.createDate = created;
  const accessed = iso(s.LastAccessedDate);
  if (accessed) c.lastUsed = accessed;
  return c;
}
