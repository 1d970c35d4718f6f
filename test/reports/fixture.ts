/** A realistic findings document for the report tests, built by hand (no engine, no opa). */
import path from 'node:path';
import type { Finding, FindingsDocument, RuleSummary } from '../../checks/findings.js';
import { compareFindings } from '../../checks/findings.js';
import { SEVERITIES, type Severity } from '../../checks/engine/metadata.js';

export const ROOT = path.resolve('/work/repo');
export const SYNTH_FILE = path.join(ROOT, 'cdktf.out/stacks/lab-results-exchange/cdk.tf.json');
export const LEGACY_FILE = path.join(ROOT, 'cdktf.out/stacks/legacy-hl7/cdk.tf.json');

export const RULES: RuleSummary[] = [
  {
    id: 'NHI-LP-001',
    title: 'Policy grants full admin (Action "*")',
    description: 'An Allow statement grants every action on every resource.',
    severity: 'critical',
    remediation: 'List the actions the integration needs; never "*".',
    references: { owasp: ['NHI5'], nistCsf: ['PR.AA-05'], hipaa: ['164.308(a)(4)', '164.312(a)(1)'] },
  },
  {
    id: 'NHI-LP-002',
    title: 'Service-wide wildcard on Resource "*"',
    description: 'An Allow statement grants a whole service (s3:*, iam:*) on every resource.',
    severity: 'high',
    remediation: 'Scope the actions and the resources.',
    references: { owasp: ['NHI5'], nistCsf: ['PR.AA-05'], hipaa: ['164.312(a)(1)'] },
  },
  {
    id: 'NHI-OWN-001',
    title: 'Identity has no owner',
    description: 'The owner governance tag is missing or empty.',
    severity: 'medium',
    remediation: 'Tag the identity with its accountable team: owner=<team>.',
    references: { owasp: ['NHI1'], nistCsf: ['ID.AM-08'], hipaa: ['164.308(a)(3)(ii)(C)'] },
  },
  {
    id: 'NHI-EXP-002',
    title: 'Identity expires soon',
    description: 'The identity reaches its expires-on date within the warning window.',
    severity: 'low',
    remediation: 'Renew the expiry after review, or retire the identity.',
    references: { owasp: ['NHI1'], nistCsf: ['ID.AM-08'], hipaa: [] },
  },
  {
    id: 'NHI-ROT-009',
    title: 'Rotation schedule recorded',
    description: '',
    severity: 'info',
    remediation: '',
    references: { owasp: [], nistCsf: [], hipaa: [] },
  },
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function finding(ruleId: string, over: Partial<Finding> & { message: string }): Finding {
  const r = byId.get(ruleId)!;
  return {
    ruleId,
    severity: r.severity,
    title: r.title,
    source: 'synth',
    resource: { type: 'aws_iam_role', name: 'lab-results-exchange' },
    remediation: r.remediation,
    references: r.references,
    waived: false,
    ...over,
  };
}

/** The over-broad policy that two findings of the fixture are about. */
const ADMIN_POLICY = {
  type: 'aws_iam_policy',
  name: 'lab-results-admin',
  address: 'aws_iam_policy.LabResultsRole_AdminPolicy_1A2B3C',
  constructPath: 'lab-results-exchange/LabResultsRole/AdminPolicy',
  file: SYNTH_FILE,
  stack: 'lab-results-exchange',
};

export function baseFindings(expiryDate = '2026-12-01'): Finding[] {
  return [
    finding('NHI-LP-001', {
      message: 'Policy lab-results-admin allows Action "*" on Resource "*"',
      identity: 'lab-results-exchange',
      owner: 'team-integrations',
      resource: { ...ADMIN_POLICY },
    }),
    finding('NHI-LP-002', {
      message: 'Policy lab-results-admin grants "s3:*" on Resource "*"',
      identity: 'lab-results-exchange',
      owner: 'team-integrations',
      resource: { ...ADMIN_POLICY },
    }),
    finding('NHI-EXP-002', {
      message: `Role lab-results-exchange expires on ${expiryDate}, within 14 days`,
      identity: 'lab-results-exchange',
      owner: 'team-integrations',
      resource: {
        type: 'aws_iam_role',
        name: 'lab-results-exchange',
        address: 'aws_iam_role.LabResultsRole_Role_9F8E7D',
        arn: 'arn:aws:iam::123456789012:role/lab-results-exchange',
        constructPath: 'lab-results-exchange/LabResultsRole/Role',
        file: SYNTH_FILE,
        stack: 'lab-results-exchange',
      },
    }),
    finding('NHI-OWN-001', {
      message: 'Role hl7-feed has no owner tag',
      identity: 'hl7-feed',
      resource: {
        type: 'aws_iam_role',
        name: 'hl7-feed',
        address: 'aws_iam_role.Hl7Feed_Role_55AA',
        constructPath: 'legacy-hl7/Hl7Feed/Role',
        file: LEGACY_FILE,
        stack: 'legacy-hl7',
      },
      waived: true,
      waiver: {
        ruleId: 'NHI-OWN-001',
        resource: 'aws_iam_role.Hl7Feed_Role_55AA',
        owner: 'platform-security',
        reason: 'Owner being assigned after the vendor migration',
        expiresOn: '2027-01-15',
        ticket: 'SEC-1234',
      },
    }),
    finding('NHI-LP-002', {
      message: 'Inline policy grants "iam:*" on Resource "*"',
      identity: 'vendor-billing',
      owner: 'team-revenue',
      source: 'live',
      resource: { type: 'iam-role', name: 'vendor-billing', arn: 'arn:aws:iam::123456789012:role/vendor-billing' },
    }),
    finding('NHI-ROT-009', {
      message: 'Secret lab-results/api-key rotates every 30 days',
      identity: 'lab-results-exchange',
      owner: 'team-integrations',
      resource: {
        type: 'aws_secretsmanager_secret',
        name: 'lab-results/api-key',
        address: 'aws_secretsmanager_secret.ApiKey_Secret_77',
        file: SYNTH_FILE,
        stack: 'lab-results-exchange',
      },
    }),
  ];
}

export function makeDoc(opts: { findings?: Finding[]; generatedAt?: string; inputs?: FindingsDocument['inputs'] } = {}): FindingsDocument {
  const findings = [...(opts.findings ?? baseFindings())].sort(compareFindings);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.waived) bySeverity[f.severity]++;
  return {
    schemaVersion: '1.0.0',
    tool: { name: 'nhi-guard', version: '0.1.0' },
    generatedAt: opts.generatedAt ?? '2026-11-22T08:00:00.000Z',
    now: '2026-11-22T00:00:00.000Z',
    inputs: opts.inputs ?? [
      { kind: 'synth', file: SYNTH_FILE },
      { kind: 'synth', file: LEGACY_FILE },
      { kind: 'live', file: path.join(ROOT, 'snapshots/prod.json') },
      { kind: 'plan', file: path.join(ROOT, 'plan.json') },
    ],
    summary: { bySeverity, identities: 4, waived: findings.filter((f) => f.waived).length },
    rules: RULES,
    findings,
  };
}

/** n findings spread over ~n/10 identities, all severities. */
export function bigDoc(n: number): FindingsDocument {
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const rule = RULES[i % RULES.length]!;
    findings.push(
      finding(rule.id, {
        message: `Finding number ${i} on role svc-${Math.floor(i / 10)}: an explanation long enough to be realistic about what is wrong`,
        identity: `svc-${Math.floor(i / 10)}`,
        owner: `team-${i % 7}`,
        resource: { type: 'aws_iam_role', name: `svc-${Math.floor(i / 10)}`, address: `aws_iam_role.svc_${i}`, file: SYNTH_FILE, stack: 'big' },
      }),
    );
  }
  return makeDoc({ findings });
}
