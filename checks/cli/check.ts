import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { failsGate } from '../findings.js';
import { isDirectory } from '../io/files.js';
import { runCheck, type SourceSpec } from '../run.js';
import { commonOptions, EXIT, parseNow, type Io } from './index.js';
import { emitReport } from './output.js';

export function checkCommand(io: Io, setExit: (c: number) => void): CommandModule {
  return {
    command: 'check',
    describe: 'check declared identities (cdktf synth output) against the policy pack',
    builder: (y) =>
      commonOptions(y).option('synth', { type: 'string', array: true, describe: 'cdktf output folder (manifest.json + stacks), repeatable' }),
    handler: async (argv) => {
      const a = argv as unknown as { synth?: string[]; policyDir: string[]; data?: string; format: string; output?: string; failOn: string; now?: string };
      const sources: SourceSpec[] = [];
      for (const dir of a.synth ?? []) {
        if (!isDirectory(dir)) throw new UserError('is not a folder (--synth expects a cdktf output folder such as cdktf.out)', { file: dir });
        sources.push({ kind: 'synth', path: dir });
      }
      if (sources.length === 0) throw new UserError('nothing to check: give --synth DIR');
      const now = parseNow(a.now);
      const { document } = await runCheck({ sources, now, policyDirs: a.policyDir, dataFile: a.data });
      await emitReport(document, a.format, a.output, io);
      setExit(failsGate(document, a.failOn as never) ? EXIT.findings : EXIT.ok);
    },
  };
}
