/**
 * `--split-by owner`: one findings document per owner (the findings, inventory rows and trend
 * of that owner), written as one file per owner. An owner's file name is a safe slug of the owner
 * followed by a hash of the owner as written, always: it depends on that owner alone (never on
 * which other owners exist), and two owners get one file only if SHA-256 collides. Findings and
 * identities without an owner go to "unowned", which no owner's name can be (it has no hash).
 */
import { createHash } from 'node:crypto';
import { summarize, type FindingsDocument } from '../findings.js';
import { trendOf, type HistoryEntry } from './history.js';

export const UNOWNED_FILE = 'unowned';

const EXTENSIONS: Record<string, string> = { text: 'txt', json: 'json', sarif: 'sarif', junit: 'xml', markdown: 'md', github: 'txt', html: 'html' };

export function extensionOf(format: string): string {
  return EXTENSIONS[format] ?? format;
}

/** Lower-case letters, digits, dot, dash and underscore; at most 60 characters; never empty, never hidden. */
export function slug(owner: string): string {
  const s = owner
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 60)
    .replace(/[-.]+$/g, '');
  return s || 'owner';
}

export interface OwnerDocument {
  /** The owner as written, or undefined for the unowned part. */
  owner?: string;
  /** File name without extension. */
  name: string;
  document: FindingsDocument;
}

/** Elements grouped by owner in one pass (a Map: owner names are input). */
function byOwner<T extends { owner?: string }>(items: readonly T[]): Map<string | undefined, T[]> {
  const m = new Map<string | undefined, T[]>();
  for (const x of items) {
    const list = m.get(x.owner);
    if (list) list.push(x);
    else m.set(x.owner, [x]);
  }
  return m;
}

/** Hex digits of the owner's hash in its file name (64 bits). */
export const OWNER_HASH_CHARS = 16;

/** The file name (without extension) of an owner's part: `slug-hash`, or "unowned". */
export function ownerFileName(owner: string | undefined): string {
  // The hash reads every UTF-16 code unit: UTF-8 would map all lone surrogates to U+FFFD, one file for different owners.
  if (owner === undefined) return UNOWNED_FILE;
  return `${slug(owner)}-${createHash('sha256').update(Buffer.from(owner, 'utf16le')).digest('hex').slice(0, OWNER_HASH_CHARS)}`;
}

/** One document per owner; `history` (when kept) gives each its own trend. */
export function splitByOwner(doc: FindingsDocument, history?: HistoryEntry[]): OwnerDocument[] {
  const out: OwnerDocument[] = [];
  const findingsOf = byOwner(doc.findings);
  const rowsOf = byOwner(doc.inventory ?? []);
  const resolvedOf = byOwner(doc.sincePrevious?.resolved ?? []);
  const owners = [...new Set([...findingsOf.keys(), ...rowsOf.keys()])].sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b)));
  for (const owner of owners) {
    const name = ownerFileName(owner);
    const findings = findingsOf.get(owner) ?? [];
    const inventory = rowsOf.get(owner) ?? [];
    const part: FindingsDocument = {
      ...doc,
      summary: summarize(findings, inventory.filter((r) => r.element === 'identity').length),
      findings,
      inventory,
    };
    if (history) part.trend = trendOf(history, part, owner ?? '');
    else delete part.trend;
    if (doc.sincePrevious) part.sincePrevious = { ...doc.sincePrevious, resolved: resolvedOf.get(owner) ?? [] };
    out.push({ ...(owner !== undefined ? { owner } : {}), name, document: part });
  }
  return out;
}
