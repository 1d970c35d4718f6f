/**
 * The access map of the bundled hospital (stacks/), asserted exactly. The expectation is written
 * from reading the stacks, not from the output:
 * - hl7-interface-engine (legacy-hl7) has Action "*" on "*": read, write and admin on every store.
 * - Each PhiDataStore grant: grantBucket/grantTable 'read-write' give read and write, 'read' gives
 *   read; the read needs kms:Decrypt on the store's key, which grantKey adds (default key policy).
 * - RotatedSecret.grantRead gives read of the secret value (and kms:Decrypt for a phi secret's key).
 * - ed-break-glass is trusted (with MFA) by role ed-oncall-physician-leads of the same account,
 *   which is not declared: it reaches the downtime reports through the chain.
 * - The PACS vendor exports bucket is data-class internal, the terraform state bucket is not
 *   declared, and the scanner's secretsmanager:DescribeSecret reads no secret value: none is mapped.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../stacks/main.js';
import { runCli } from '../support/cli.js';
import { check } from '../../checks/schemas/index.js';
import { NOW } from '../stacks/helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-access-'));
  const { app } = buildApp(dir, NOW);
  app.synth();
});

const RWA = 'read+write+admin';
const EXPECTED = [
  'dynamodb stmary-portal-messages | role hl7-interface-engine | ' + RWA + ' | identity-policy',
  'dynamodb stmary-portal-messages | role patient-portal-api | read+write | identity-policy',
  'dynamodb stmary-portal-messages | role patient-portal-notifier | read | identity-policy',
  's3 stmary-claims-outbound | role claims-837-submitter | read+write | identity-policy',
  's3 stmary-claims-outbound | role hl7-interface-engine | ' + RWA + ' | identity-policy',
  's3 stmary-ehr-downtime-reports | arn:aws:iam::111122223333:role/ed-oncall-physician-leads | read | role-chain',
  's3 stmary-ehr-downtime-reports | role ed-break-glass | read | identity-policy',
  's3 stmary-ehr-downtime-reports | role hl7-interface-engine | ' + RWA + ' | identity-policy',
  's3 stmary-lab-results-inbound | role hl7-interface-engine | ' + RWA + ' | identity-policy',
  's3 stmary-lab-results-inbound | role lab-results-exchange | read+write | identity-policy',
  'secret claims/clearinghouse/sftp | role claims-837-submitter | read | identity-policy',
  'secret claims/clearinghouse/sftp | role hl7-interface-engine | ' + RWA + ' | identity-policy',
  'secret telehealth/sms-gateway/api-key | role hl7-interface-engine | ' + RWA + ' | identity-policy',
  'secret telehealth/sms-gateway/api-key | role telehealth-session-broker | read | identity-policy',
  'secret telehealth/video-platform/api-key | role hl7-interface-engine | ' + RWA + ' | identity-policy',
  'secret telehealth/video-platform/api-key | role telehealth-session-broker | read | identity-policy',
];

interface Doc {
  stores: Array<{
    label: string;
    dataClass: string;
    owner?: string;
    reaches: Array<{ principal: { label: string }; levels: string[]; via: string; route: string }>;
  }>;
  delta?: { gained: unknown[]; lost: unknown[] };
}

describe('nhi-guard access on the bundled stacks', () => {
  it('maps exactly who reaches each phi and pii store, and validates against the shipped schema', async () => {
    const r = await runCli(['access', '--synth', dir, '--format', 'json', '--now', '2026-11-22']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(check('accessMap', doc)).toBeNull();
    const rows = doc.stores.flatMap((s) => s.reaches.map((e) => `${s.label} | ${e.principal.label} | ${e.levels.join('+')} | ${e.via}`)).sort();
    expect(rows).toEqual([...EXPECTED].sort());
    expect(doc.stores.map((s) => `${s.label} ${s.dataClass} ${s.owner}`)).toContain('secret telehealth/sms-gateway/api-key pii digital-health');
    const chain = doc.stores.find((s) => s.label === 's3 stmary-ehr-downtime-reports')!.reaches.find((e) => e.via === 'role-chain')!;
    expect(chain.route).toMatch(
      /^arn:aws:iam::111122223333:role\/ed-oncall-physician-leads → assumes role ed-break-glass \(trust statement #0 admits it if aws:MultiFactorAuthPresent match\) → ed-break-glass-permissions #0 allows s3:GetObject → s3 stmary-ehr-downtime-reports → decrypts with KMS key/,
    );
  });

  it('the bundled stacks pass NHI-LP-010 and NHI-LP-011 (every reach is phi-classified or own-account, at most 3 per store); a lower phiMaxReach names the stores with 3', async () => {
    const r = await runCli(['check', '--synth', dir, '--format', 'json', '--now', '2026-11-22', '--fail-on', 'none']);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> };
    expect(doc.findings.filter((f) => f.ruleId === 'NHI-LP-010' || f.ruleId === 'NHI-LP-011')).toEqual([]);
    // With phiMaxReach 2, the two stores reached by three principals exceed it.
    const data = path.join(dir, 'tight.json');
    writeFileSync(data, JSON.stringify({ phiMaxReach: 2 }));
    const tight = await runCli(['check', '--synth', dir, '--format', 'json', '--now', '2026-11-22', '--fail-on', 'none', '--data', data]);
    const lp011 = (JSON.parse(tight.stdout) as { findings: Array<{ ruleId: string; resource: { name: string } }> }).findings.filter(
      (f) => f.ruleId === 'NHI-LP-011',
    );
    expect(lp011.map((f) => f.resource.name).sort()).toEqual(['stmary-ehr-downtime-reports', 'stmary-portal-messages']);
  });

  it('renders text, Markdown and HTML; against a baseline of itself the delta is empty', async () => {
    const base = path.join(dir, 'access.json');
    expect((await runCli(['access', '--synth', dir, '--format', 'json', '--output', base, '--now', '2026-11-22'])).code).toBe(0);
    const md = await runCli(['access', '--synth', dir, '--format', 'markdown', '--baseline', base, '--now', '2026-11-22']);
    expect(md.stdout).toContain('### Access changes against the baseline: 0 gained, 0 lost');
    expect(md.stdout).toContain('| role patient-portal-notifier | read | own policy |');
    const text = await runCli(['access', '--synth', dir, '--now', '2026-11-22']);
    expect(text.stdout).toContain('s3 stmary-ehr-downtime-reports (data-class phi, owner clinical-informatics): 3 principals');
    const html = await runCli(['access', '--synth', dir, '--format', 'html', '--now', '2026-11-22']);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(html.stdout).toContain('<h3>secret telehealth/video-platform/api-key (data-class phi, owner digital-health): 2 principals</h3>');
  });

  it('docs/access-map.md shows the map the stacks give today (its generated part, headings as ####)', async () => {
    const doc = readFileSync(path.resolve('docs/access-map.md'), 'utf8');
    const start = doc.indexOf('<!-- generated: nhi-guard access --synth cdktf.out --format markdown --now 2026-11-22');
    const end = doc.indexOf('<!-- end of generated map -->');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const shown = doc.slice(doc.indexOf('\n', start) + 1, end).trim();
    const md = await runCli(['access', '--synth', dir, '--format', 'markdown', '--now', '2026-11-22']);
    expect(md.code, md.stderr).toBe(0);
    const current = md.stdout
      .replace('<!-- nhi-guard-access -->\n', '')
      .trim()
      .replace(/^#{2,3} /gm, '#### ');
    // On a difference: paste the command's output there (headings as ####).
    expect(shown).toBe(current);
  });

  it('a baseline that is not an access map is refused with exit 2 and one line naming the file', async () => {
    const r = await runCli(['access', '--synth', dir, '--baseline', path.join(dir, 'manifest.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nhi-guard: .*manifest\.json.*access map/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
