/** Fingerprints: what identifies a finding across runs, and the multiset matching against a baseline. */
import { describe, expect, it } from 'vitest';
import { applyBaseline, evidenceOf, fingerprint } from '../../checks/baseline.js';
import type { Finding } from '../../checks/findings.js';
import { finding, makeDoc } from '../reports/fixture.js';

const base: Finding = finding('NHI-LP-001', {
  message: 'break-glass role ed-break-glass allows sessions of 7200 seconds, more than 3600',
  identity: 'ed-break-glass',
  resource: {
    type: 'aws_iam_role',
    name: 'ed-break-glass',
    address: 'aws_iam_role.EdBreakGlass',
    file: '/repo/cdktf.out/stacks/ed/cdk.tf.json',
    stack: 'ed-break-glass',
  },
});

describe('evidenceOf', () => {
  it('masks dates, day counts and durations, keeps account ids, ARNs and rule ids', () => {
    expect(evidenceOf('role x expired on 2026-06-30 (145 days ago) and is still declared')).toBe(
      'role x expired on <date> (<n> days ago) and is still declared',
    );
    expect(evidenceOf('waiver of NHI-ROT-003 for k expired on 2026-11-19T10:00:00Z, 3 days ago')).toBe(
      'waiver of NHI-ROT-003 for k expired on <date>, <n> days ago',
    );
    const trust = 'role v trusts arn:aws:iam::999988887777:root of account 999988887777 without an sts:ExternalId condition';
    expect(evidenceOf(trust)).toBe(trust);
    expect(evidenceOf('allows s3:GetObject on arn:aws:s3:::lab-2024/*')).toBe('allows s3:GetObject on arn:aws:s3:::lab-2024/*');
  });
});

describe('fingerprint', () => {
  it('survives a moved file, a line number, a changed value of the same violation and the order of the document', () => {
    const fp = fingerprint(base);
    expect(fingerprint({ ...base, resource: { ...base.resource, file: '/elsewhere/renamed.tf.json' } })).toBe(fp);
    expect(fingerprint({ ...base, message: 'break-glass role ed-break-glass allows sessions of 5400 seconds, more than 3600' })).toBe(fp);
    const retitled: Finding = { ...base, title: 'another title', severity: 'low', owner: 'someone' };
    expect(fingerprint(retitled)).toBe(fp);
  });

  it('changes with the rule, the identity, the resource and the evidence', () => {
    const fp = fingerprint(base);
    expect(fingerprint({ ...base, ruleId: 'NHI-TR-004' })).not.toBe(fp);
    expect(fingerprint({ ...base, identity: 'other' })).not.toBe(fp);
    expect(fingerprint({ ...base, resource: { ...base.resource, name: 'ed-break-glass-2' } })).not.toBe(fp);
    expect(fingerprint({ ...base, resource: { ...base.resource, stack: 'other-stack' } })).not.toBe(fp);
    const a = { ...base, message: 'role v trusts arn:aws:iam::999988887777:root of account 999988887777 without an sts:ExternalId condition' };
    const b = { ...base, message: 'role v trusts arn:aws:iam::444455556666:root of account 444455556666 without an sts:ExternalId condition' };
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });

  it('knows a resource named only after apply by its address', () => {
    const unnamed = { ...base, resource: { type: 'aws_iam_role', name: 'aws_iam_role.x', address: 'aws_iam_role.x' } };
    expect(fingerprint(unnamed)).not.toBe(fingerprint({ ...unnamed, resource: { ...unnamed.resource, name: 'aws_iam_role.y', address: 'aws_iam_role.y' } }));
  });
});

describe('applyBaseline', () => {
  it('matches as a multiset: two in the baseline and three now are two existing and one new', () => {
    const before = makeDoc({ findings: [base, base] });
    const after = makeDoc({ findings: [base, base, base] });
    const out = applyBaseline(after, before, { file: 'b.json' });
    expect(out.findings.map((f) => f.baseline)).toEqual(['existing', 'existing', 'new']);
    expect(out.baseline).toMatchObject({ file: 'b.json', new: 1, existing: 2, resolved: [], notEvaluated: 0 });
    const back = applyBaseline(before, after, { file: 'b.json' });
    expect(back.baseline!.resolved).toHaveLength(1);
    expect(back.baseline!.resolved[0]!.baseline).toBe('resolved');
    // Pure: the inputs keep their findings unmarked.
    expect(after.findings.every((f) => f.baseline === undefined)).toBe(true);
  });

  it('a baseline finding of a rule this run did not evaluate is not resolved', () => {
    const out = applyBaseline(makeDoc({ findings: [] }), makeDoc({ findings: [base] }), { file: 'b.json', evaluated: new Set(['NHI-OWN-001']) });
    expect(out.baseline).toMatchObject({ resolved: [], notEvaluated: 1 });
  });
});
