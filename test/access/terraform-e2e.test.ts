/**
 * The access map from a real terraform plan and from the state after apply, against moto
 * (test/fixtures/tf/access/main.tf says what each resource is for). The expectation is the
 * fixture's design, written out by hand. Never skipped: without terraform, the provider mirror or
 * moto this fails with the command that installs them.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { terraformWorkdir } from '../support/terraform.js';

const VENDOR_ROLE = 'arn:aws:iam::444455556666:role/analytics';
const PARTNER_ROLE = 'arn:aws:iam::444455556666:role/partner-imaging';
/** The partner's ARN is known only after apply: the plan names it by reference, the state by ARN. */
const PARTNER_REF = '${terraform_data.partner.output}';
const EXPECTED = [
  `s3 nhi-access-derm-images | ${VENDOR_ROLE} | read | resource-policy`,
  's3 nhi-access-derm-images | role derm-analytics | read | role-chain',
  's3 nhi-access-derm-images | role derm-reader | read | identity-policy',
  'secret derm/imaging-api | account 444455556666 | read | resource-policy',
];
const archive = (principal: string) => `s3 nhi-access-derm-archive | ${principal} | read | resource-policy`;
/** The records bucket's policy is known only after apply: no reach in the plan's map, the vendor's grant in the state's. */
const RECORDS = `s3 nhi-access-derm-records | ${VENDOR_ROLE} | read | resource-policy`;

interface Doc {
  stores: Array<{ label: string; reaches: Array<{ principal: { label: string }; levels: string[]; via: string }> }>;
}
const rows = (d: Doc) => d.stores.flatMap((s) => s.reaches.map((e) => `${s.label} | ${e.principal.label} | ${e.levels.join('+')} | ${e.via}`)).sort();

describe('access map of a real terraform configuration against moto', () => {
  let moto: MotoServer;
  let work: ReturnType<typeof terraformWorkdir> | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    work?.cleanup();
    await moto?.stop();
  });

  it(
    'plan and state: chain, boundary cut, bucket and key policy for a foreign role, secret policy, a bucket policy for a role known only after apply, a bucket policy known only after apply; NHI-LP-010 and NHI-UNK-001 on them',
    { timeout: 400_000 },
    async () => {
      work = terraformWorkdir(path.resolve('test/fixtures/tf/access'), moto.url, { prefix: 'nhi-tf-access-' });
      work.tf.init();
      const plan = path.join(work.dir, 'plan.json');
      writeFileSync(plan, JSON.stringify(work.tf.plan('access.tfplan')));

      const fromPlan = await runCli(['access', '--plan', plan, '--format', 'json', '--now', '2026-11-22']);
      expect(fromPlan.stderr).toBe('');
      expect(rows(JSON.parse(fromPlan.stdout) as Doc)).toEqual([archive(`unresolved ${PARTNER_REF}`), ...EXPECTED]);

      const check = await runCli(['check', '--plan', plan, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
      const findings = (JSON.parse(check.stdout) as { findings: Array<{ ruleId: string; message: string; resource: { address?: string } }> }).findings;
      const lp010 = findings
        .filter((f) => f.ruleId === 'NHI-LP-010')
        .map((f) => f.message.split(' reaches ')[0])
        .sort();
      expect(lp010).toEqual([
        `${VENDOR_ROLE} (outside this input) (another account)`,
        'every principal of account 444455556666 (another account)',
        `principal ${PARTNER_REF} (not resolved in this input) (no data-class known)`,
        'role derm-analytics (data-class internal)',
      ]);
      // The records bucket's policy is not silently absent: NHI-UNK-001 names it on the bucket; the
      // bucket policies the plan can read (images, archive) are not reported as unknown.
      const storeUnknowns = findings.filter((f) => f.ruleId === 'NHI-UNK-001' && f.message.includes('the access map of'));
      expect(storeUnknowns.map((f) => f.resource.address)).toEqual(['aws_s3_bucket.derm_records']);
      expect(storeUnknowns[0]!.message).toMatch(
        /^resource policy unknown until apply: .*the access map of s3 nhi-access-derm-records \(data-class phi\) cannot tell whom it admits$/,
      );

      work.tf.apply(['access.tfplan']);
      const state = path.join(work.dir, 'terraform.tfstate');
      const fromState = await runCli(['access', '--state', state, '--format', 'json', '--now', '2026-11-22']);
      expect(fromState.stderr).toBe('');
      expect(rows(JSON.parse(fromState.stdout) as Doc)).toEqual([archive(PARTNER_ROLE), ...EXPECTED, RECORDS].sort());
    },
  );
});
