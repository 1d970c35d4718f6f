import { spawnSync } from 'node:child_process';
import { compilePack } from '../engine/build.js';
import { loadPack, policyDirsOf } from '../engine/index.js';
import type { RuleMeta } from '../engine/metadata.js';
import { findOpa } from '../engine/opaBinary.js';
import { writeFileAtomic } from '../io/files.js';
import { rulesMarkdown } from '../../reports/rules.js';
import { EXIT, type Io } from './io.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';

function rulesText(rules: RuleMeta[]): string {
  return rules.map((r) => `${r.id.padEnd(14)} ${r.severity.padEnd(8)} ${r.title}`).join('\n') + '\n';
}

export function policiesCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'policies <action>',
    describe: 'compile the policy pack to WebAssembly, run its opa tests, or list its rules',
    builder: (y) =>
      withOptions(y.positional('action', { choices: ['build', 'test', 'list'] as const, describe: 'build | test | list' }), 'policies')
        .example('$0 policies list', 'every rule with its id, severity and title')
        .example('$0 policies build --policy-dir policies/acme', 'compile the pack with your own rules (cached)')
        .example('$0 policies test', 'run opa test on the pack'),
    handler: async (argv) => {
      const a: ArgsOf<'policies', { action: 'build' | 'test' | 'list' | undefined }> = argv;
      const dirs = policyDirsOf({ policyDirs: a.policyDir });
      if (a.action === 'test') {
        const opa = findOpa();
        const r = spawnSync(opa.path, ['test', ...dirs], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        io.stdout(r.stdout ?? '');
        if (r.stderr) io.stderr(r.stderr);
        setExit(r.status === 0 ? EXIT.ok : EXIT.findings);
        return;
      }
      if (a.action === 'build') {
        const t0 = performance.now();
        const pack = await compilePack({ policyDirs: dirs, force: a.force });
        const ms = performance.now() - t0;
        io.stdout(`${pack.cacheHit ? 'cache hit' : 'compiled'}: ${pack.rules.length} rules, opa ${pack.opaVersion}, ${ms.toFixed(0)} ms, ${pack.dir}\n`);
        return;
      }
      // The shipped pack when there are no extra folders: listing needs no opa.
      const pack = await loadPack({ policyDirs: a.policyDir });
      const out =
        a.format === 'json' ? JSON.stringify(pack.rules, null, 2) + '\n' : a.format === 'markdown' ? rulesMarkdown(pack.rules) : rulesText(pack.rules);
      if (a.output) await writeFileAtomic(a.output, out);
      else io.stdout(out);
    },
  });
}
