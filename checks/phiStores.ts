/**
 * The PHI stores of a findings document (`phiStores`): every data store of data-class phi the
 * input holds (S3 buckets, DynamoDB tables, RDS instances and clusters, HealthLake datastores,
 * KMS keys), with its account and region, so that the nightly report lists each one with the
 * NHI-LP-008 findings that name it (by the store ids they carry), whether or not anyone reaches it.
 * Facts only; pure.
 */
import type { DataStore, Inventory } from './model.js';

export interface PhiStoreRow {
  id: string;
  kind: DataStore['kind'];
  name: string;
  arn?: string;
  /** The AWS account: the store's ARN, else the account of the input. */
  account?: string;
  /** The region of the store's ARN, or the region a live S3 bucket is in (its ARN names none); absent for a declared bucket. */
  region?: string;
  dataClass: string;
  owner?: string;
  address?: string;
}

/** Region and account of an ARN (`arn:partition:service:region:account:...`); empty parts are absent. */
export function arnParts(arn: string | undefined): { region?: string; account?: string } {
  const m = /^arn:[^:]*:[^:]*:([^:]*):([^:]*):/.exec(arn ?? '');
  if (!m) return {};
  return { ...(m[1] ? { region: m[1] } : {}), ...(m[2] ? { account: m[2] } : {}) };
}

/** `kind name`, as NHI-LP-008 names a store in its message. */
export const phiStoreLabel = (s: Pick<PhiStoreRow, 'kind' | 'name'>): string => `${s.kind} ${s.name}`;

export function phiStoreRows(inv: Inventory, ownerTag = 'owner'): PhiStoreRow[] {
  const rows: PhiStoreRow[] = [];
  for (const d of inv.dataStores) {
    if (d.dataClass !== 'phi' || d.change === 'delete') continue;
    const where = arnParts(d.arn);
    const row: PhiStoreRow = { id: d.id, kind: d.kind, name: d.name ?? d.id, dataClass: d.dataClass };
    if (d.arn) row.arn = d.arn;
    const account = where.account ?? inv.accountId;
    if (account) row.account = account;
    const region = where.region ?? d.region;
    if (region) row.region = region;
    const owner = d.tags[ownerTag];
    if (owner) row.owner = owner;
    if (d.origin.address) row.address = d.origin.address;
    rows.push(row);
  }
  return rows.sort(
    (a, b) =>
      (a.account ?? '').localeCompare(b.account ?? '') || (a.region ?? '').localeCompare(b.region ?? '') || phiStoreLabel(a).localeCompare(phiStoreLabel(b)),
  );
}

/**
 * Whether an NHI-LP-008 finding names the store: by the store ids and kinds it carries (1.3.0),
 * or, for a finding of an earlier document that carries neither, by its message.
 */
export function findingNamesStore(f: { message: string; stores?: string[]; storeKinds?: string[] }, s: Pick<PhiStoreRow, 'id' | 'kind' | 'name'>): boolean {
  if (f.stores === undefined && f.storeKinds === undefined) return namesStore(f.message, s);
  return (f.stores?.includes(s.id) ?? false) || (f.storeKinds?.includes(s.kind) ?? false);
}

/**
 * Whether an NHI-LP-008 message names the store (documents before 1.3.0): its list after "act on data-class phi stores: "
 * holds `kind name`, or the grant reaches every store of the kind ("every s3, including ...").
 */
export function namesStore(message: string, s: Pick<PhiStoreRow, 'kind' | 'name'>): boolean {
  const marker = 'act on data-class phi stores: ';
  const at = message.indexOf(marker);
  if (at < 0) return false;
  const list = `, ${message.slice(at + marker.length)}, `;
  return list.includes(`, ${phiStoreLabel(s)}, `) || list.includes(`, every ${s.kind}, including `);
}
