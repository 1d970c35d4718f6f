import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { render } from '../../reports/index.js';
import { FINGERPRINT_KEY, artifactLocation, renderSarif } from '../../reports/sarif.js';
import { LEGACY_FILE, ROOT, baseFindings, makeDoc } from './fixture.js';

// The official SARIF 2.1.0 schema, vendored (see test/fixtures/schemas/README.md). It declares
// JSON Schema 2020-12 while using `definitions`; ajv's 2020 dialect resolves those refs.
const schema = JSON.parse(readFileSync(path.resolve('test/fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const validateSarif = ajv.compile(schema);

function sarif(doc = makeDoc(), sourceRoot: string | undefined = ROOT): Sarif.Log {
  return JSON.parse(renderSarif(doc, { sourceRoot })) as Sarif.Log;
}

describe('sarif report', () => {
  it('the fixture is a valid findings document', () => {
    expect(check('findings', makeDoc())).toBeNull();
  });

  it('validates against the official SARIF 2.1.0 schema', () => {
    const log = sarif();
    const ok = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // Also through the registry, with the cwd as source root.
    expect(validateSarif(JSON.parse(render('sarif', makeDoc(), { color: false })))).toBe(true);
  });

  it('the schema really rejects a broken log (the validator is not a no-op)', () => {
    const log = sarif();
    (log.runs[0]!.results![0] as unknown as Record<string, unknown>).level = 'critical';
    expect(validateSarif(log)).toBe(false);
  });

  it('describes every rule with severity, tags, help and default level', () => {
    const rules = sarif().runs[0]!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(['NHI-LP-001', 'NHI-LP-002', 'NHI-OWN-001', 'NHI-EXP-002', 'NHI-ROT-009']);
    const lp1 = rules[0]!;
    expect(lp1.name).toBe('PolicyGrantsFullAdminAction');
    expect(lp1.shortDescription?.text).toBe('Policy grants full admin (Action "*")');
    expect(lp1.fullDescription?.text).toBe('An Allow statement grants every action on every resource.');
    expect(lp1.help?.text).toContain('Remediation: List the actions');
    expect(lp1.help?.markdown).toContain('**Remediation.**');
    expect(lp1.help?.text).toContain('HIPAA Security Rule (45 CFR): 164.308(a)(4), 164.312(a)(1)');
    expect(lp1.defaultConfiguration?.level).toBe('error');
    expect(lp1.properties?.['security-severity']).toBe('9.5');
    expect(lp1.properties?.tags).toEqual(expect.arrayContaining(['security', 'owasp-nhi/NHI5', 'nist-csf/PR.AA-05', 'hipaa/164.312(a)(1)']));
    const sev = Object.fromEntries(rules.map((r) => [r.id, [r.properties?.['security-severity'], r.defaultConfiguration?.level]]));
    expect(sev).toEqual({
      'NHI-LP-001': ['9.5', 'error'],
      'NHI-LP-002': ['8.0', 'error'],
      'NHI-OWN-001': ['5.5', 'warning'],
      'NHI-EXP-002': ['3.0', 'note'],
      'NHI-ROT-009': ['1.0', 'note'],
    });
    // An empty description falls back to the title (SARIF messages should not be empty).
    expect(rules[4]!.fullDescription?.text).toBe('Rotation schedule recorded');
  });

  it('results point at their rule, level and relative file', () => {
    const run = sarif().runs[0]!;
    const rules = run.tool.driver.rules!;
    expect(run.results).toHaveLength(6);
    for (const r of run.results!) expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
    const lp1 = run.results!.find((r) => r.ruleId === 'NHI-LP-001')!;
    expect(lp1.level).toBe('error');
    expect(lp1.message.text).toBe('Policy lab-results-admin allows Action "*" on Resource "*"');
    const loc = lp1.locations![0]!;
    expect(loc.physicalLocation!.artifactLocation).toEqual({ uri: 'cdktf.out/stacks/lab-results-exchange/cdk.tf.json', uriBaseId: '%SRCROOT%' });
    expect(loc.logicalLocations).toEqual([
      { name: 'lab-results-admin', fullyQualifiedName: 'lab-results-exchange/aws_iam_policy.LabResultsRole_AdminPolicy_1A2B3C', kind: 'resource' },
      { name: 'AdminPolicy', fullyQualifiedName: 'lab-results-exchange/LabResultsRole/AdminPolicy', kind: 'module' },
    ]);
    expect(run.originalUriBaseIds?.['%SRCROOT%']).toBeDefined();
    // A live finding has no file: logical location (its ARN) only.
    const live = run.results!.find((r) => r.properties?.source === 'live')!;
    expect(live.locations![0]!.physicalLocation).toBeUndefined();
    expect(live.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe('arn:aws:iam::123456789012:role/vendor-billing');
    expect(run.results!.map((r) => r.level)).toEqual(['error', 'error', 'error', 'warning', 'note', 'note']);
  });

  it('waived findings are suppressed with the justification, not dropped', () => {
    const waived = sarif().runs[0]!.results!.filter((r) => r.suppressions);
    expect(waived).toHaveLength(1);
    expect(waived[0]!.ruleId).toBe('NHI-OWN-001');
    expect(waived[0]!.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Owner being assigned after the vendor migration (owner platform-security, expires 2027-01-15, ticket SEC-1234)',
      },
    ]);
  });

  it('fingerprints are stable across runs and message dates, and distinct per finding', () => {
    const fp = (log: Sarif.Log) => log.runs[0]!.results!.map((r) => `${r.ruleId} ${r.partialFingerprints![FINGERPRINT_KEY]}`);
    const a = fp(sarif(makeDoc({ generatedAt: '2026-11-22T08:00:00.000Z' })));
    const b = fp(sarif(makeDoc({ generatedAt: '2026-12-25T23:59:59.000Z' })));
    const c = fp(sarif(makeDoc({ findings: baseFindings('2027-03-30') })));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
    for (const x of a) expect(x.split(' ')[1]).toMatch(/^[0-9a-f]{64}$/);
    // The whole log is byte-identical when only generatedAt differs.
    expect(renderSarif(makeDoc({ generatedAt: '2020-01-01T00:00:00.000Z' }), { sourceRoot: ROOT })).toBe(renderSarif(makeDoc(), { sourceRoot: ROOT }));
  });

  it('keeps two findings of one rule on one resource apart', () => {
    const fs = baseFindings();
    const twin = { ...fs[1]!, message: 'Policy lab-results-admin grants "kms:*" on Resource "*"' };
    const log = sarif(makeDoc({ findings: [...fs, twin] }));
    const prints = log.runs[0]!.results!.filter((r) => r.ruleId === 'NHI-LP-002').map((r) => r.partialFingerprints![FINGERPRINT_KEY]);
    expect(prints).toHaveLength(3);
    expect(new Set(prints).size).toBe(3);
  });

  it('artifact URIs: relative with forward slashes, encoded, file: URI outside the root', () => {
    expect(artifactLocation(LEGACY_FILE, ROOT)).toEqual({ uri: 'cdktf.out/stacks/legacy-hl7/cdk.tf.json', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation(path.join(ROOT, 'my stacks/a#b.json'), ROOT)).toEqual({ uri: 'my%20stacks/a%23b.json', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('stacks\\win\\cdk.tf.json', ROOT)).toEqual({ uri: 'stacks/win/cdk.tf.json', uriBaseId: '%SRCROOT%' });
    const outside = artifactLocation('/elsewhere/cdk.tf.json', ROOT);
    expect(outside.uriBaseId).toBeUndefined();
    expect(outside.uri).toBe('file:///elsewhere/cdk.tf.json');
    // Still a valid log when a file lies outside the root.
    expect(validateSarif(sarif(makeDoc(), '/somewhere/else'))).toBe(true);
  });

  it('a rule missing from doc.rules still gets a descriptor and a valid ruleIndex', () => {
    const doc = makeDoc();
    doc.rules = doc.rules.filter((r) => r.id !== 'NHI-LP-002');
    const run = sarif(doc).runs[0]!;
    const idx = run.results!.find((r) => r.ruleId === 'NHI-LP-002')!.ruleIndex!;
    expect(run.tool.driver.rules![idx]!.id).toBe('NHI-LP-002');
    expect(validateSarif(sarif(doc))).toBe(true);
  });

  it('an empty document is a valid log with no results', () => {
    const log = sarif(makeDoc({ findings: [] }));
    expect(log.runs[0]!.results).toEqual([]);
    expect(validateSarif(log)).toBe(true);
  });
});
