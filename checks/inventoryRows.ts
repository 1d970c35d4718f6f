/**
 * The inventory section of the findings document: one row per identity and credential, with
 * the governance and life-cycle facts a reviewer reads (owner, expiry, last used, last rotated)
 * and the number of open findings on it. Reports render it (new identities in a pull request,
 * the nightly inventory table) without going back to the Inventory.
 */
import { own } from './dict.js';
import type { Change, Credential, Identity, Inventory, Origin, SourceKind } from './model.js';

export interface InventoryRow {
  id: string;
  element: 'identity' | 'credential';
  /** Terraform resource type, or `iam-role` / `iam-user` / ... for live elements. */
  type: string;
  /** role, user, access-key, secret, login-profile. */
  kind: string;
  name: string;
  address?: string;
  arn?: string;
  source: SourceKind;
  change: Change;
  owner?: string;
  identityKind?: string;
  dataClass?: string;
  environment?: string;
  expiresOn?: string;
  daysLeft?: number;
  /** Credentials: the identity id they belong to. */
  identity?: string;
  status?: 'Active' | 'Inactive';
  createDate?: string;
  lastUsed?: string | null;
  lastRotated?: string | null;
  rotationDays?: number | null;
  /**
   * Plan: what terraform found changed outside Terraform since the last apply: attribute names
   * of the element (`tags.owner`), `deleted`, and `policy NAME` for a linked policy that changed.
   */
  changedOutside?: string[];
  /** Unwaived findings naming this element as resource or identity. */
  findings: number;
}

const TF_TYPE: Record<string, string> = {
  role: 'aws_iam_role',
  user: 'aws_iam_user',
  secret: 'aws_secretsmanager_secret',
  'access-key': 'aws_iam_access_key',
  'login-profile': 'aws_iam_user_login_profile',
};

/** The type reports show for an identity or credential: terraform's, or the AWS API's for live elements. */
export function elementType(kind: string, source: SourceKind): string {
  if (source !== 'live') return own(TF_TYPE, kind) ?? kind;
  return kind === 'secret' ? 'secretsmanager-secret' : `iam-${kind}`;
}

function put<K extends keyof InventoryRow>(row: InventoryRow, key: K, value: InventoryRow[K] | undefined): void {
  if (value !== undefined && value !== '') row[key] = value;
}

function base(el: Identity | Credential, element: InventoryRow['element'], counts: Map<string, number>): InventoryRow {
  const row: InventoryRow = {
    id: el.id,
    element,
    type: elementType(el.kind, el.origin.source),
    kind: el.kind,
    name: el.name ?? el.origin.address ?? el.id,
    source: el.origin.source,
    change: el.change,
    findings: counts.get(el.id) ?? 0,
  };
  put(row, 'address', el.origin.address);
  put(row, 'arn', el.arn ?? el.origin.arn);
  const g = el.governance;
  if (g) {
    put(row, 'owner', g.owner?.trim());
    put(row, 'identityKind', g.identityKind);
    put(row, 'dataClass', g.dataClass);
    put(row, 'environment', g.environment);
    put(row, 'expiresOn', g.expiry.raw);
    put(row, 'daysLeft', g.expiry.daysLeft);
  }
  return row;
}

function outOfBand(o: Origin): string[] {
  if (!o.outOfBand) return [];
  return o.outOfBand.change === 'delete' ? ['deleted'] : [...o.outOfBand.attributes];
}

/**
 * Rows for every identity and credential of the Inventory. `counts` maps element ids to their
 * unwaived findings (see countFindings).
 */
export function inventoryRows(inv: Inventory, counts: Map<string, number>): InventoryRow[] {
  const rows: InventoryRow[] = [];
  const policies = new Map(inv.policies.map((p) => [p.id, p]));
  for (const i of inv.identities) {
    const row = base(i, 'identity', counts);
    const changed = outOfBand(i.origin);
    for (const l of i.policies) {
      const p = policies.get(l.policy);
      if (p?.origin.outOfBand && p.origin.address !== i.origin.address) changed.push(`policy ${p.name ?? p.origin.address ?? p.id}`);
    }
    if (changed.length) row.changedOutside = changed;
    put(row, 'createDate', i.usage?.createDate);
    if (i.usage && 'lastUsed' in i.usage) row.lastUsed = i.usage.lastUsed ?? null;
    rows.push(row);
  }
  const identities = new Map(inv.identities.map((i) => [i.id, i]));
  for (const c of inv.credentials) {
    const row = base(c, 'credential', counts);
    // A key or password answers to its user's owner when it has no owner tag of its own.
    const ownerOfUser = c.identity ? identities.get(c.identity)?.governance?.owner?.trim() : undefined;
    if (!row.owner && ownerOfUser) row.owner = ownerOfUser;
    const changed = outOfBand(c.origin);
    if (changed.length) row.changedOutside = changed;
    put(row, 'identity', c.identity);
    put(row, 'status', c.status);
    put(row, 'createDate', c.createDate);
    if ('lastUsed' in c) row.lastUsed = c.lastUsed ?? null;
    if (c.rotation) {
      if ('lastRotated' in c.rotation) row.lastRotated = c.rotation.lastRotated ?? null;
      row.rotationDays = c.rotation.enabled ? (c.rotation.intervalDays ?? null) : null;
    }
    rows.push(row);
  }
  return rows;
}

/** Unwaived findings per element id: each finding counts for its resource and its identity. */
export function countFindings(findings: Iterable<{ resource: string; identity?: string | null; waived: boolean }>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const f of findings) {
    if (f.waived) continue;
    add(f.resource);
    if (f.identity && f.identity !== f.resource) add(f.identity);
  }
  return counts;
}
