/**
 * The example app of St. Mary's as the checker sees it: every stack registered, the legacy debt
 * visible, the new stacks clean; and `nhi-guard synth` on an invalid app exits 2 with one line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isGoverned } from '../../stacks/constructs/governance.js';
import { buildApp } from '../../stacks/main.js';
import { runCli } from '../support/cli.js';
import { NOW, type Json } from './helpers.js';

const NEW_STACKS = [
  'lab-results-exchange',
  'imaging-vendor-support',
  'claims-automation',
  'telehealth-api-keys',
  'patient-portal',
  'ed-break-glass',
  'ci-deploy',
  'nhi-guard-scanner',
];

let dir: string;
const stack = (name: string): Json => JSON.parse(readFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as Json;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-stacks-'));
  const { app, aspect } = buildApp(dir, NOW);
  app.synth();
  expect(aspect.problems).toEqual([]);
});

describe('example app', () => {
  it('registers every stack, each governed identity tagged', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Json;
    expect(Object.keys(manifest.stacks).sort()).toEqual([...NEW_STACKS, 'legacy-hl7'].sort());
    const { app } = buildApp(mkdtempSync(path.join(os.tmpdir(), 'nhi-stacks-')), NOW);
    const governed = app.node.findAll().filter(isGoverned);
    expect(governed.length).toBeGreaterThanOrEqual(14);
    for (const name of NEW_STACKS) {
      for (const role of Object.values((stack(name).resource.aws_iam_role ?? {}) as Record<string, Json>)) {
        expect(Object.keys(role.tags)).toEqual(expect.arrayContaining(['owner', 'purpose', 'data-class', 'environment', 'expires-on', 'identity-kind']));
      }
    }
  });

  it('legacy-hl7 keeps its debt, including an IAM user with a long-lived access key', () => {
    const legacy = stack('legacy-hl7');
    const users = Object.values(legacy.resource.aws_iam_user as Record<string, Json>);
    expect(users.map((u) => u.name)).toEqual(['hl7-interface-engine']);
    expect(Object.keys(legacy.resource.aws_iam_access_key)).toHaveLength(1);
  });

  it('no stack declares a secret value or a Resource "*" grant outside the scanner', () => {
    for (const name of NEW_STACKS) {
      const s = stack(name);
      expect(s.resource.aws_secretsmanager_secret_version).toBeUndefined();
      const docs = Object.values((s.data?.aws_iam_policy_document ?? {}) as Record<string, Json>);
      for (const d of docs) for (const st of d.statement as Json[]) if (st.resources?.includes('*')) expect(name).toBe('nhi-guard-scanner');
    }
  });

  it('the checker finds the legacy debt and nothing in the new stacks', async () => {
    const r = await runCli(['check', '--synth', dir, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Json;
    const findings = doc.findings as Json[];
    // Every stack pins its provider to the hospital account (allowed_account_ids), so the loader
    // knows the own account and same-account trust (the break-glass on-call role) is not cross-account.
    const outside = findings.filter((f) => !String(f.resource.constructPath ?? f.resource.address).startsWith('legacy-hl7/'));
    expect(outside.map((f) => `${f.ruleId} ${f.resource.constructPath}: ${f.message}`)).toEqual([]);
    const legacy = new Set(findings.filter((f) => !f.waived).map((f) => f.ruleId));
    for (const id of ['NHI-LP-001', 'NHI-OWN-001', 'NHI-EXP-001', 'NHI-EXP-002']) expect(legacy).toContain(id);
    // The access key is the one piece of debt accepted for now, by the waiver declared beside it.
    const waived = findings.filter((f) => f.waived);
    expect(waived.map((f) => [f.ruleId, f.resource.constructPath, f.waiver.owner, f.waiver.ticket])).toEqual([
      ['NHI-ROT-003', 'legacy-hl7/InterfaceEngineUserKey', 'integration-platform', 'SEC-2291'],
    ]);
    expect(doc.summary.waived).toBe(1);
    expect(findings.some((f) => f.ruleId.startsWith('NHI-WVR-'))).toBe(false);
  });

  it('the legacy waiver stops covering the key once it expires, and says so', async () => {
    const r = await runCli(['check', '--synth', dir, '--format', 'json', '--fail-on', 'high', '--now', '2027-02-16']);
    const doc = JSON.parse(r.stdout) as Json;
    const key = (doc.findings as Json[]).find((f) => f.ruleId === 'NHI-ROT-003');
    expect(key?.waived).toBe(false);
    const expired = (doc.findings as Json[]).filter((f) => f.ruleId === 'NHI-WVR-001');
    expect(expired.map((f) => [f.resource.type, f.resource.constructPath])).toEqual([['waiver', 'legacy-hl7/InterfaceEngineKeyWaiver']]);
    expect(r.code).toBe(1);
  });
});

describe('nhi-guard synth', () => {
  const env = { ...process.env, NHI_GUARD_NOW: '2026-11-22T00:00:00Z' };
  const synthApp = (app: string) => runCli(['synth', '--app', app, '--outdir', mkdtempSync(path.join(os.tmpdir(), 'nhi-bad-'))], env);
  const lines = (stderr: string) => stderr.split('\n').filter(Boolean);
  const noStack = (stderr: string) => {
    expect(stderr).not.toMatch(/^\s+at |node:internal|node_modules|Node\.js v/m);
  };

  it('exits 2 naming every governance problem of a construct, each on its line with the app and construct path', async () => {
    const r = await synthApp(path.resolve('test/fixtures/apps/unowned-identity.ts'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual([
      `nhi-guard: ${path.resolve('test/fixtures/apps/unowned-identity.ts')}: invalid-app/UnownedExporter: owner is missing: name the accountable team`,
      `nhi-guard: ${path.resolve('test/fixtures/apps/unowned-identity.ts')}: invalid-app/UnownedExporter: expiresOn 2026-01-31 is in the past: offboard the identity or renew it with its owner`,
    ]);
    noStack(r.stderr);
  });

  it('names every problem of the app at once, across stacks: governance, AWS limits of options, refused grants', async () => {
    const app = path.resolve('test/fixtures/apps/many-problems.ts');
    const r = await synthApp(app);
    expect(r.code).toBe(2);
    expect(lines(r.stderr).map((l) => l.replace(`nhi-guard: ${app}: `, ''))).toEqual([
      'lab/Unowned: owner is missing: name the accountable team',
      'lab/Exporter: name "lab-results-exporter-for-the-northside-reference-laboratory-feed-v2" is 67 characters, more than the 64 AWS allows',
      'lab/Exporter: maxSessionDuration 60 must be a whole number of seconds from 3600 to 43200 (the range AWS allows for a role)',
      'lab/Exporter: action "s3:*" grants a whole service; list the actions the workload calls',
      'lab/Token: rotationDays 1200 must be a whole number of days from 1 to 1000 (the range Secrets Manager allows)',
      'partners/Pacs: maxSessionDuration 900 must be a whole number of seconds from 3600 to 43200 (the range AWS allows for a role)',
      'partners/Ed: maxSessionDuration 7200 is more than the 3600 seconds allowed for break-glass access (NHI-TR-004)',
    ]);
    noStack(r.stderr);
  });

  it("shows the app's own error and where in the app it was thrown, not a wrapper stack", async () => {
    const r = await synthApp(path.resolve('test/fixtures/apps/throws.ts'));
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      `nhi-guard: ${path.resolve('test/fixtures/apps/throws.ts')}: the app failed: RangeError: LAB_ACCOUNT_FOR_TEST is not set: export the lab account id before synth (at test/fixtures/apps/throws.ts:9:23)`,
    ]);
  });

  it('an app that calls app.synth() itself: each refused annotation as construct path and message', async () => {
    const r = await synthApp(path.resolve('test/fixtures/apps/plain-synth.ts'));
    expect(r.code).toBe(2);
    expect(lines(r.stderr).map((l) => l.replace(/^nhi-guard: [^:]+: /, ''))).toEqual([
      'plain/Engine: maxSessionDuration 50000 must be a whole number of seconds from 3600 to 43200 (the range AWS allows for a role)',
      'plain/Engine: Action "*" is never granted; list the actions the workload calls',
    ]);
    noStack(r.stderr);
  });

  it('a syntax error in the app is one line naming the file, line and column; a missing app is exit 2 too', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-syntax-'));
    const app = path.join(dir, 'main.ts');
    writeFileSync(app, 'const stacks: string[] = [;\n');
    const r = await synthApp(app);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(`${app}:1:26: ERROR: Unexpected ";"`);
    noStack(r.stderr);
    const missing = await synthApp(path.join(dir, 'nope.ts'));
    expect(missing.code).toBe(2);
    expect(lines(missing.stderr)).toEqual([`nhi-guard: ${path.join(dir, 'nope.ts')}: no such cdktf app`]);
  });
});
