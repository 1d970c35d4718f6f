/** Calendar facts from a fixed `now`: the rules compare numbers, never clocks. */
import type { Expiry } from '../model.js';

const DAY_MS = 86_400_000;

/** The UTC midnight of a real calendar date `YYYY-MM-DD`, or null (2027-02-30 is not a date). */
export function parseIsoDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t;
}

export function utcDay(now: Date): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

/** Whole days from now's UTC date to `date` (0 on the day itself, negative after it). */
export function daysUntil(date: number, now: Date): number {
  return Math.round((date - utcDay(now)) / DAY_MS);
}

/** Whole days elapsed since an ISO timestamp, or undefined when it is not a timestamp. */
export function daysSince(iso: string, now: Date): number | undefined {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return Math.floor((now.getTime() - t) / DAY_MS);
}

export function expiryOf(raw: string | undefined, now: Date): Expiry {
  if (raw === undefined) return { valid: false };
  const t = parseIsoDate(raw);
  if (t === null) return { raw, valid: false };
  return { raw, valid: true, daysLeft: daysUntil(t, now) };
}
