/**
 * `nhi-guard report merge A.json B.json ...`: joins findings documents (say, one per stack or per
 * plan of a monorepo, or one per account of a nightly run; checks/merge.ts) into one and renders
 * it in any report format. Each input is checked against
 * the findings schema first; a bad file is a usage error naming it.
 */
import { loadFindingsDocument } from '../baseline.js';
import type { FindingsDocument } from '../findings.js';
import { mergeDocuments } from '../merge.js';
import type { Io } from './io.js';
import { emitReports, exitFor, reportTargets } from './output.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';

export function reportCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'report <action> <files..>',
    describe: 'merge findings documents (JSON reports) and render them in any format',
    builder: (y) =>
      withOptions(y, 'report')
        .positional('action', { choices: ['merge'] as const, describe: 'merge' })
        .positional('files', { type: 'string', array: true, describe: 'findings documents (nhi-guard --format json)' })
        .example('$0 report merge prod.json staging.json --format markdown=nhi.md --format json=all.json', 'one report of several runs'),
    handler: async (argv) => {
      const a: ArgsOf<'report', { files: string[] | undefined }> = argv;
      const targets = reportTargets(a.format, a.output);
      const docs: FindingsDocument[] = [];
      for (const f of a.files ?? []) docs.push(await loadFindingsDocument(f));
      const merged = mergeDocuments(docs);
      await emitReports(merged, targets, io, a.sourceRoot, a.failOn);
      exitFor(merged, a.failOn, setExit);
    },
  });
}
