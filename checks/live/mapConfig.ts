/**
 * Mapping from AWS API responses to the configuration facts of a live Inventory (no I/O):
 * credentials in plain configuration (NHI-ROT-008) and compute with an instance profile
 * (NHI-TR-007). Values are scanned here and dropped: a PlainCredential names the holder, the
 * attribute path (terraform's spelling, as the plan and state loaders write it) and the kind of
 * credential, never the value; nothing else of an environment, a parameter or user data is kept.
 *
 * Ids are ARNs (unique across regions and accounts, stable across runs); a launch template's
 * $Latest version, when it is not the default one, is `<template ARN>#$Latest`.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { JobDefinition } from '@aws-sdk/client-batch';
import type { Parameter } from '@aws-sdk/client-ssm';
import type { Instance, LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { credentialKinds } from '../loaders/credentialScan.js';
import { fromBase64, scriptKinds } from '../loaders/plainConfig.js';
import type { Compute, Origin, PlainCredential } from '../model.js';
import { tagsOf, type LiveContext } from './map.js';

function origin(ctx: LiveContext, arn: string): Origin {
  return { source: 'live', file: ctx.file, arn };
}

function fact(holder: string, holderType: string, name: string | null, path: string, kind: string, ctx: LiveContext): PlainCredential {
  return { id: `${holder}#${path}:${kind}`, holderType, name, path, kind, change: 'existing', origin: origin(ctx, holder) };
}

/** Facts of named values (environment variables): one per variable and kind. */
async function namedValues(
  holder: string,
  holderType: string,
  name: string | null,
  pairs: Array<[string, string, string]>,
  ctx: LiveContext,
): Promise<PlainCredential[]> {
  const out: PlainCredential[] = [];
  for (const [path, key, value] of pairs) for (const kind of await credentialKinds(key, value)) out.push(fact(holder, holderType, name, path, kind, ctx));
  return out;
}

/** A Lambda function's environment variables (ListFunctions returns them with the configuration). */
export async function lambdaCredentials(f: FunctionConfiguration, ctx: LiveContext): Promise<PlainCredential[]> {
  const vars = f.Environment?.Variables;
  if (!f.FunctionArn || !vars) return [];
  const pairs = Object.keys(vars).flatMap((k): Array<[string, string, string]> => {
    const v = vars[k];
    return typeof v === 'string' ? [[`environment[0].variables.${k}`, k, v]] : [];
  });
  return namedValues(f.FunctionArn, 'aws_lambda_function', f.FunctionName ?? null, pairs, ctx);
}

/** An ECS task definition revision's container environments (`secrets` hold references, not values). */
export async function taskDefinitionCredentials(t: TaskDefinition, ctx: LiveContext): Promise<PlainCredential[]> {
  if (!t.taskDefinitionArn) return [];
  const pairs: Array<[string, string, string]> = [];
  (t.containerDefinitions ?? []).forEach((c, i) => {
    for (const e of c.environment ?? [])
      if (e.name && typeof e.value === 'string') pairs.push([`container_definitions[${i}].environment.${e.name}`, e.name, e.value]);
  });
  const name = t.family ? `${t.family}:${t.revision ?? '?'}` : null;
  return namedValues(t.taskDefinitionArn, 'aws_ecs_task_definition', name, pairs, ctx);
}

/**
 * A Batch job definition revision's container environment (`secrets` hold references, not
 * values), at the path the plan and state loaders write (`container_properties.environment.NAME`).
 */
export async function jobDefinitionCredentials(d: JobDefinition, ctx: LiveContext): Promise<PlainCredential[]> {
  if (!d.jobDefinitionArn) return [];
  const pairs: Array<[string, string, string]> = [];
  for (const e of d.containerProperties?.environment ?? [])
    if (e.name && typeof e.value === 'string') pairs.push([`container_properties.environment.${e.name}`, e.name, e.value]);
  const name = d.jobDefinitionName ? `${d.jobDefinitionName}:${d.revision ?? '?'}` : null;
  return namedValues(d.jobDefinitionArn, 'aws_batch_job_definition', name, pairs, ctx);
}

/**
 * An SSM String or StringList parameter: its value is scanned (token formats; a password-like
 * last name segment with a literal that could be the password). SecureString parameters are
 * never read.
 */
export async function parameterCredentials(p: Parameter, ctx: LiveContext): Promise<PlainCredential[]> {
  if (!p.ARN || !p.Name || typeof p.Value !== 'string' || (p.Type !== 'String' && p.Type !== 'StringList')) return [];
  const last = p.Name.split('/').filter(Boolean).pop() ?? p.Name;
  return namedValues(p.ARN, 'aws_ssm_parameter', p.Name, [['value', last, p.Value]], ctx);
}

/** User data (base64, as EC2 returns it) of an instance or launch template. */
export async function userDataCredentials(
  holder: string,
  holderType: 'aws_instance' | 'aws_launch_template',
  name: string | null,
  userData: string | undefined,
  ctx: LiveContext,
): Promise<PlainCredential[]> {
  const script = userData ? fromBase64(userData) : undefined;
  if (!script) return [];
  return (await scriptKinds(script)).map((kind) => fact(holder, holderType, name, 'user_data', kind, ctx));
}

export function instanceArn(partition: string, region: string, account: string, id: string): string {
  return `arn:${partition}:ec2:${region}:${account}:instance/${id}`;
}

export function launchTemplateArn(partition: string, region: string, account: string, id: string): string {
  return `arn:${partition}:ec2:${region}:${account}:launch-template/${id}`;
}

interface Metadata {
  HttpTokens?: string;
  HttpEndpoint?: string;
}

function computeOf(
  id: string,
  kind: Compute['kind'],
  name: string | null,
  profile: boolean,
  metadata: Metadata | undefined,
  ctx: LiveContext,
  arn: string,
): Compute {
  const c: Compute = { id, kind, name, instanceProfile: profile, change: 'existing', origin: origin(ctx, arn) };
  if (metadata?.HttpTokens) c.httpTokens = metadata.HttpTokens;
  if (metadata?.HttpEndpoint) c.httpEndpoint = metadata.HttpEndpoint;
  return c;
}

/** An instance: its instance profile and whether IMDS requires session tokens. */
export function mapInstance(i: Instance, arn: string, ctx: LiveContext): Compute {
  return computeOf(
    arn,
    'instance',
    tagsOf(i.Tags).Name || i.InstanceId || null,
    !!(i.IamInstanceProfile?.Arn || i.IamInstanceProfile?.Id),
    i.MetadataOptions,
    ctx,
    arn,
  );
}

/** The id of one launch template version read: the template ARN for the default version, `#$Latest` for a newer latest one. */
export function launchTemplateVersionId(templateArn: string, isDefault: boolean): string {
  return isDefault ? templateArn : `${templateArn}#$Latest`;
}

/** One version of a launch template (its default, or its $Latest when that is another one). */
export function mapLaunchTemplateVersion(v: LaunchTemplateVersion, templateArn: string, ctx: LiveContext): Compute {
  const d = v.LaunchTemplateData ?? {};
  const isDefault = v.DefaultVersion === true;
  const base = v.LaunchTemplateName ?? v.LaunchTemplateId ?? null;
  const name = isDefault || base === null ? base : `${base} $Latest (version ${v.VersionNumber ?? '?'})`;
  return computeOf(
    launchTemplateVersionId(templateArn, isDefault),
    'launch-template',
    name,
    !!(d.IamInstanceProfile?.Arn || d.IamInstanceProfile?.Name),
    d.MetadataOptions,
    ctx,
    templateArn,
  );
}

/** The launch templates (by id or name, and version) an autoscaling group launches. */
interface TemplateRef {
  id?: string;
  name?: string;
  version?: string;
}

function templateRefs(g: AutoScalingGroup): TemplateRef[] {
  const refs: TemplateRef[] = [];
  const add = (t: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string } | undefined) => {
    if (t && (t.LaunchTemplateId || t.LaunchTemplateName)) refs.push({ id: t.LaunchTemplateId, name: t.LaunchTemplateName, version: t.Version });
  };
  add(g.LaunchTemplate);
  const mixed = g.MixedInstancesPolicy?.LaunchTemplate;
  add(mixed?.LaunchTemplateSpecification);
  for (const o of mixed?.Overrides ?? []) add(o.LaunchTemplateSpecification);
  return refs;
}

/** What the launch template versions read are, by template id and name. */
export interface TemplateIndex {
  /** template id -> its name and the Compute ids of the versions read, by version number. */
  byId: Map<string, TemplateEntry>;
}

interface TemplateEntry {
  name?: string;
  defaultId?: string;
  latestId?: string;
  byNumber: Map<number, string>;
}

export function templateIndex(versions: Array<{ v: LaunchTemplateVersion; compute: Compute }>): TemplateIndex {
  const byId = new Map<string, TemplateEntry>();
  for (const { v, compute } of versions) {
    if (!v.LaunchTemplateId) continue;
    const e = byId.get(v.LaunchTemplateId) ?? { name: v.LaunchTemplateName, byNumber: new Map<number, string>() };
    if (v.DefaultVersion) e.defaultId = compute.id;
    else e.latestId = compute.id;
    if (v.VersionNumber !== undefined) e.byNumber.set(v.VersionNumber, compute.id);
    byId.set(v.LaunchTemplateId, e);
  }
  return { byId };
}

/**
 * An autoscaling group, judged through the launch templates it launches: `$Latest` is the latest
 * version read, `$Default` (or none) the default. A numbered version is the default or latest one
 * when it is one of those. A launch configuration, another version or a template not read
 * leaves launchTemplates absent (not judged through them; its instances are).
 */
export function mapAutoScalingGroup(g: AutoScalingGroup, index: TemplateIndex, ctx: LiveContext): Compute | undefined {
  if (!g.AutoScalingGroupARN) return undefined;
  const c = computeOf(g.AutoScalingGroupARN, 'autoscaling-group', g.AutoScalingGroupName ?? null, false, undefined, ctx, g.AutoScalingGroupARN);
  const refs = templateRefs(g);
  const ids: string[] = [];
  let known = refs.length > 0;
  for (const r of refs) {
    const entry = r.id ? index.byId.get(r.id) : [...index.byId.values()].find((e) => e.name === r.name);
    const version = r.version ?? '$Default';
    const id = !entry
      ? undefined
      : version === '$Latest'
        ? (entry.latestId ?? entry.defaultId)
        : version === '$Default'
          ? entry.defaultId
          : /^\d+$/.test(version)
            ? entry.byNumber.get(Number(version))
            : undefined;
    if (id) {
      if (!ids.includes(id)) ids.push(id);
    } else known = false;
  }
  if (known) c.launchTemplates = ids;
  return c;
}
