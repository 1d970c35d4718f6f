/**
 * Live configurations of one region, read-only, for NHI-ROT-008 (credentials in plain
 * configuration) and NHI-TR-007 (instance credentials served by IMDSv1). Calls grow with pages,
 * except where AWS returns the configuration only per element:
 *   - Lambda ListFunctions (pages; the environment variables come with each function's $LATEST
 *     configuration)
 *   - ECS ListTaskDefinitions (pages; ACTIVE revisions) + DescribeTaskDefinition per revision
 *   - SSM DescribeParameters (pages; String and StringList only) + GetParameters per 10 names,
 *     never WithDecryption: a SecureString value is never read
 *   - EC2 DescribeInstances (pages; not terminated) + DescribeInstanceAttribute userData per
 *     instance, DescribeLaunchTemplateVersions (pages; $Default and $Latest of every template,
 *     one account-wide call)
 *   - Auto Scaling DescribeAutoScalingGroups (pages)
 *   - Batch DescribeJobDefinitions (pages; ACTIVE revisions, each with its container properties)
 * Per-element calls run at most `concurrency` at once. Every value (environment variable,
 * parameter, user data) is scanned in memory by checks/live/mapConfig.ts and dropped: the
 * Inventory keeps the attribute path and the kind of credential only. A failure is a gap naming
 * the element; collection goes on.
 */
import { paginateListFunctions } from '@aws-sdk/client-lambda';
import { DescribeTaskDefinitionCommand, paginateListTaskDefinitions } from '@aws-sdk/client-ecs';
import { GetParametersCommand, paginateDescribeParameters } from '@aws-sdk/client-ssm';
import {
  DescribeInstanceAttributeCommand,
  paginateDescribeInstances,
  paginateDescribeLaunchTemplateVersions,
  type Instance,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import { paginateDescribeAutoScalingGroups } from '@aws-sdk/client-auto-scaling';
import { paginateDescribeJobDefinitions } from '@aws-sdk/client-batch';
import type { Compute, PlainCredential } from '../model.js';
import type { AwsClients } from './aws.js';
import type { LiveContext } from './map.js';
import {
  instanceArn,
  jobDefinitionCredentials,
  lambdaCredentials,
  launchTemplateArn,
  mapAutoScalingGroup,
  mapInstance,
  mapLaunchTemplateVersion,
  parameterCredentials,
  taskDefinitionCredentials,
  templateIndex,
  userDataCredentials,
} from './mapConfig.js';
import type { Recorder } from './recorder.js';

export type ConfigClients = Pick<AwsClients, 'lambda' | 'ecs' | 'ssm' | 'ec2' | 'autoscaling' | 'batch' | 'region'>;

export interface RegionalConfig {
  plainCredentials: PlainCredential[];
  compute: Compute[];
}

/** GetParameters takes at most 10 names. */
const PARAMETER_BATCH = 10;

/** The configurations of one region. `account` builds instance and launch template ARNs. */
export async function regionalConfig(
  c: ConfigClients,
  rec: Recorder,
  ctx: LiveContext,
  account: string | undefined,
  partition: string,
  concurrency: number,
): Promise<RegionalConfig> {
  const [fns, tasks, jobs, params, ec2] = await Promise.all([
    functions(c, rec, ctx),
    taskDefinitions(c, rec, ctx, concurrency),
    jobDefinitions(c, rec, ctx),
    parameters(c, rec, ctx, concurrency),
    compute(c, rec, ctx, account, partition, concurrency),
  ]);
  return { plainCredentials: [...fns, ...tasks, ...jobs, ...params, ...ec2.plainCredentials], compute: ec2.compute };
}

/** Batch job definitions (ACTIVE revisions): DescribeJobDefinitions returns the container properties with each. */
async function jobDefinitions(c: ConfigClients, rec: Recorder, ctx: LiveContext): Promise<PlainCredential[]> {
  const pages = await rec.pages(
    'batch',
    'DescribeJobDefinitions',
    () => paginateDescribeJobDefinitions({ client: c.batch, pageSize: 100 }, { status: 'ACTIVE' }),
    c.region,
    true,
  );
  const out: PlainCredential[] = [];
  for (const d of pages.flatMap((p) => p.jobDefinitions ?? [])) out.push(...(await jobDefinitionCredentials(d, ctx)));
  return out;
}

async function functions(c: ConfigClients, rec: Recorder, ctx: LiveContext): Promise<PlainCredential[]> {
  const pages = await rec.pages('lambda', 'ListFunctions', () => paginateListFunctions({ client: c.lambda, pageSize: 50 }, {}), c.region, true);
  const out: PlainCredential[] = [];
  for (const f of pages.flatMap((p) => p.Functions ?? [])) out.push(...(await lambdaCredentials(f, ctx)));
  return out;
}

async function taskDefinitions(c: ConfigClients, rec: Recorder, ctx: LiveContext, concurrency: number): Promise<PlainCredential[]> {
  const region = c.region;
  const pages = await rec.pages(
    'ecs',
    'ListTaskDefinitions',
    () => paginateListTaskDefinitions({ client: c.ecs, pageSize: 100 }, { status: 'ACTIVE' }),
    region,
    true,
  );
  const arns = pages.flatMap((p) => p.taskDefinitionArns ?? []);
  const per = await rec.each(
    arns,
    concurrency,
    `task definitions (${region})`,
    async (arn) => {
      const r = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      return r.taskDefinition ? taskDefinitionCredentials(r.taskDefinition, ctx) : [];
    },
    (arn, e) => {
      rec.gap('ecs', 'DescribeTaskDefinition', e, { region, target: arn });
      return [];
    },
  );
  return per.flat();
}

async function parameters(c: ConfigClients, rec: Recorder, ctx: LiveContext, concurrency: number): Promise<PlainCredential[]> {
  const region = c.region;
  const pages = await rec.pages(
    'ssm',
    'DescribeParameters',
    () => paginateDescribeParameters({ client: c.ssm, pageSize: 50 }, { ParameterFilters: [{ Key: 'Type', Values: ['String', 'StringList'] }] }),
    region,
    true,
  );
  // The filter is the service's; the type is checked again so that a SecureString is never asked for.
  const names = pages
    .flatMap((p) => p.Parameters ?? [])
    .filter((p) => p.Name && (p.Type === 'String' || p.Type === 'StringList'))
    .map((p) => p.Name!);
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += PARAMETER_BATCH) batches.push(names.slice(i, i + PARAMETER_BATCH));
  const per = await rec.each(
    batches,
    concurrency,
    `parameters (${region})`,
    async (batch) => {
      const r = await c.ssm.send(new GetParametersCommand({ Names: batch, WithDecryption: false }));
      const out: PlainCredential[] = [];
      for (const p of r.Parameters ?? []) out.push(...(await parameterCredentials(p, ctx)));
      return out;
    },
    (batch, e) => {
      rec.gap('ssm', 'GetParameters', e, { region, target: batch.join(',') });
      return [];
    },
  );
  return per.flat();
}

/** Instance states that still run or can start again with their profile and user data. */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

async function compute(
  c: ConfigClients,
  rec: Recorder,
  ctx: LiveContext,
  account: string | undefined,
  partition: string,
  concurrency: number,
): Promise<RegionalConfig> {
  const region = c.region;
  const [instancePages, versionPages, groupPages] = await Promise.all([
    rec.pages(
      'ec2',
      'DescribeInstances',
      () => paginateDescribeInstances({ client: c.ec2, pageSize: 1000 }, { Filters: [{ Name: 'instance-state-name', Values: LIVE_STATES }] }),
      region,
    ),
    rec.pages(
      'ec2',
      'DescribeLaunchTemplateVersions',
      () => paginateDescribeLaunchTemplateVersions({ client: c.ec2, pageSize: 200 }, { Versions: ['$Default', '$Latest'] }),
      region,
    ),
    rec.pages('autoscaling', 'DescribeAutoScalingGroups', () => paginateDescribeAutoScalingGroups({ client: c.autoscaling, pageSize: 100 }, {}), region, true),
  ]);
  const instances: Array<{ i: Instance; arn: string }> = [];
  for (const r of instancePages.flatMap((p) => p.Reservations ?? [])) {
    const owner = account ?? r.OwnerId;
    for (const i of r.Instances ?? []) if (i.InstanceId && owner) instances.push({ i, arn: instanceArn(partition, region, owner, i.InstanceId) });
  }
  const out: RegionalConfig = { plainCredentials: [], compute: instances.map(({ i, arn }) => mapInstance(i, arn, ctx)) };
  const userData = await rec.each(
    instances,
    concurrency,
    `instance user data (${region})`,
    async ({ i, arn }) => {
      const r = await c.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId, Attribute: 'userData' }));
      return userDataCredentials(arn, 'aws_instance', tagsName(i) ?? i.InstanceId ?? null, r.UserData?.Value, ctx);
    },
    ({ i }, e) => {
      rec.gap('ec2', 'DescribeInstanceAttribute', e, { region, target: i.InstanceId! });
      return [];
    },
  );
  out.plainCredentials.push(...userData.flat());

  // $Default and $Latest of each template; the same version listed twice is read once.
  const seen = new Set<string>();
  const versions: Array<{ v: LaunchTemplateVersion; compute: Compute }> = [];
  for (const v of versionPages.flatMap((p) => p.LaunchTemplateVersions ?? [])) {
    const owner = account ?? /^arn:[^:]+:iam::(\d{12}):/.exec(v.CreatedBy ?? '')?.[1];
    if (!v.LaunchTemplateId || !owner) continue;
    const key = `${v.LaunchTemplateId} ${v.VersionNumber}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const arn = launchTemplateArn(partition, region, owner, v.LaunchTemplateId);
    const cmp = mapLaunchTemplateVersion(v, arn, ctx);
    versions.push({ v, compute: cmp });
    out.compute.push(cmp);
    out.plainCredentials.push(...(await userDataCredentials(cmp.id, 'aws_launch_template', cmp.name, v.LaunchTemplateData?.UserData, ctx)));
  }
  const index = templateIndex(versions);
  for (const g of groupPages.flatMap((p) => p.AutoScalingGroups ?? [])) {
    const cmp = mapAutoScalingGroup(g, index, ctx);
    if (cmp) out.compute.push(cmp);
  }
  return out;
}

function tagsName(i: Instance): string | undefined {
  return i.Tags?.find((t) => t.Key === 'Name')?.Value || undefined;
}
