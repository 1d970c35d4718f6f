/**
 * Regenerates the terraform plan and state fixtures with REAL terraform against a moto server:
 *
 *   test/fixtures/tf/estate/         HCL (module with for_each, name_prefix, policy documents, ...)
 *   test/fixtures/plans/estate-create.json        show -json of the first plan (everything created)
 *   test/fixtures/state/estate-show.json          show -json of the state after apply
 *   test/fixtures/state/estate.tfstate            the raw terraform.tfstate (version 4)
 *   test/fixtures/plans/estate-delete-role.json   show -json of a plan after legacy.tf is removed
 *
 * Usage: npx tsx scripts/gen-fixtures.ts   (TF_PROVIDER_MIRROR: folder with the AWS provider)
 * The fixtures are committed: tests read them without terraform.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMoto } from '../test/support/moto.js';
import { terraformWorkdir } from '../test/support/terraform.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

function writeJson(file: string, doc: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

async function main(): Promise<void> {
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
