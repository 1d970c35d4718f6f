/**
 * Pins the composition of the rule pack: docs/rules.json and docs/rules.md are generated from the
 * rules' METADATA (npm run rules), so adding or dropping a rule is a visible diff of both.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePack } from '../../checks/engine/build.js';
import { BUILTIN_POLICY_DIR } from '../../checks/engine/index.js';
import { PROJECT_ROOT } from '../../checks/engine/opaBinary.js';
import { packCompositionJson, rulesMarkdown } from '../../reports/rules.js';
import { PACK } from '../support/pack.js';

describe('the shipped rule pack', () => {
  it('is the composition pinned in docs/rules.json (regenerate: npm run rules)', async () => {
    const pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR] });
    expect(readFileSync('docs/rules.json', 'utf8')).toBe(packCompositionJson(pack.rules, PROJECT_ROOT));
  });

  it('gives every rule a remediation and references', async () => {
    const pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR] });
    for (const r of pack.rules) {
      expect(r.remediation.length, r.id).toBeGreaterThan(20);
      expect(r.references.owasp.length + r.references.nistCsf.length + r.references.hipaa.length, r.id).toBeGreaterThan(0);
    }
  });

  it('docs/rules.md is generated from the pack and not stale (regenerate: npm run rules)', async () => {
    const pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR] });
    expect(readFileSync('docs/rules.md', 'utf8')).toBe(rulesMarkdown(pack.rules));
  });

  it('gives every rule its opa tests beside it: <rule>_test.rego importing the rule package, with test_ rules', () => {
    expect(PACK.length).toBeGreaterThan(0);
    for (const r of PACK) {
      const testFile = path.join(PROJECT_ROOT, r.file.replace(/\.rego$/, '_test.rego'));
      expect(existsSync(testFile), `${r.id}: ${testFile}`).toBe(true);
      const text = readFileSync(testFile, 'utf8');
      expect(text, r.id).toContain(`import data.nhi.rules.${r.package}\n`);
      expect(text, r.id).toMatch(/^test_\w+ if/m);
    }
  });
});
