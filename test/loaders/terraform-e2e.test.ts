/**
 * End to end with the real tools: terraform plans the fixture estate against a moto server, and
 * the plan loader reads `terraform show -json` of it. Never skipped: without terraform, the AWS
 * provider mirror or moto this fails with the command that installs them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlan } from '../../checks/loaders/plan.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { CANARY, ESTATE_HCL, ESTATE_IDENTITIES } from '../support/estate.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { terraformWorkdir } from '../support/terraform.js';

describe('real terraform plan against moto', () => {
  let moto: MotoServer;
  let work: ReturnType<typeof terraformWorkdir> | undefined;

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    work?.cleanup();
    await moto?.stop();
  });

  it('plans the estate and loads the plan into the Inventory without the secret value', { timeout: 400_000 }, async () => {
    work = terraformWorkdir(ESTATE_HCL, moto.url, { prefix: 'nhi-tf-e2e-' });
    work.tf.init();
    const doc = work.tf.plan('e2e.tfplan');
    expect(JSON.stringify(doc)).toContain(CANARY);
    const file = path.join(work.dir, 'plan.json');
    writeFileSync(file, JSON.stringify(doc));

    const inv = await loadPlan(file);
    expect(check('inventory', inv)).toBeNull();
    expect(inv.identities.map((i) => i.id).sort()).toEqual([...ESTATE_IDENTITIES].sort());
    const etl = inv.identities.find((i) => i.id === 'aws_iam_role.etl')!;
    expect(etl.name).toBeNull();
    expect(etl.policies.map((l) => l.policy)).toContain('aws_iam_role_policy.etl_read');
    expect(inv.credentials.find((c) => c.kind === 'secret')?.value).toEqual({ present: true, literal: true });
    expect(JSON.stringify(inv)).not.toContain(CANARY);

    const r = await runCli(['check', '--plan', file, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22']);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain(CANARY);

    // Apply, then read the state back: the same identities exist, with names.
    work.tf.apply(['e2e.tfplan']);
    const state = path.join(work.dir, 'terraform.tfstate');
    const s = await runCli(['inventory', '--state', state, '--format', 'json', '--now', '2026-11-22']);
    expect(s.stderr).toBe('');
    const live = JSON.parse(s.stdout) as { identities: Array<{ id: string; name: string | null; change: string }> };
    expect(live.identities).toHaveLength(6);
    expect(live.identities.every((i) => i.name && i.change === 'existing')).toBe(true);
    expect(s.stdout).not.toContain(CANARY);
  });
});
