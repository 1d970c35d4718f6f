/**
 * The bundled stacks applied exactly as declared: synthesized, planned and applied by the real
 * terraform against a moto server answering as the hospital's account (test/support/stacks-terraform.ts),
 * with `terraform show -json` of every plan and of every state written beside it. The declared
 * side of a drift run can then be the synth folder, the plans or the states.
 *
 * The stacks rotate secrets with Lambda functions they do not declare (the hospital's rotation
 * functions live elsewhere): moto refuses a rotation whose function does not exist, so a stub
 * function of each referenced name is created first, through moto's Lambda API. moto also fails
 * (HTTP 500, retried by the provider for many minutes) to rotate a secret that has no value yet,
 * which is how RotatedSecret declares them (the rotation function sets the first value). So a
 * stack with rotated secrets is applied in two steps: its secrets first (`-target`), then a
 * value is put in each (SECRET_VALUE_CANARY, which no output may show), then the whole stack.
 */
import { writeFileSync } from 'node:fs';
import { CreateRoleCommand, DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import path from 'node:path';
import { isObject } from '../../checks/io/files.js';
import { mapLimit } from '../../checks/live/recorder.js';
import type { MotoServer } from './moto.js';
import { initStack, planStack, runTerraform, stackWorkspace, synthStacks, type StackWorkspace, type SynthStack } from './stacks-terraform.js';
import { synthExamples } from './synth.js';

/** Plans and applies at once: the machine has 2 cores; each run starts the provider. */
const CONCURRENCY = 2;
/** An empty zip archive: moto's stub Lambda backend never runs the code. */
const EMPTY_ZIP = 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==';

/** The value put in every rotated secret before its rotation is applied: never in any output. */
export const SECRET_VALUE_CANARY = 'nhi-canary-rotated-secret-value-9Fq3Kx';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface AppliedStack {
  name: string;
  dir: string;
  /** `terraform show -json` of the plan that was applied. */
  planJson: string;
  /** `terraform show -json` of the state after apply. */
  stateJson: string;
}

export interface AppliedStacks {
  synthDir: string;
  stacks: AppliedStack[];
  workspace: StackWorkspace;
  cleanup(): void;
}

/** Addresses of the resources of one type in a synthesized stack. */
function addressesOf(doc: Record<string, unknown>, type: string): string[] {
  const byName = isObject(doc.resource) ? doc.resource[type] : undefined;
  return Object.keys(isObject(byName) ? byName : {}).map((n) => `${type}.${n}`);
}

/** Names of the secrets of a stack (literal `name` attributes). */
function secretNames(doc: Record<string, unknown>): string[] {
  const byName = isObject(doc.resource) ? doc.resource.aws_secretsmanager_secret : undefined;
  return Object.values(isObject(byName) ? byName : {}).flatMap((b) => (isObject(b) && typeof b.name === 'string' ? [b.name] : []));
}

/** Rotation Lambda ARNs the synthesized stacks name (aws_secretsmanager_secret_rotation). */
export function rotationLambdas(stacks: SynthStack[]): string[] {
  const out = new Set<string>();
  for (const s of stacks) {
    const byName = isObject(s.doc.resource) ? s.doc.resource.aws_secretsmanager_secret_rotation : undefined;
    for (const body of Object.values(isObject(byName) ? byName : {})) {
      if (isObject(body) && typeof body.rotation_lambda_arn === 'string' && !body.rotation_lambda_arn.includes('${')) out.add(body.rotation_lambda_arn);
    }
  }
  return [...out].sort();
}

/**
 * Creates a stub function for each ARN (moto's REST Lambda API; moto does not check signatures).
 * moto wants an execution role that Lambda may assume; it is deleted right after, so the account
 * holds nothing the stacks do not declare.
 */
export async function createStubLambdas(moto: MotoServer, arns: string[]): Promise<void> {
  if (arns.length === 0) return;
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.url, credentials });
  const roleName = 'nhi-test-stub-lambda';
  try {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    const role = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    for (const arn of arns) {
      const [, , , region, , , name] = arn.split(':');
      const res = await fetch(`${moto.url}/2015-03-31/functions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/lambda/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify({ FunctionName: name, Runtime: 'python3.12', Role: role.Role!.Arn, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP } }),
      });
      if (!res.ok) throw new Error(`moto refused the stub Lambda ${name}: HTTP ${res.status} ${await res.text()}`);
    }
    await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
  } finally {
    iam.destroy();
  }
}

/** Synth, init, plan, apply and `show -json` of every bundled stack against `moto`. */
export async function applyBundledStacks(moto: MotoServer): Promise<AppliedStacks> {
  const synthDir = synthExamples();
  const synth = synthStacks(synthDir);
  await createStubLambdas(moto, rotationLambdas(synth));
  const workspace = stackWorkspace(synth, moto.url, { prefix: 'nhi-applied-stacks-' });
  try {
    for (const w of workspace.stacks) await initStack(w);
    const plans = await mapLimit(workspace.stacks, CONCURRENCY, planStack);
    const planOf = new Map(plans.map((p) => [p.name, p]));
    const docOf = new Map(synth.map((s) => [s.name, s.doc]));
    const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials });
    const apply = (w: StackWorkspace['stacks'][number], args: string[]) =>
      runTerraform(w.tf, ['apply', '-no-color', '-input=false', '-lock=false', '-auto-approve', ...args]);
    const stacks = await mapLimit(workspace.stacks, CONCURRENCY, async (w) => {
      const plan = planOf.get(w.name)!;
      const doc = docOf.get(w.name)!;
      if (addressesOf(doc, 'aws_secretsmanager_secret_rotation').length === 0) await apply(w, [plan.planFile]);
      else {
        await apply(
          w,
          addressesOf(doc, 'aws_secretsmanager_secret').map((a) => `-target=${a}`),
        );
        for (const name of secretNames(doc)) await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: SECRET_VALUE_CANARY }));
        await apply(w, []);
      }
      const { stdout } = await runTerraform(w.tf, ['show', '-json', '-no-color']);
      const stateJson = path.join(w.dir, 'state.json');
      writeFileSync(stateJson, stdout);
      return { name: w.name, dir: w.dir, planJson: plan.jsonFile, stateJson };
    });
    sm.destroy();
    return { synthDir, stacks, workspace, cleanup: () => workspace.cleanup() };
  } catch (e) {
    workspace.cleanup();
    throw e;
  }
}
