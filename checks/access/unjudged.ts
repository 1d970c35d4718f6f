/**
 * The policies the access map could not read for a store of data-class phi or pii: the store's own
 * resource policy (S3 bucket policy, Secrets Manager resource policy) and the key policy of the
 * customer-managed KMS key that gates reading its data, when either is unknown until apply or
 * unreadable (not JSON, not an IAM policy, marked sensitive). The map leaves such a policy out (a
 * bucket as if it had no policy, a key as if it had the default one), so the rules are told:
 * NHI-UNK-001 (unknown until apply) and NHI-UNK-002 (could not be judged). Pure.
 */
import type { AccessStore, DocRef, Inventory, UnjudgedPolicy } from '../model.js';

function unjudged(policy: UnjudgedPolicy['policy'], of: { id: string; name: string | null }, doc: DocRef | undefined): UnjudgedPolicy[] {
  if (!doc || doc.known) return [];
  return [{ policy, of: of.id, name: of.name, unreadable: doc.unreadable === true, reason: doc.reason ?? 'no reason given' }];
}

/** Per store id of the map, what of its resource and key policies the map could not read (stores without any are absent). */
export function unjudgedPolicies(inv: Inventory, stores: AccessStore[]): Map<string, UnjudgedPolicy[]> {
  const keys = new Map(inv.dataStores.filter((d) => d.kind === 'kms' && d.change !== 'delete').map((d) => [d.id, d]));
  const data = new Map(inv.dataStores.map((d) => [d.id, d]));
  const secrets = new Map(inv.credentials.filter((c) => c.kind === 'secret').map((c) => [c.id, c]));
  const out = new Map<string, UnjudgedPolicy[]>();
  for (const s of stores) {
    const holder = data.get(s.id) ?? secrets.get(s.id);
    if (!holder) continue;
    const keyRef = 'kmsKey' in holder ? holder.kmsKey : 'kms' in holder ? holder.kms?.keyId : undefined;
    const key = keyRef === undefined ? undefined : keys.get(keyRef);
    const found = [
      ...unjudged('resource-policy', { id: s.id, name: s.name }, holder.resourcePolicy),
      ...(key ? unjudged('key-policy', key, key.resourcePolicy) : []),
    ];
    if (found.length > 0) out.set(s.id, found);
  }
  return out;
}
