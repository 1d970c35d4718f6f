/** The end of the commands that report: the rendered report to stdout or --output, then the exit code. */
import path from 'node:path';
import { IncompleteError } from '../errors.js';
import { failsGate, type FindingsDocument } from '../findings.js';
import { writeFileAtomic } from '../io/files.js';
import type { Inventory } from '../model.js';
import { render } from '../../reports/index.js';
import { EXIT, type Io } from './index.js';

/** Writes a rendered report to stdout or, atomically, to --output. */
export async function emitReport(doc: FindingsDocument, format: string, output: string | undefined, io: Io, sourceRoot?: string): Promise<void> {
  const color = !output && io.isTTY && !io.env.NO_COLOR && format === 'text';
  const text = render(format, doc, { color, ...(sourceRoot ? { sourceRoot: path.resolve(sourceRoot) } : {}) });
  if (output) await writeFileAtomic(output, text);
  else io.stdout(text);
}

/** Exit 3 for an incomplete live result; called after the report or snapshot is written. */
export function assertComplete(inv: { gaps?: Inventory['gaps'] }): void {
  const gaps = inv.gaps ?? [];
  if (gaps.length === 0) return;
  const first = gaps[0]!;
  throw new IncompleteError(`${gaps.length} part(s) of the account could not be read (first: ${first.service} ${first.operation}${first.target ? ` ${first.target}` : ''}: ${first.error}); the output lists them`);
}

/** The exit code of a findings document once written: 3 when incomplete, else 1 or 0 by --fail-on. */
export function exitFor(doc: FindingsDocument, failOn: string, setExit: (c: number) => void): void {
  assertComplete(doc);
  setExit(failsGate(doc, failOn as never) ? EXIT.findings : EXIT.ok);
}
