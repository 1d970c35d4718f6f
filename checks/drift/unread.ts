/**
 * Declared elements whose live counterpart could not be read: a fact for the drift rules, which
 * report none of them as "declared but missing live". An element is unread when a gap of the live
 * read covers its scope:
 *   - every element of an account that could not be assumed (sts AssumeRole);
 *   - every role and user when the IAM listing (GetAccountAuthorizationDetails) failed;
 *   - the access keys of a user whose keys could not be listed (ListAccessKeys of that user);
 *   - the secrets of a region whose Secrets Manager listing (ListSecrets) failed, and a secret
 *     whose region is unknown when any region's listing failed.
 * Gaps about one element's details (tags, last use) hide nothing: that element was listed.
 * A region the live read did not cover at all is a gap too (regionsNotRead): a declared secret of
 * a region no --region named is not compared, and the run says so (exit 3), never "missing live".
 */
import type { Credential, Gap, Identity, Inventory } from '../model.js';
import { regionOf } from '../loaders/values.js';

export interface Unread {
  /** The declared element's id. */
  declared: string;
  /** The gap that hides its live counterpart: service, operation and region (its error is in the document's gaps). */
  gap: string;
}

const gapText = (g: Gap): string => `${g.service} ${g.operation}${g.region ? ` (${g.region})` : ''}${g.target ? ` of ${g.target}` : ''}`;

/** The gaps of the live account: a gap naming another account (an organization document) is not this account's. */
function ownGaps(live: Inventory): Gap[] {
  return (live.gaps ?? []).filter((g) => !g.account || !live.accountId || g.account === live.accountId);
}

/** The regions a live inventory read: all of them with --region repeated or --all-regions, else its one region. */
function regionsRead(live: Inventory): Set<string> | undefined {
  if (live.regions?.length) return new Set(live.regions);
  return live.region ? new Set([live.region]) : undefined;
}

/**
 * A Secrets Manager gap for each region where the declaration has secrets and the live read did
 * not look (no --region for it): those secrets cannot be compared. None when the live side does
 * not say which regions it read (an older snapshot), or when the account could not be read at all.
 */
export function regionsNotRead(declared: Inventory, live: Inventory): Gap[] {
  const read = regionsRead(live);
  if (!read) return [];
  const missing = new Set<string>();
  for (const c of declared.credentials) {
    if (c.kind !== 'secret' || c.change === 'delete') continue;
    const region = regionOf(c);
    if (region !== undefined && !read.has(region)) missing.add(region);
  }
  return [...missing].sort().map((region) => ({
    service: 'secretsmanager',
    operation: 'ListSecrets',
    region,
    ...(live.accountId ? { account: live.accountId } : {}),
    error: `not read: the declaration has secrets in ${region}, which this run did not read (add --region ${region} or --all-regions)`,
  }));
}

export function unreadDeclared(declared: Inventory, live: Inventory): Unread[] {
  const gaps = ownGaps(live);
  if (gaps.length === 0) return [];
  const account = gaps.find((g) => g.service === 'sts' && g.operation === 'AssumeRole');
  const iam = gaps.find((g) => g.service === 'iam' && g.operation === 'GetAccountAuthorizationDetails');
  const keysOf = new Map<string, Gap>();
  for (const g of gaps) if (g.service === 'iam' && g.operation === 'ListAccessKeys' && g.target) keysOf.set(g.target, g);
  const secretRegions = new Map<string, Gap>();
  for (const g of gaps) if (g.service === 'secretsmanager' && g.operation === 'ListSecrets') secretRegions.set(g.region ?? live.region ?? '', g);
  const userName = new Map(declared.identities.filter((i) => i.kind === 'user').map((i) => [i.id, i.name]));

  const identityGap = (_i: Identity): Gap | undefined => account ?? iam;
  const credentialGap = (c: Credential): Gap | undefined => {
    if (account) return account;
    if (c.kind === 'secret') {
      const region = regionOf(c);
      return region !== undefined ? secretRegions.get(region) : secretRegions.values().next().value;
    }
    if (c.kind === 'access-key') {
      const user = c.identity ? userName.get(c.identity) : undefined;
      return iam ?? (user ? keysOf.get(user) : undefined);
    }
    return iam;
  };
  const out: Unread[] = [];
  for (const i of declared.identities) {
    const g = i.change === 'delete' ? undefined : identityGap(i);
    if (g) out.push({ declared: i.id, gap: gapText(g) });
  }
  for (const c of declared.credentials) {
    const g = c.change === 'delete' ? undefined : credentialGap(c);
    if (g) out.push({ declared: c.id, gap: gapText(g) });
  }
  return out;
}
