/**
 * The report history folder of the nightly drift run: every run adds its JSON findings document
 * (without its own trend) under a unique file name, written atomically (temporary file in the
 * same folder, then rename), so concurrent runs never see or leave a partial file and never
 * overwrite each other. The trend is read back from the schema-valid documents of the folder;
 * a file that is not one is skipped with a warning naming it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SEVERITIES, type Severity } from '../engine/metadata.js';
import { UserError } from '../errors.js';
import { applyBaseline } from '../baseline.js';
import type { Finding, FindingsDocument, SincePrevious, TrendPoint } from '../findings.js';
import { fsProblem, parseJson, readText, writeFileAtomic } from '../io/files.js';
import { check } from '../schemas/index.js';

/** Points kept in a trend: a year of nightly runs. */
export const MAX_TREND_POINTS = 366;
/** Files looked at in a history folder (the newest by name); older ones are left alone. */
export const MAX_HISTORY_FILES = 5000;

export interface HistoryEntry {
  file: string;
  generatedAt: string;
  findings: Array<Pick<Finding, 'severity' | 'owner' | 'waived'>>;
  incomplete: boolean;
  /** The whole document, kept for the newest entry only (what changed since the previous run). */
  document?: FindingsDocument;
}

/** `nhi-guard-20261122T000000Z-<pid><random>.json`: sorts by time, unique per run. */
export function historyFileName(generatedAt: string): string {
  const stamp = generatedAt.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return `nhi-guard-${stamp}-${process.pid.toString(16)}${randomBytes(6).toString('hex')}.json`;
}

/** Reads the findings documents of a history folder (a missing folder is an empty history). */
export async function readHistory(dir: string, warn: (message: string) => void): Promise<HistoryEntry[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(fsProblem(e, 'cannot read the history folder'), { file: dir });
  }
  const files = names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .slice(-MAX_HISTORY_FILES);
  const out: HistoryEntry[] = [];
  let newest: HistoryEntry | undefined;
  for (const name of files) {
    const file = path.join(dir, name);
    try {
      const doc = parseJson(await readText(file), file);
      const problem = check('findings', doc);
      if (problem) {
        warn(`${file}: ${problem.path}: ${problem.problem}; skipped in the trend`);
        continue;
      }
      const d = doc as FindingsDocument;
      const findings = d.findings.map((f) => ({ severity: f.severity, waived: f.waived, ...(f.owner ? { owner: f.owner } : {}) }));
      const entry: HistoryEntry = { file, generatedAt: d.generatedAt, findings, incomplete: (d.gaps?.length ?? 0) > 0 };
      out.push(entry);
      if (!newest || `${d.generatedAt}\u0000${file}` > `${newest.generatedAt}\u0000${newest.file}`) {
        if (newest) delete newest.document;
        newest = entry;
        entry.document = d;
      }
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      warn(`${e.line()}; skipped in the trend`);
    }
  }
  return out.sort((a, b) => a.generatedAt.localeCompare(b.generatedAt) || a.file.localeCompare(b.file));
}

/** One trend point: unwaived findings by severity (of one owner when `owner` is given; '' = unowned). */
export function trendPoint(generatedAt: string, findings: HistoryEntry['findings'], owner?: string, incomplete = false): TrendPoint {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) {
    if (f.waived) continue;
    if (owner !== undefined && (f.owner ?? '') !== owner) continue;
    bySeverity[f.severity]++;
  }
  const point: TrendPoint = { generatedAt, bySeverity, total: SEVERITIES.reduce((n, s) => n + bySeverity[s], 0) };
  if (incomplete) point.incomplete = true;
  return point;
}

/** The trend over the history and the current document (last point), at most MAX_TREND_POINTS. */
export function trendOf(history: HistoryEntry[], current: FindingsDocument, owner?: string): TrendPoint[] {
  const points = history.map((h) => trendPoint(h.generatedAt, h.findings, owner, h.incomplete));
  points.push(trendPoint(current.generatedAt, current.findings, owner, (current.gaps?.length ?? 0) > 0));
  return points.slice(-MAX_TREND_POINTS);
}

/**
 * What is new since the previous run of the history (the newest document read), and what it had
 * that this run no longer reports, by fingerprint (checks/baseline.ts). Undefined on the first run.
 */
export function sincePrevious(history: HistoryEntry[], current: FindingsDocument): SincePrevious | undefined {
  const prev = [...history].reverse().find((h) => h.document)?.document;
  const entry = history.find((h) => h.document === prev);
  if (!prev || !entry) return undefined;
  const compared = applyBaseline(current, prev, { file: entry.file, evaluated: new Set(current.rules.map((r) => r.id)) });
  return {
    file: entry.file,
    generatedAt: prev.generatedAt,
    new: compared.findings.filter((f) => f.baseline === 'new').map((f) => f.fingerprint!),
    resolved: compared.baseline!.resolved.map(({ baseline: _state, ...f }) => f),
  };
}

/** Adds this run's document (without its trend and its comparison) to the history folder; returns the file written. */
export async function appendHistory(dir: string, doc: FindingsDocument): Promise<string> {
  const { trend: _trend, sincePrevious: _since, ...stored } = doc;
  const file = path.join(dir, historyFileName(doc.generatedAt));
  await writeFileAtomic(file, JSON.stringify(stored, null, 2) + '\n');
  return file;
}
