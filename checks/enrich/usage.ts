/**
 * Live usage facts as whole-day counts from the fixed `now`, so the rules (NHI-ROT-004/005,
 * NHI-DRIFT-005) compare numbers and never read a clock:
 *   ageDays          days since createDate
 *   daysSinceUsed    days since lastUsed; null when AWS has no record of any use
 *   daysSinceRotated days since the last rotation, or since creation when never rotated;
 *                    null when neither is known
 * Only live elements carry these facts; a timestamp after `now` (clock skew) counts as 0 days.
 */
import type { Credential, Identity, Inventory } from '../model.js';
import { daysSince } from './expiry.js';

function days(iso: string | undefined, now: Date): number | undefined {
  if (iso === undefined) return undefined;
  const d = daysSince(iso, now);
  return d === undefined ? undefined : Math.max(0, d);
}

function sinceUsed(lastUsed: string | null | undefined, now: Date): number | null | undefined {
  if (lastUsed === null) return null;
  return days(lastUsed, now);
}

export function identityUsage(i: Identity, now: Date): void {
  if (!i.usage) return;
  const age = days(i.usage.createDate, now);
  if (age !== undefined) i.usage.ageDays = age;
  const used = sinceUsed(i.usage.lastUsed, now);
  if (used !== undefined) i.usage.daysSinceUsed = used;
}

export function credentialUsage(c: Credential, now: Date): void {
  const age = days(c.createDate, now);
  if (age !== undefined) c.ageDays = age;
  const used = sinceUsed(c.lastUsed, now);
  if (used !== undefined) c.daysSinceUsed = used;
  if (c.rotation) {
    const from = typeof c.rotation.lastRotated === 'string' ? c.rotation.lastRotated : c.createDate;
    c.rotation.daysSinceRotated = days(from, now) ?? null;
  }
}

export function enrichUsage(inv: Inventory, now: Date): void {
  for (const i of inv.identities) if (i.origin.source === 'live') identityUsage(i, now);
  for (const c of inv.credentials) if (c.origin.source === 'live') credentialUsage(c, now);
}
