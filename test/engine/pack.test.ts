/** Pins the composition of the rule pack: adding or dropping a rule is a visible diff. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePack } from '../../checks/engine/build.js';
import { BUILTIN_POLICY_DIR } from '../../checks/engine/index.js';
import { rulesMarkdown } from '../../checks/cli/policies.js';

const PACK = [
  'NHI-DRIFT-001', 'NHI-DRIFT-002', 'NHI-DRIFT-003', 'NHI-DRIFT-004', 'NHI-DRIFT-005', 'NHI-DRIFT-006', 'NHI-DRIFT-007',
  'NHI-EXP-001', 'NHI-EXP-002', 'NHI-EXP-003', 'NHI-EXP-004',
  'NHI-ISO-001',
  'NHI-LP-001', 'NHI-LP-002', 'NHI-LP-003', 'NHI-LP-004', 'NHI-LP-005', 'NHI-LP-006', 'NHI-LP-007', 'NHI-LP-008', 'NHI-LP-009', 'NHI-LP-010', 'NHI-LP-011',
  'NHI-OWN-001', 'NHI-OWN-002', 'NHI-OWN-003', 'NHI-OWN-004',
  'NHI-ROT-001', 'NHI-ROT-002', 'NHI-ROT-003', 'NHI-ROT-004', 'NHI-ROT-005', 'NHI-ROT-006', 'NHI-ROT-007', 'NHI-ROT-008', 'NHI-ROT-009',
  'NHI-TR-001', 'NHI-TR-002', 'NHI-TR-003', 'NHI-TR-004', 'NHI-TR-005', 'NHI-TR-006', 'NHI-TR-007',
  'NHI-UNK-001', 'NHI-UNK-002',
  'NHI-WVR-001', 'NHI-WVR-002',
];

describe('the shipped rule pack', () => {
  it('holds exactly the pinned rule ids, each with severity, remediation and references', async () => {
    const pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR] });
    expect(pack.rules.map((r) => r.id)).toEqual(PACK);
    for (const r of pack.rules) {
      expect(r.remediation.length, r.id).toBeGreaterThan(20);
      expect(r.references.owasp.length + r.references.nistCsf.length + r.references.hipaa.length, r.id).toBeGreaterThan(0);
    }
  });

  it('docs/rules.md is generated from the pack and not stale (regenerate: nhi-guard policies list --format markdown --output docs/rules.md)', async () => {
    const pack = await compilePack({ policyDirs: [BUILTIN_POLICY_DIR] });
    expect(readFileSync('docs/rules.md', 'utf8')).toBe(rulesMarkdown(pack.rules));
  });
});
