/**
 * The HTML report's PHI stores section links each store to the NHI-LP-008 findings that name it by
 * the store ids (and kinds) the finding carries, not by its message: a KMS key whose description
 * reads like a list of stores ("imaging key, s3 derm-billing") must not pull the findings about it
 * into the row of the bucket derm-billing. Rendered in headless Chromium from `check --synth`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { chromium } from '../support/chromium.js';
import { runCli } from '../support/cli.js';

const PHI = { owner: 'dermatology', 'data-class': 'phi' };
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const role = (name: string) => ({
  name,
  assume_role_policy: TRUST,
  tags: { owner: 'analytics', 'data-class': 'internal', purpose: 'reporting', 'expires-on': '2027-06-30' },
});
const inline = (roleRef: string) => ({
  name: `${roleRef}-read`,
  role: `\${aws_iam_role.${roleRef}.name}`,
  policy: `\${data.aws_iam_policy_document.${roleRef}.json}`,
});

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function synthDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'nhi-phi-links-'));
  made.push(d);
  mkdirSync(path.join(d, 'stacks', 'derm'), { recursive: true });
  writeFileSync(
    path.join(d, 'manifest.json'),
    JSON.stringify({ version: '0.21.0', stacks: { derm: { name: 'derm', synthesizedStackPath: 'stacks/derm/cdk.tf.json' } } }),
  );
  const stack = {
    data: {
      aws_iam_policy_document: {
        // Names the key and the images bucket: its message lists "kms imaging key, s3 derm-billing, s3 derm-images".
        analytics: {
          statement: [
            { effect: 'Allow', actions: ['kms:Decrypt'], resources: ['${aws_kms_key.images.arn}'] },
            { effect: 'Allow', actions: ['s3:GetObject'], resources: ['${aws_s3_bucket.images.arn}/*'] },
          ],
        },
        // Every bucket (Resource "*"): linked to every phi bucket by kind.
        everything: { statement: [{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'] }] },
      },
    },
    resource: {
      aws_kms_key: { images: { description: 'imaging key, s3 derm-billing', tags: PHI } },
      aws_s3_bucket: { images: { bucket: 'derm-images', tags: PHI }, billing: { bucket: 'derm-billing', tags: PHI } },
      aws_iam_role: { analytics: role('derm-analytics'), everything: role('derm-everything') },
      aws_iam_role_policy: { analytics: inline('analytics'), everything: inline('everything') },
    },
  };
  writeFileSync(path.join(d, 'stacks', 'derm', 'cdk.tf.json'), JSON.stringify(stack));
  return d;
}

describe('PHI stores linked to their NHI-LP-008 findings by id', () => {
  it('a store name that reads like a list of stores links only itself; a grant on "*" links every store of its kind', async () => {
    const dir = synthDir();
    const json = await runCli(['check', '--synth', dir, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    expect(json.stderr).toBe('');
    const doc = JSON.parse(json.stdout) as FindingsDocument;
    expect(check('findings', doc)).toBeNull();
    const ids = new Map(doc.phiStores!.map((s) => [`${s.kind} ${s.name}`, s.id]));
    const lp008 = doc.findings.filter((f) => f.ruleId === 'NHI-LP-008').map((f) => [f.identity, f.stores ?? [], f.storeKinds ?? []]);
    expect(lp008.sort()).toEqual([
      ['derm-analytics', [ids.get('kms imaging key, s3 derm-billing'), ids.get('s3 derm-images')].sort(), []],
      ['derm-everything', [], ['s3']],
    ]);
    // The message still names the stores as before.
    expect(doc.findings.find((f) => f.identity === 'derm-analytics' && f.ruleId === 'NHI-LP-008')!.message).toContain(
      'act on data-class phi stores: kms imaging key, s3 derm-billing, s3 derm-images',
    );

    const page = path.join(dir, 'report.html');
    const html = await runCli(['check', '--synth', dir, '--format', 'html', '--output', page, '--fail-on', 'none', '--now', '2026-11-22']);
    expect(html.code, html.stderr).toBe(0);
    const dom = chromium(['--dump-dom'], page);
    const table = dom.slice(dom.indexOf('<h2 id="phi-stores">'), dom.indexOf('<h2 id="phi-access">'));
    const rows = [...table.matchAll(/<tr class="phi-store" data-store="([^"]*)"[^>]*data-lp008="(\d+)">(.*?)<\/tr>/g)].map((m) => {
      const cells = [...m[3]!.matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1]!);
      const who = [...cells[5]!.matchAll(/<span class="sub">([^:<]*):/g)].map((x) => x[1]).sort();
      return `${cells[2]!.replace(/<span.*$/, '')} | ${m[2]} | ${who.join(', ')}`;
    });
    expect(rows.sort()).toEqual([
      'kms imaging key, s3 derm-billing | 1 | derm-analytics',
      // Only the grant on every bucket: the key's description is not a link.
      's3 derm-billing | 1 | derm-everything',
      's3 derm-images | 2 | derm-analytics, derm-everything',
    ]);
  }, 120_000);
});
