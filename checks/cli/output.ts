/** The end of the commands that report: the rendered reports to stdout or files, then the exit code. */
import path from 'node:path';
import { IncompleteError, UserError } from '../errors.js';
import { failsGate, type FindingsDocument } from '../findings.js';
import { writeFileAtomic } from '../io/files.js';
import type { Inventory } from '../model.js';
import { FORMATS, render, type Format } from '../../reports/index.js';
import { EXIT, type Io } from './io.js';

export interface ReportTarget {
  format: Format;
  /** Written atomically; undefined: stdout. */
  file?: string;
}

/**
 * `--format` entries (`sarif=nhi.sarif`, `text`) and `--output` as report targets: every FORMAT=FILE
 * goes to its file, at most one bare FORMAT goes to --output or stdout.
 */
export function reportTargets(formats: string | string[] | undefined, output: string | undefined): ReportTarget[] {
  const list = formats === undefined ? ['text'] : Array.isArray(formats) ? formats : [formats];
  const targets: ReportTarget[] = [];
  for (const entry of list) {
    const eq = entry.indexOf('=');
    const format = eq >= 0 ? entry.slice(0, eq) : entry;
    const file = eq >= 0 ? entry.slice(eq + 1) : undefined;
    if (!(FORMATS as string[]).includes(format))
      throw new UserError(`--format ${JSON.stringify(entry.slice(0, 80))}: unknown format; choose one of ${FORMATS.join(', ')} (FORMAT or FORMAT=FILE)`);
    if (file === '') throw new UserError(`--format ${format}=: the file is missing (FORMAT=FILE)`);
    targets.push({ format: format as Format, ...(file ? { file } : {}) });
  }
  const bare = targets.filter((t) => !t.file);
  if (bare.length > 1)
    throw new UserError(
      `--format ${bare.map((t) => t.format).join(', ')}: only one format can go to ${output ? '--output' : 'stdout'}; give the others a file (--format sarif=nhi.sarif)`,
    );
  if (output !== undefined) {
    if (bare.length === 0) throw new UserError('--output names the file of the format given without =FILE, and every --format has its own file');
    bare[0]!.file = output;
  }
  const files = targets.map((t) => t.file && path.resolve(t.file)).filter(Boolean);
  const twice = files.find((f, i) => files.indexOf(f) !== i);
  if (twice) throw new UserError(`two reports would be written to ${twice}`);
  return targets;
}

/** Renders every target from the one document: files atomically, the bare format to stdout. */
export async function emitReports(doc: FindingsDocument, targets: ReportTarget[], io: Io, sourceRoot?: string, failOn?: string): Promise<void> {
  for (const t of targets) await emitReport(doc, t.format, t.file, io, sourceRoot, failOn);
}

/** Writes a rendered report to stdout or, atomically, to --output; `failOn` is the gate the run applies. */
export async function emitReport(
  doc: FindingsDocument,
  format: string,
  output: string | undefined,
  io: Io,
  sourceRoot?: string,
  failOn?: string,
): Promise<void> {
  const color = !output && io.isTTY && !io.env.NO_COLOR && format === 'text';
  const text = render(format, doc, { color, ...(sourceRoot ? { sourceRoot: path.resolve(sourceRoot) } : {}), ...(failOn ? { failOn } : {}) });
  if (output) await writeFileAtomic(output, text);
  else io.stdout(text);
}

/** Exit 3 for an incomplete live result; called after the report or snapshot is written. */
export function assertComplete(inv: { gaps?: Inventory['gaps'] }): void {
  const gaps = inv.gaps ?? [];
  if (gaps.length === 0) return;
  const first = gaps[0]!;
  throw new IncompleteError(
    `${gaps.length} part(s) of the account could not be read (first: ${first.service} ${first.operation}${first.region ? ` (${first.region})` : ''}${first.target ? ` ${first.target}` : ''}: ${first.error}); the output lists them`,
  );
}

/** The exit code of a findings document once written: 3 when incomplete, else 1 or 0 by --fail-on. */
export function exitFor(doc: FindingsDocument, failOn: string, setExit: (c: number) => void): void {
  assertComplete(doc);
  setExit(failsGate(doc, failOn as never) ? EXIT.findings : EXIT.ok);
}
