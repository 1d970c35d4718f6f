/** Writes a rendered report to stdout or, atomically, to --output. */
import path from 'node:path';
import { writeFileAtomic } from '../io/files.js';
import type { FindingsDocument } from '../findings.js';
import { render } from '../../reports/index.js';
import type { Io } from './index.js';

export async function emitReport(doc: FindingsDocument, format: string, output: string | undefined, io: Io, sourceRoot?: string): Promise<void> {
  const color = !output && io.isTTY && !io.env.NO_COLOR && format === 'text';
  const text = render(format, doc, { color, ...(sourceRoot ? { sourceRoot: path.resolve(sourceRoot) } : {}) });
  if (output) await writeFileAtomic(output, text);
  else io.stdout(text);
}
