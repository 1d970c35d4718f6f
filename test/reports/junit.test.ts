import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../reports/junit.js';
import { baseFindings, finding, makeDoc } from './fixture.js';

interface Case {
  '@_name': string;
  '@_classname': string;
  failure?: { '@_message': string; '@_type': string; '#text': string };
  skipped?: { '@_message': string };
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_skipped': string;
  testcase: Case[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'property',
});

function parse(xml: string): { '@_tests': string; '@_failures': string; '@_skipped': string; testsuite: Suite[] } {
  return (parser.parse(xml) as { testsuites: never }).testsuites;
}

describe('junit report', () => {
  it('parses back with one suite per source kind and the right counts', () => {
    const xml = renderJunit(makeDoc());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    const root = parse(xml);
    const suites = Object.fromEntries(root.testsuite.map((s) => [s['@_name'], s]));
    expect(Object.keys(suites)).toEqual(['nhi-guard.synth', 'nhi-guard.plan', 'nhi-guard.live']);

    const synth = suites['nhi-guard.synth']!;
    // (identity, rule): lab-results-exchange x LP-001, LP-002, EXP-002, ROT-009; hl7-feed x OWN-001 (waived)
    expect(synth.testcase).toHaveLength(5);
    expect(synth['@_tests']).toBe('5');
    expect(synth['@_failures']).toBe('4');
    expect(synth['@_skipped']).toBe('1');
    expect(synth.testcase.filter((c) => c.failure)).toHaveLength(4);
    const skipped = synth.testcase.find((c) => c.skipped)!;
    expect(skipped['@_classname']).toBe('nhi-guard.synth.hl7-feed');
    expect(skipped.skipped!['@_message']).toBe('waived: Owner being assigned after the vendor migration (expires 2027-01-15)');
    const lp1 = synth.testcase.find((c) => c['@_name'].startsWith('NHI-LP-001'))!;
    expect(lp1.failure!['@_type']).toBe('critical');
    // Quotes and the asterisk survive escaping and parsing back.
    expect(lp1.failure!['@_message']).toBe('Policy lab-results-admin allows Action "*" on Resource "*"');
    expect(lp1.failure!['#text']).toContain('fix: List the actions the integration needs');

    // A suite without findings has one passing summary case.
    const plan = suites['nhi-guard.plan']!;
    expect(plan['@_tests']).toBe('1');
    expect(plan['@_failures']).toBe('0');
    expect(plan.testcase[0]!.failure).toBeUndefined();
    expect(plan.testcase[0]!.skipped).toBeUndefined();

    expect(suites['nhi-guard.live']!['@_failures']).toBe('1');
    expect(root['@_tests']).toBe('7');
    expect(root['@_failures']).toBe('5');
    expect(root['@_skipped']).toBe('1');
  });

  it('one test case per (identity, rule), several findings listed in it', () => {
    const fs = baseFindings();
    const twin = { ...fs[1]!, message: 'Policy lab-results-admin grants "kms:*" on Resource "*"' };
    const synth = parse(renderJunit(makeDoc({ findings: [...fs, twin] }))).testsuite[0]!;
    const lp2 = synth.testcase.filter((c) => c['@_name'].startsWith('NHI-LP-002'));
    expect(lp2).toHaveLength(1);
    expect(lp2[0]!.failure!['@_message']).toMatch(/^2 findings; first: /);
    expect(lp2[0]!.failure!['#text']).toContain('kms:*');
    expect(lp2[0]!.failure!['#text']).toContain('s3:*');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    const nasty = finding('NHI-LP-002', {
      message: 'Role <evil> & "quoted" \'x\' ]]> \u0007bell',
      identity: 'a&b<c>',
      resource: { type: 'aws_iam_role', name: 'a&b<c>', address: 'aws_iam_role.x' },
    });
    const xml = renderJunit(makeDoc({ findings: [nasty] }));
    expect(xml).not.toContain('<evil>');
    expect(xml).not.toContain('\u0007');
    const c = parse(xml).testsuite[0]!.testcase[0]!;
    // The bell is shown escaped, as in every other report (reports/escape.ts), never raw.
    expect(c.failure!['@_message']).toBe('Role <evil> & "quoted" \'x\' ]]> \\u0007bell');
    expect(c['@_classname']).toBe('nhi-guard.synth.a&b<c>');
  });

  it('a document with no findings and no inputs is still a well-formed report', () => {
    const root = parse(renderJunit(makeDoc({ findings: [], inputs: [] })));
    expect(root['@_tests']).toBe('1');
    expect(root['@_failures']).toBe('0');
  });

  it('fails only what the gate fails: below --fail-on, or existing in the baseline, a case passes with its findings in system-out', () => {
    const doc = makeDoc();
    const open = doc.findings.filter((f) => !f.waived);
    const worst = (xml: string) => parse(xml).testsuite.flatMap((s) => s.testcase);
    const atHigh = worst(renderJunit(doc, { failOn: 'high' }));
    const failing = atHigh.filter((c) => c.failure);
    expect(failing.length).toBe(
      new Set(open.filter((f) => f.severity === 'critical' || f.severity === 'high').map((f) => `${f.ruleId} ${f.resource.address ?? f.resource.name}`)).size,
    );
    const passed = atHigh.filter((c) => !c.failure && !c.skipped && (c as { 'system-out'?: string })['system-out']);
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.every((c) => /\[(medium|low|info)\]/.test((c as unknown as { 'system-out': string })['system-out']))).toBe(true);
    expect(worst(renderJunit(doc, { failOn: 'none' })).some((c) => c.failure)).toBe(false);
    // Against a baseline, existing findings pass.
    const based = {
      ...doc,
      findings: doc.findings.map((f) => ({ ...f, baseline: 'existing' as const })),
      baseline: { file: 'b.json', generatedAt: doc.generatedAt, new: 0, existing: doc.findings.length, resolved: [], notEvaluated: 0 },
    };
    expect(worst(renderJunit(based, { failOn: 'info' })).some((c) => c.failure)).toBe(false);
  });

  it('one test case per rule and resource: the same rule on two resources of one identity is two cases', () => {
    const a = finding('NHI-LP-002', {
      message: 'grants s3:* on *',
      identity: 'lab',
      resource: { type: 'aws_iam_policy', name: 'p1', address: 'aws_iam_policy.p1' },
    });
    const b = finding('NHI-LP-002', {
      message: 'grants s3:* on *',
      identity: 'lab',
      resource: { type: 'aws_iam_policy', name: 'p2', address: 'aws_iam_policy.p2' },
    });
    const cases = parse(renderJunit(makeDoc({ findings: [a, b] }))).testsuite[0]!.testcase;
    expect(cases.map((c) => c['@_name'])).toEqual([expect.stringContaining('(aws_iam_policy.p1)'), expect.stringContaining('(aws_iam_policy.p2)')]);
  });
});
