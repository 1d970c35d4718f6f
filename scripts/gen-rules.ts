/**
 * Regenerates the rule catalog from the METADATA of policies/ (one `opa inspect -a`, through
 * compilePack): docs/rules.md and docs/rules.json (the pack's composition, read by the pack,
 * fixture and scenario tests). Run after adding, changing or removing a rule:
 *
 *   npm run rules
 *
 * test/engine/pack.test.ts fails while either file is stale.
 */
import path from 'node:path';
import { compilePack } from '../checks/engine/build.js';
import { BUILTIN_POLICY_DIR } from '../checks/engine/index.js';
import { PROJECT_ROOT } from '../checks/engine/opaBinary.js';
import { UserError } from '../checks/errors.js';
import { writeFileAtomic } from '../checks/io/files.js';
import { packCompositionJson, rulesMarkdown } from '../reports/rules.js';

export const RULES_MD = path.join(PROJECT_ROOT, 'docs', 'rules.md');
export const RULES_JSON = path.join(PROJECT_ROOT, 'docs', 'rules.json');

async function main(): Promise<number> {
  try {
    const pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR] });
    await writeFileAtomic(RULES_MD, rulesMarkdown(pack.rules));
    await writeFileAtomic(RULES_JSON, packCompositionJson(pack.rules, PROJECT_ROOT));
    process.stdout.write(`rules: ${pack.rules.length} rules -> docs/rules.md, docs/rules.json\n`);
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`rules: ${e.line()}\n`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(PROJECT_ROOT, 'scripts', 'gen-rules.ts')) process.exitCode = await main();
