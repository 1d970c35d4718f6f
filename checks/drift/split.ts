/**
 * `--split-by owner`: one findings document per owner (the findings, inventory rows and trend
 * of that owner), written as one file per owner. File names are a safe slug of the owner;
 * findings and identities without an owner go to "unowned".
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

/** The owners of a document: of its findings and of its inventory rows. */
function owners(doc: FindingsDocument): Array<string | undefined> {
  const set = new Set<string | undefined>();
  for (const f of doc.findings) set.add(f.owner);
  for (const r of doc.inventory ?? []) set.add(r.owner);
  return [...set].sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b)));
}

/** One document per owner; `history` (when kept) gives each its own trend. */
export function splitByOwner(doc: FindingsDocument, history?: HistoryEntry[]): OwnerDocument[] {
  const used = new Map<string, string | undefined>();
  const out: OwnerDocument[] = [];
  for (const owner of owners(doc)) {
    let name = owner === undefined ? UNOWNED_FILE : slug(owner);
    // Two owners with the same slug (or an owner called "unowned") get a hash suffix.
    if (used.has(name) || (owner !== undefined && name === UNOWNED_FILE)) name = `${name}-${createHash('sha256').update(owner ?? '').digest('hex').slice(0, 8)}`;
    used.set(name, owner);
    const findings = doc.findings.filter((f) => f.owner === owner);
    const inventory = (doc.inventory ?? []).filter((r) => r.owner === owner);
    const part: FindingsDocument = {
      ...doc,
      summary: summarize(findings, inventory.filter((r) => r.element === 'identity').length),
      findings,
      inventory,
    };
    if (history) part.trend = trendOf(history, part, owner ?? '');
    else delete part.trend;
    if (doc.sincePrevious) part.sincePrevious = { ...doc.sincePrevious, resolved: doc.sincePrevious.resolved.filter((f) => f.owner === owner) };
    out.push({ ...(owner !== undefined ? { owner } : {}), name, document: part });
  }
  return out;
}
