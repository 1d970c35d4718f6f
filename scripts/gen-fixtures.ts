/**
 * Regenerates the terraform plan and state fixtures with REAL terraform against a moto server:
 *
 *   test/fixtures/tf/estate/         HCL (module with for_each, name_prefix, policy documents, ...)
 *   test/fixtures/plans/estate-create.json        show -json of the first plan (everything created)
 *   test/fixtures/state/estate-show.json          show -json of the state after apply
 *   test/fixtures/state/estate.tfstate            the raw terraform.tfstate (version 4)
 *   test/fixtures/plans/estate-delete-role.json   show -json of a plan after legacy.tf is removed
 *   test/fixtures/tf/rules/          HCL: a violating case and a compliant look-alike per static rule
 *   test/fixtures/plans/rules-create.json         show -json of its plan
 *   test/fixtures/state/rules-show.json           show -json of the state after apply
 *   test/fixtures/tf/instances/      HCL: for_each/count instances referencing each other by key
 *   test/fixtures/plans/instances-create.json     show -json of its plan
 *   test/fixtures/state/instances-refreshed.json  show -json of its state, applied and refreshed (echo attributes)
 *   test/fixtures/plans/instances-drift.json      a plan after out-of-band changes (resource_drift)
 *
 * Usage: npx tsx scripts/gen-fixtures.ts [estate] [rules] [instances]   (default both; TF_PROVIDER_MIRROR:
 * folder with the AWS provider)
 * The fixtures are committed: tests read them without terraform.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IAMClient, PutRolePolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { startMoto } from '../test/support/moto.js';
import { terraformWorkdir, type Terraform } from '../test/support/terraform.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

function writeJson(file: string, doc: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

/** Runs terraform without blocking the event loop; resolves with stdout, rejects with terraform's message. */
function runAsync(tf: Terraform, args: string[], timeoutMs = 1_200_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tf.bin, args, { cwd: tf.dir, env: tf.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('error', (e) => reject(new Error(`terraform ${args.join(' ')}: ${e.message}`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else reject(new Error(`terraform ${args.join(' ')} failed (exit ${code}) in ${tf.dir}:\n${Buffer.concat(err).toString('utf8')}\n${stdout.slice(-4000)}`));
    });
  });
}

/** One HCL folder in a terraform work folder against a moto server of its own (an empty account). */
async function withEstate(name: string, work: (tf: Terraform, motoUrl: string) => Promise<void>): Promise<void> {
  const moto = await startMoto();
  const dir = terraformWorkdir(path.join(FIXTURES, 'tf', name), moto.url, { prefix: `nhi-fixtures-${name}-` });
  try {
    dir.tf.init();
    await work(dir.tf, moto.url);
  } finally {
    dir.cleanup();
    await moto.stop();
  }
}

// Terraform runs asynchronously so that moto's request log keeps draining (a synchronous run
// blocks the event loop; a large apply would stall moto).
const planTo = (tf: Terraform, planFile: string) => runAsync(tf, ['plan', '-no-color', '-input=false', '-lock=false', `-out=${planFile}`]);
const showJson = async (tf: Terraform, planFile?: string) =>
  JSON.parse(await runAsync(tf, ['show', '-json', '-no-color', ...(planFile ? [planFile] : [])])) as unknown;
const applyPlan = (tf: Terraform, planFile: string) => runAsync(tf, ['apply', '-no-color', '-input=false', '-lock=false', '-auto-approve', planFile]);

/** The rules estate: about a hundred resources, planned and applied. */
async function rules(): Promise<void> {
  await withEstate('rules', async (tf) => {
    await planTo(tf, 'create.tfplan');
    writeJson(path.join(FIXTURES, 'plans', 'rules-create.json'), await showJson(tf, 'create.tfplan'));
    await applyPlan(tf, 'create.tfplan');
    writeJson(path.join(FIXTURES, 'state', 'rules-show.json'), await showJson(tf));
  });
}

/** Instances that reference each other by key: the plan, the state after apply and a refresh, and a plan after out-of-band changes. */
async function instances(): Promise<void> {
  await withEstate('instances', async (tf, motoUrl) => {
    await planTo(tf, 'create.tfplan');
    writeJson(path.join(FIXTURES, 'plans', 'instances-create.json'), await showJson(tf, 'create.tfplan'));
    // Applied, then refreshed: the roles now echo their inline policies and attachments.
    await applyPlan(tf, 'create.tfplan');
    await runAsync(tf, ['apply', '-refresh-only', '-no-color', '-input=false', '-lock=false', '-auto-approve']);
    const state = (await showJson(tf)) as { values: { root_module: { resources: Array<{ address: string; values: Record<string, unknown> }> } } };
    writeJson(path.join(FIXTURES, 'state', 'instances-refreshed.json'), state);
    // Out of band, as a colleague in the console would: a role's tags changed and a policy widened.
    const nameOf = (address: string) => String(state.values.root_module.resources.find((r) => r.address === address)?.values.name);
    const iam = new IAMClient({ region: 'us-east-1', endpoint: motoUrl, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await iam.send(new TagRoleCommand({ RoleName: nameOf('aws_iam_role.counted[1]'), Tags: [{ Key: 'owner', Value: 'someone-in-the-console' }] }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: nameOf('aws_iam_role.feed["orm"]'),
        PolicyName: 'feed-orm',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      }),
    );
    await planTo(tf, 'drift.tfplan');
    writeJson(path.join(FIXTURES, 'plans', 'instances-drift.json'), await showJson(tf, 'drift.tfplan'));
  });
}

async function main(): Promise<void> {
  const which = process.argv.slice(2);
  for (const w of which) if (!['estate', 'rules', 'instances'].includes(w)) throw new Error(`unknown fixture set ${w}: estate, rules or instances`);
  if (which.length === 0 || which.includes('estate')) await estate();
  if (which.length === 0 || which.includes('rules')) await rules();
  if (which.length === 0 || which.includes('instances')) await instances();
}

async function estate(): Promise<void> {
  const moto = await startMoto();
  const work = terraformWorkdir(path.join(FIXTURES, 'tf', 'estate'), moto.url, { prefix: 'nhi-fixtures-' });
  try {
    const { tf, dir } = work;
    tf.init();
    writeJson(path.join(FIXTURES, 'plans', 'estate-create.json'), tf.plan('create.tfplan'));
    tf.run(['apply', '-no-color', '-input=false', '-lock=false', '-auto-approve', 'create.tfplan']);
    writeJson(path.join(FIXTURES, 'state', 'estate-show.json'), tf.showJson());
    copyFileSync(path.join(dir, 'terraform.tfstate'), path.join(FIXTURES, 'state', 'estate.tfstate'));
    console.log('wrote test/fixtures/state/estate.tfstate');
    rmSync(path.join(dir, 'legacy.tf'));
    writeJson(path.join(FIXTURES, 'plans', 'estate-delete-role.json'), tf.plan('delete.tfplan'));
  } finally {
    work.cleanup();
    await moto.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
