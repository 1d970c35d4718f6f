/**
 * A strict ISO-8601 instant: a real calendar date, optionally a time of day within range and a
 * UTC offset. `2026-02-30`, `T24:00`, `:60` seconds or an offset of `+25:00` are refused, never
 * rolled over into another day as `Date` would.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function leap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month `mo` (1-12) of year `y`. */
export function daysInMonth(y: number, mo: number): number {
  return mo === 2 && leap(y) ? 29 : DAYS[mo - 1]!;
}

/** The problem with `s` as an instant, or its epoch milliseconds. A date alone is its UTC midnight; a time without an offset is UTC. */
export function parseInstant(s: string): { ms: number } | { problem: string } {
  const m = INSTANT.exec(s);
  if (!m) return { problem: 'is not an ISO-8601 date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM])' };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12) return { problem: 'is not a real calendar date (month 01-12)' };
  if (d < 1 || d > daysInMonth(y, mo)) return { problem: `is not a real calendar date (day ${m[3]} of ${m[1]}-${m[2]})` };
  const [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || se > 59) return { problem: 'is not a time of day (hours 00-23, minutes and seconds 00-59)' };
  let offset = 0;
  const z = m[8];
  if (z && z !== 'Z') {
    const digits = z.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || 0)];
    if (oh > 23 || om > 59) return { problem: 'has a UTC offset out of range (hours 00-23, minutes 00-59)' };
    offset = (z[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const local = Date.UTC(y, mo - 1, d, h, mi, se) + Math.floor(frac);
  // Date.UTC maps years 0-99 to 1900-1999; set the year explicitly.
  const t = new Date(local);
  if (y < 100) t.setUTCFullYear(y);
  const ms = t.getTime() - offset;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return { problem: 'is out of the range of dates' };
  return { ms };
}
