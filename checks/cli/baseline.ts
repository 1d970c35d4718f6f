/**
 * `nhi-guard baseline`: the findings document of the current state, to be given to a later
 * `check --baseline FILE` so that the gate judges only what a change adds. Writes JSON (to --output,
 * atomically, or stdout) and exits 0 whatever it found (3 when a live scan was incomplete).
 */
import { writeFileAtomic } from '../io/files.js';
import { renderJson } from '../../reports/json.js';
import { checkDocument } from './check.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';
import { EXIT, type Io } from './io.js';
import { assertComplete } from './output.js';

export function baselineCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'baseline',
    describe: 'write the findings document of the current state, for a later `check --baseline FILE` (the gate then judges new findings only)',
    builder: (y) =>
      withOptions(y, 'baseline')
        .example('$0 baseline --plan main-plan.json --output nhi-baseline.json', "the default branch's findings")
        .example('$0 check --plan plan.json --baseline nhi-baseline.json', 'then gate a change on what it adds'),
    handler: async (argv) => {
      const a: ArgsOf<'baseline'> = argv;
      const document = await checkDocument({ ...a, baseline: undefined }, io, 'record');
      const text = renderJson(document);
      if (a.output) {
        await writeFileAtomic(a.output, text);
        io.stderr(`nhi-guard: baseline of ${document.findings.length} finding(s) written to ${a.output}\n`);
      } else io.stdout(text);
      assertComplete(document);
      setExit(EXIT.ok);
    },
  });
}
