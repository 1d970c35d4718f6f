/**
 * Seeded generator of realistic `terraform show -json` plans for the benchmark (format_version 1.2,
 * terraform 1.11 shape, as in test/fixtures/plans/*.json which real terraform produced).
 *
 * A plan of a large estate is mostly resources that already exist (no-op, with full values and a
 * prior_state), some updates, a few creates (values unknown until apply: arn, id, references),
 * deletes and replacements. The mix per "unit" follows what healthcare platform estates declare:
 * integration roles from a module instantiated with for_each, automation roles with
 * aws_iam_policy_document data sources, vendor users with access keys and groups, cross-account
 * vendor roles, CI (OIDC) roles, break-glass roles, secrets with versions and rotation, data stores
 * with a data-class tag, and the non-IAM infrastructure around them (queues, log groups, lambdas,
 * security groups). A share of the units carry the violations the pack looks for, so the check has
 * realistic findings, never only clean resources.
 *
 * Usage: tsx bench/generate.ts --resources 10000 [--seed 1] --out plan.json
 * Secret values in generated plans are fake constants (never real credentials).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROVIDER = 'registry.terraform.io/hashicorp/aws';
const ACCOUNT = '123456789012';
const VENDOR_ACCOUNT = '999988887777';
const TF_VERSION = '1.11.4';

export type Action = 'create' | 'no-op' | 'update' | 'delete' | 'replace' | 'read';

/** Mulberry32: a small, fast, seeded PRNG (deterministic across platforms). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Obj = Record<string, unknown>;

interface Res {
  /** Module instance `module.CALL["KEY"]` (root when absent). */
  module?: { call: string; key: string };
  mode?: 'managed' | 'data';
  type: string;
  name: string;
  action: Action;
  /** Values after the change (known ones; unknown attributes are left out and named in afterUnknown). */
  after: Obj | null;
  afterUnknown?: Obj;
  /** Sensitive markers (after_sensitive / sensitive_values). */
  sensitive?: Obj;
  /** Values before the change (existing resources). */
  before?: Obj | null;
  /** Configuration expressions of the declaration. */
  expressions: Obj;
}

/** What the generated plan holds, for tests and the benchmark report. */
export interface PlanStats {
  /** Entries of resource_changes. */
  resourceChanges: number;
  /** Roles and users (deleted ones included: the loader keeps them with change `delete`). */
  identities: number;
  roles: number;
  users: number;
  accessKeys: number;
  secrets: number;
  dataStores: number;
  /** Policy documents unknown until apply (deferred data source reads). */
  unknownPolicyDocuments: number;
  moduleInstances: number;
  /** Units generated with a deliberate violation. */
  violatingUnits: number;
  byAction: Record<string, number>;
}

export interface GeneratedPlan {
  plan: Obj;
  stats: PlanStats;
}

const ref = (...refs: string[]) => ({ references: refs });
const constant = (v: unknown) => ({ constant_value: v });
const arnRole = (name: string, p = '/') => `arn:aws:iam::${ACCOUNT}:role${p}${name}`;
const arnUser = (name: string, p = '/') => `arn:aws:iam::${ACCOUNT}:user${p}${name}`;
const arnPolicy = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;
const doc = (statements: Obj[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trustService = (service: string) => doc([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: service } }]);

const TEAMS = [
  'team-lab',
  'team-billing',
  'team-radiology',
  'team-pharmacy',
  'team-integrations',
  'team-data',
  'team-platform',
  'team-claims',
  'team-portal',
  'team-vendors',
];
const SERVICES = ['ecs-tasks.amazonaws.com', 'lambda.amazonaws.com', 'glue.amazonaws.com', 'states.amazonaws.com', 'batch.amazonaws.com'];
const READ_ACTIONS = [
  ['s3:GetObject'],
  ['s3:GetObject', 's3:ListBucket'],
  ['dynamodb:GetItem', 'dynamodb:Query'],
  ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
  ['kms:Decrypt'],
];
const MANAGED_OK = [
  'arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess',
  'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
];

class PlanBuilder {
  readonly res: Res[] = [];
  /** Root-level configuration resources by address; module configurations by call name. */
  private readonly rootConfig = new Map<string, Obj>();
  private readonly moduleCalls = new Map<string, { call: Obj; resources: Map<string, Obj> }>();
  /** Data sources read while planning (prior_state only). */
  readonly priorData: Res[] = [];
  readonly stats: PlanStats = {
    resourceChanges: 0,
    identities: 0,
    roles: 0,
    users: 0,
    accessKeys: 0,
    secrets: 0,
    dataStores: 0,
    unknownPolicyDocuments: 0,
    moduleInstances: 0,
    violatingUnits: 0,
    byAction: {},
  };

  constructor(readonly rnd: () => number) {}

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  /** Existing resources mostly; the rest new, changed, going or replaced. */
  action(): Action {
    const x = this.rnd();
    if (x < 0.8) return 'no-op';
    if (x < 0.89) return 'update';
    if (x < 0.97) return 'create';
    if (x < 0.99) return 'delete';
    return 'replace';
  }

  add(r: Res): void {
    this.res.push(r);
    if (r.mode === 'data' && r.action !== 'read') throw new Error('data sources in resource_changes are reads');
    this.stats.resourceChanges++;
    this.stats.byAction[r.action] = (this.stats.byAction[r.action] ?? 0) + 1;
    const local = `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    const cfg = {
      address: local,
      mode: r.mode ?? 'managed',
      type: r.type,
      name: r.name,
      provider_config_key: 'aws',
      expressions: r.expressions,
      schema_version: 0,
    };
    if (r.module) this.moduleCalls.get(r.module.call)!.resources.set(local, cfg);
    else this.rootConfig.set(local, cfg);
  }

  addPriorData(r: Res): void {
    this.priorData.push(r);
    const local = `data.${r.type}.${r.name}`;
    this.rootConfig.set(local, {
      address: local,
      mode: 'data',
      type: r.type,
      name: r.name,
      provider_config_key: 'aws',
      expressions: r.expressions,
      schema_version: 0,
    });
  }

  declareModule(call: string, def: Obj): void {
    if (!this.moduleCalls.has(call)) this.moduleCalls.set(call, { call: def, resources: new Map() });
  }

  addressOf(r: Res): string {
    const prefix = r.module ? `module.${r.module.call}[${JSON.stringify(r.module.key)}].` : '';
    return `${prefix}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
  }

  build(): Obj {
    const rootResources: Obj[] = [];
    const children = new Map<string, Obj[]>();
    const priorRoot: Obj[] = [];
    const priorChildren = new Map<string, Obj[]>();
    const changes: Obj[] = [];
    for (const r of this.res) {
      const address = this.addressOf(r);
      const moduleAddress = r.module ? `module.${r.module.call}[${JSON.stringify(r.module.key)}]` : undefined;
      const base = {
        address,
        ...(moduleAddress ? { module_address: moduleAddress } : {}),
        mode: r.mode ?? 'managed',
        type: r.type,
        name: r.name,
        provider_name: PROVIDER,
      };
      const actions = r.action === 'replace' ? ['delete', 'create'] : [r.action];
      const existing = r.action !== 'create' && r.action !== 'read';
      const before = existing ? (r.before ?? r.after) : null;
      const after = r.action === 'delete' ? null : r.after;
      changes.push({
        ...base,
        change: {
          actions,
          before,
          after,
          after_unknown: r.action === 'delete' ? {} : (r.afterUnknown ?? {}),
          before_sensitive: existing ? (r.sensitive ?? {}) : false,
          after_sensitive: r.action === 'delete' ? false : (r.sensitive ?? {}),
        },
        ...(r.action === 'read'
          ? { action_reason: 'read_because_config_unknown' }
          : r.action === 'replace'
            ? { action_reason: 'replace_because_cannot_update' }
            : {}),
      });
      const { provider_name, ...rest } = base;
      if (r.action !== 'delete') {
        const pv = { ...rest, module_address: undefined, provider_name, schema_version: 0, values: after, sensitive_values: r.sensitive ?? {} };
        delete pv.module_address;
        if (moduleAddress) (children.get(moduleAddress) ?? children.set(moduleAddress, []).get(moduleAddress)!).push(pv);
        else rootResources.push(pv);
      }
      if (existing && r.mode !== 'data') {
        const ps = {
          address,
          mode: 'managed',
          type: r.type,
          name: r.name,
          provider_name,
          schema_version: 0,
          values: before,
          sensitive_values: r.sensitive ?? {},
        };
        if (moduleAddress) (priorChildren.get(moduleAddress) ?? priorChildren.set(moduleAddress, []).get(moduleAddress)!).push(ps);
        else priorRoot.push(ps);
      }
    }
    for (const d of this.priorData) {
      priorRoot.push({
        address: this.addressOf(d),
        mode: 'data',
        type: d.type,
        name: d.name,
        provider_name: PROVIDER,
        schema_version: 0,
        values: d.after,
        sensitive_values: d.sensitive ?? {},
      });
    }
    const modules = (m: Map<string, Obj[]>) => [...m].map(([address, resources]) => ({ resources, address }));
    const moduleCalls: Obj = {};
    for (const [name, { call, resources }] of this.moduleCalls) {
      moduleCalls[name] = { ...call, module: { ...(call.module as Obj), resources: [...resources.values()] } };
    }
    return {
      format_version: '1.2',
      terraform_version: TF_VERSION,
      planned_values: { root_module: { resources: rootResources, child_modules: modules(children) } },
      resource_changes: changes,
      prior_state: {
        format_version: '1.0',
        terraform_version: TF_VERSION,
        values: { root_module: { resources: priorRoot, child_modules: modules(priorChildren) } },
      },
      configuration: {
        provider_config: { aws: { name: 'aws', full_name: PROVIDER, version_constraint: '5.100.0', expressions: { region: constant('us-east-1') } } },
        root_module: { resources: [...this.rootConfig.values()], module_calls: moduleCalls },
      },
      relevant_attributes: [],
      timestamp: '2026-11-22T08:00:00Z',
      applyable: true,
      complete: true,
      errored: false,
    };
  }
}

/** Governance tags; `bad` picks one realistic defect. */
function governance(b: PlanBuilder, kind: string, bad: boolean, over: Record<string, string> = {}): Record<string, string> {
  const tags: Record<string, string> = {
    owner: b.pick(TEAMS),
    purpose: `${kind} integration`,
    'data-class': b.pick(['phi', 'phi', 'pii', 'internal']),
    environment: b.pick(['prod', 'prod', 'staging', 'dev']),
    'expires-on': b.pick(kind === 'vendor' ? ['2027-01-15', '2027-02-01'] : ['2027-03-31', '2027-06-30', '2027-09-30']),
    'identity-kind': kind,
    ...over,
  };
  if (bad) {
    const defect = b.pick(['no-owner', 'expired', 'bad-date', 'too-far', 'soon', 'bad-class', 'no-purpose']);
    if (defect === 'no-owner') delete tags.owner;
    if (defect === 'no-purpose') delete tags.purpose;
    if (defect === 'expired') tags['expires-on'] = '2026-01-31';
    if (defect === 'bad-date') tags['expires-on'] = '2027-02-30';
    if (defect === 'too-far') tags['expires-on'] = '2029-12-31';
    if (defect === 'soon') tags['expires-on'] = '2026-11-30';
    if (defect === 'bad-class') tags['data-class'] = 'secret';
  }
  return tags;
}

/** Values of an existing resource (before == after) or a changed one (tags differ before). */
function withTags(values: Obj, tags: Record<string, string>): Obj {
  return { ...values, tags, tags_all: tags };
}

function unit<T>(b: PlanBuilder, violate: boolean, f: () => T): T {
  if (violate) b.stats.violatingUnits++;
  return f();
}

let counter = 0;
const nextId = (p: string) => `${p}${String(++counter).padStart(5, '0')}`;

/** An IAM role with its trust policy; created roles have arn and id unknown. */
function role(
  b: PlanBuilder,
  o: {
    module?: Res['module'];
    name: string;
    tfName: string;
    action: Action;
    trust: string;
    tags: Record<string, string>;
    path?: string;
    msd?: number;
    trustExpr?: Obj;
    tagsExpr?: Obj;
  },
): Res {
  const known: Obj = {
    assume_role_policy: o.trust,
    description: null,
    force_detach_policies: false,
    max_session_duration: o.msd ?? 3600,
    name: o.name,
    path: o.path ?? '/',
    permissions_boundary: null,
    ...withTags({}, o.tags),
  };
  const existing: Obj = {
    ...known,
    arn: arnRole(o.name, o.path),
    create_date: '2025-03-02T10:00:00Z',
    id: o.name,
    inline_policy: [],
    managed_policy_arns: [],
    name_prefix: '',
    unique_id: `AROA${o.name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 17)
      .padEnd(17, 'X')}`,
  };
  const r: Res = {
    type: 'aws_iam_role',
    name: o.tfName,
    action: o.action,
    after: o.action === 'create' ? known : existing,
    afterUnknown:
      o.action === 'create'
        ? { arn: true, create_date: true, id: true, inline_policy: true, managed_policy_arns: true, name_prefix: true, tags: {}, tags_all: {}, unique_id: true }
        : { tags: {}, tags_all: {} },
    sensitive: { inline_policy: [], managed_policy_arns: [], tags: {}, tags_all: {} },
    expressions: {
      assume_role_policy: o.trustExpr ?? constant(JSON.parse(o.trust)),
      name: constant(o.name),
      tags: o.tagsExpr ?? constant(o.tags),
      ...(o.msd ? { max_session_duration: constant(o.msd) } : {}),
      ...(o.path ? { path: constant(o.path) } : {}),
    },
    ...(o.module ? { module: o.module } : {}),
  };
  if (o.action === 'update') r.before = { ...existing, ...withTags({}, { ...o.tags, ticket: 'CHG-1000' }) };
  b.stats.roles++;
  b.stats.identities++;
  return r;
}

/** A resource that belongs to a role (inline policy, attachment), in or out of a module. */
function roleChild(type: string, o: { module?: Res['module']; tfName: string; action: Action }, after: Obj, unknown: Obj, expressions: Obj): Res {
  return { type, name: o.tfName, action: o.action, after, afterUnknown: unknown, sensitive: {}, expressions, ...(o.module ? { module: o.module } : {}) };
}

/** An inline role policy: known JSON, or unknown until apply when its document is deferred. */
function rolePolicy(o: {
  module?: Res['module'];
  tfName: string;
  name: string;
  roleName: string;
  roleRef: string;
  action: Action;
  policy: string | null;
  policyRefs: string[];
}): Res {
  const roleKnown = o.action !== 'create';
  const after: Obj = {
    name: o.name,
    ...(o.policy !== null ? { policy: o.policy } : {}),
    ...(roleKnown ? { role: o.roleName, id: `${o.roleName}:${o.name}`, name_prefix: '' } : {}),
  };
  const unknown: Obj = roleKnown ? {} : { id: true, name_prefix: true, role: true };
  if (o.policy === null) unknown.policy = true;
  return roleChild('aws_iam_role_policy', o, after, unknown, { name: constant(o.name), policy: ref(...o.policyRefs), role: ref(`${o.roleRef}.id`, o.roleRef) });
}

function attachment(o: {
  module?: Res['module'];
  tfName: string;
  roleName: string;
  roleRef: string;
  action: Action;
  policyArn: string | null;
  policyRef?: string;
}): Res {
  const known = o.action !== 'create';
  const after: Obj = {
    ...(o.policyArn !== null ? { policy_arn: o.policyArn } : {}),
    ...(known ? { role: o.roleName, id: `${o.roleName}-20250302100000000000000001` } : {}),
  };
  const unknown: Obj = known ? {} : { id: true, role: true };
  if (o.policyArn === null) unknown.policy_arn = true;
  return roleChild('aws_iam_role_policy_attachment', o, after, unknown, {
    policy_arn: o.policyRef ? ref(`${o.policyRef}.arn`, o.policyRef) : constant(o.policyArn),
    role: ref(`${o.roleRef}.name`, o.roleRef),
  });
}

/** What a resource that depends on a unit's main resource does: created with it, deleted with it, else kept. */
function follow(a: Action): Action {
  return a === 'create' || a === 'delete' ? a : 'no-op';
}

function filler(b: PlanBuilder, module: Res['module'] | undefined, tfName: string, owner: string): Res {
  const action = b.action();
  const kind = b.pick([
    'aws_sqs_queue',
    'aws_cloudwatch_log_group',
    'aws_lambda_function',
    'aws_security_group',
    'aws_sns_topic',
    'aws_cloudwatch_metric_alarm',
  ]);
  const name = `${tfName.replace(/_/g, '-')}-${kind.slice(4, 9)}`;
  const tags = { owner, environment: 'prod' };
  const values: Obj =
    kind === 'aws_sqs_queue'
      ? {
          name,
          delay_seconds: 0,
          fifo_queue: false,
          max_message_size: 262144,
          message_retention_seconds: 345600,
          visibility_timeout_seconds: 30,
          sqs_managed_sse_enabled: true,
          ...withTags({}, tags),
        }
      : kind === 'aws_cloudwatch_log_group'
        ? { name: `/aws/hl7/${name}`, retention_in_days: 365, kms_key_id: null, skip_destroy: false, log_group_class: 'STANDARD', ...withTags({}, tags) }
        : kind === 'aws_lambda_function'
          ? {
              function_name: name,
              handler: 'index.handler',
              runtime: 'python3.12',
              memory_size: 256,
              timeout: 30,
              architectures: ['arm64'],
              environment: [{ variables: { LOG_LEVEL: 'info', QUEUE: name } }],
              tracing_config: [{ mode: 'Active' }],
              ...withTags({}, tags),
            }
          : kind === 'aws_security_group'
            ? {
                name,
                description: 'managed by terraform',
                vpc_id: 'vpc-0a1b2c3d4e5f',
                ingress: [
                  {
                    from_port: 443,
                    to_port: 443,
                    protocol: 'tcp',
                    cidr_blocks: ['10.20.0.0/16'],
                    description: 'tls',
                    ipv6_cidr_blocks: [],
                    prefix_list_ids: [],
                    security_groups: [],
                    self: false,
                  },
                ],
                egress: [],
                revoke_rules_on_delete: false,
                ...withTags({}, tags),
              }
            : kind === 'aws_sns_topic'
              ? { name, fifo_topic: false, kms_master_key_id: 'alias/aws/sns', ...withTags({}, tags) }
              : {
                  alarm_name: name,
                  comparison_operator: 'GreaterThanThreshold',
                  evaluation_periods: 2,
                  metric_name: 'Errors',
                  namespace: 'AWS/Lambda',
                  period: 300,
                  statistic: 'Sum',
                  threshold: 1,
                  ...withTags({}, tags),
                };
  const existing = { ...values, arn: `arn:aws:${kind.split('_')[1]}:us-east-1:${ACCOUNT}:${name}`, id: name };
  return {
    type: kind,
    name: tfName,
    action,
    after: action === 'create' ? values : existing,
    afterUnknown: action === 'create' ? { arn: true, id: true, tags: {}, tags_all: {} } : { tags: {}, tags_all: {} },
    sensitive: { tags: {}, tags_all: {} },
    expressions: Object.fromEntries(
      Object.entries(values)
        .filter(([k]) => k !== 'tags_all')
        .map(([k, v]) => [k, constant(v)]),
    ),
    ...(module ? { module } : {}),
  };
}

/** module "integrations" (for_each): role, inline read policy, managed attachment, infra. */
function integrationUnit(b: PlanBuilder, violate: boolean): void {
  b.declareModule('integrations', {
    source: './modules/integration',
    expressions: { name: ref('each.key'), owner: ref('each.value.owner', 'each.value'), bucket_arn: ref('each.value.bucket_arn', 'each.value') },
    for_each_expression: ref('local.integrations'),
    module: {
      outputs: { role_arn: { expression: ref('aws_iam_role.this.arn', 'aws_iam_role.this') } },
      variables: { name: {}, owner: {}, bucket_arn: {} },
    },
  });
  const key = nextId('int-');
  const module = { call: 'integrations', key };
  b.stats.moduleInstances++;
  const action = b.action();
  const name = `svc-${key}`;
  const tags = governance(b, 'service', violate && b.chance(0.5), { purpose: `integration ${key}` });
  b.add(role(b, { module, name, tfName: 'this', action, trust: trustService(b.pick(SERVICES)), tags, tagsExpr: ref('var.owner', 'var.name') }));
  const bucket = `arn:aws:s3:::hl7-${key}`;
  const wide = violate && b.chance(0.4);
  const stmts = wide
    ? [{ Action: b.pick(['s3:*', '*', 's3:Put*']), Effect: 'Allow', Resource: '*' }]
    : [{ Action: b.pick(READ_ACTIONS), Effect: 'Allow', Resource: `${bucket}/*` }];
  const pa = follow(action);
  // A new integration's bucket is created with it: its ARN, and so the policy, is known only after apply.
  const deferred = pa === 'create' && !wide;
  if (deferred) b.stats.unknownPolicyDocuments++;
  b.add(
    rolePolicy({
      module,
      tfName: 'read',
      name: `read-${key}`,
      roleName: name,
      roleRef: 'aws_iam_role.this',
      action: pa,
      policy: deferred ? null : doc(stmts),
      policyRefs: ['var.bucket_arn'],
    }),
  );
  const admin = violate && !wide && b.chance(0.3);
  b.add(
    attachment({
      module,
      tfName: 'logs',
      roleName: name,
      roleRef: 'aws_iam_role.this',
      action: pa,
      policyArn: admin ? 'arn:aws:iam::aws:policy/AdministratorAccess' : b.pick(MANAGED_OK),
    }),
  );
  b.add(filler(b, module, 'inbox', tags.owner ?? 'unowned'));
  b.add(filler(b, module, 'worker', tags.owner ?? 'unowned'));
}

/**
 * Automation role at the root: trust from an aws_iam_policy_document read while planning, an inline
 * policy from a second document (deferred to apply when it refers to a bucket being created), and
 * a customer managed policy attached by reference.
 */
function automationUnit(b: PlanBuilder, violate: boolean): void {
  const id = nextId('auto_');
  const action = b.action();
  const name = `${id.replace(/_/g, '-')}-runner`;
  const svc = b.pick(SERVICES);
  const trustDoc: Res = {
    mode: 'data',
    type: 'aws_iam_policy_document',
    name: `${id}_trust`,
    action: 'read',
    after: {
      id: '2690255455',
      json: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: svc } }] }, null, 2),
      minified_json: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: svc } }] }),
      override_json: null,
      override_policy_documents: null,
      policy_id: null,
      source_json: null,
      source_policy_documents: null,
      statement: [
        {
          actions: ['sts:AssumeRole'],
          condition: [],
          effect: 'Allow',
          not_actions: [],
          not_principals: [],
          not_resources: [],
          principals: [{ identifiers: [svc], type: 'Service' }],
          resources: [],
          sid: '',
        },
      ],
      version: '2012-10-17',
    },
    sensitive: {
      statement: [
        { actions: [false], condition: [], not_actions: [], not_principals: [], not_resources: [], principals: [{ identifiers: [false] }], resources: [] },
      ],
    },
    expressions: { statement: [{ actions: constant(['sts:AssumeRole']), principals: [{ identifiers: constant([svc]), type: constant('Service') }] }] },
  };
  b.addPriorData(trustDoc);
  const trustRef = `data.aws_iam_policy_document.${id}_trust`;
  const tags = governance(b, 'automation', violate && b.chance(0.5));
  b.add(role(b, { name, tfName: id, action, trust: trustDoc.after!.minified_json as string, tags, trustExpr: ref(`${trustRef}.json`, trustRef) }));

  // The bucket it works on; when the bucket is created in this plan, the policy document waits for its ARN.
  const bucketName = `${id.replace(/_/g, '-')}-exports`;
  const bucketAction = action === 'create' ? 'create' : 'no-op';
  b.add(dataStore(b, 'aws_s3_bucket', `${id}_exports`, bucketName, bucketAction, tags['data-class'] ?? 'phi'));
  const docName = `${id}_access`;
  const docRef = `data.aws_iam_policy_document.${docName}`;
  const actions = violate && b.chance(0.4) ? ['iam:PassRole', 's3:*'] : ['s3:GetObject', 's3:PutObject'];
  const resources = violate && actions[0] === 'iam:PassRole' ? ['*'] : [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`];
  const docExpr = {
    statement: [
      { actions: constant(actions), resources: resources[0] === '*' ? constant(['*']) : ref(`aws_s3_bucket.${id}_exports.arn`, `aws_s3_bucket.${id}_exports`) },
    ],
  };
  const policyAction = follow(action);
  // Deferred to apply (a new bucket named by reference): the role policy has no text in the plan.
  let policyText: string | null = null;
  if (bucketAction === 'create' && resources[0] !== '*') {
    // Deferred read: the document is unknown until apply (NHI-UNK-001).
    b.add({
      mode: 'data',
      type: 'aws_iam_policy_document',
      name: docName,
      action: 'read',
      after: {
        override_json: null,
        override_policy_documents: null,
        policy_id: null,
        source_json: null,
        source_policy_documents: null,
        statement: [
          {
            actions,
            condition: [],
            effect: null,
            not_actions: null,
            not_principals: [],
            not_resources: null,
            principals: [],
            resources: [null, null],
            sid: null,
          },
        ],
        version: null,
      },
      afterUnknown: {
        id: true,
        json: true,
        minified_json: true,
        statement: [{ actions: actions.map(() => false), condition: [], not_principals: [], principals: [], resources: [true, true] }],
      },
      sensitive: { statement: [{ actions: actions.map(() => false), condition: [], not_principals: [], principals: [], resources: [false, false] }] },
      expressions: docExpr,
    });
    // The loader still reads the document from the data source (unknown resources become placeholders).
  } else {
    const text = doc([{ Action: actions.length === 1 ? actions[0] : actions, Effect: 'Allow', Resource: resources.length === 1 ? resources[0] : resources }]);
    b.addPriorData({
      mode: 'data',
      type: 'aws_iam_policy_document',
      name: docName,
      action: 'read',
      after: {
        id: '1',
        json: text,
        minified_json: text,
        statement: [{ actions, resources, effect: 'Allow', condition: [], not_actions: [], not_principals: [], not_resources: [], principals: [], sid: '' }],
        version: '2012-10-17',
      },
      sensitive: {},
      expressions: docExpr,
    });
    policyText = text;
  }
  b.add(
    rolePolicy({
      tfName: id,
      name: `${name}-access`,
      roleName: name,
      roleRef: `aws_iam_role.${id}`,
      action: policyAction,
      policy: policyText,
      policyRefs: [`${docRef}.json`, docRef],
    }),
  );
  // A customer managed policy (logs) and its attachment by reference.
  const polName = `${name}-logs`;
  const polAction = action === 'create' ? 'create' : 'no-op';
  const polDoc = doc([
    { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${name}:*` },
  ]);
  b.add({
    type: 'aws_iam_policy',
    name: `${id}_logs`,
    action: polAction,
    after: {
      description: null,
      name: polName,
      path: '/',
      policy: polDoc,
      tags: null,
      ...(polAction === 'create' ? {} : { arn: arnPolicy(polName), id: arnPolicy(polName), policy_id: 'ANPA000000000000', attachment_count: 1, tags_all: {} }),
    },
    afterUnknown: polAction === 'create' ? { arn: true, attachment_count: true, id: true, name_prefix: true, policy_id: true, tags_all: true } : {},
    sensitive: { tags_all: {} },
    expressions: { name: constant(polName), policy: constant(JSON.parse(polDoc)) },
  });
  b.add(
    attachment({
      tfName: `${id}_logs`,
      roleName: name,
      roleRef: `aws_iam_role.${id}`,
      action: policyAction,
      policyArn: polAction === 'create' ? null : arnPolicy(polName),
      policyRef: `aws_iam_policy.${id}_logs`,
    }),
  );
  b.add(filler(b, undefined, `${id}_fn`, tags.owner ?? 'unowned'));
}

/** Vendor SFTP user: user, long-lived access key, group membership, inline user policy. */
function vendorUserUnit(b: PlanBuilder, violate: boolean): void {
  const id = nextId('vendor_');
  const action = b.action();
  const name = `${id.replace(/_/g, '-')}-sftp`;
  const tags = governance(b, 'vendor', violate, { owner: 'team-vendors' });
  const userVals: Obj = { force_destroy: false, name, path: '/vendors/', permissions_boundary: null, ...withTags({}, tags) };
  const existing = {
    ...userVals,
    arn: arnUser(name, '/vendors/'),
    id: name,
    unique_id: `AIDA${id
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .padEnd(17, 'Y')}`,
  };
  b.add({
    type: 'aws_iam_user',
    name: id,
    action,
    after: action === 'create' ? userVals : existing,
    afterUnknown: action === 'create' ? { arn: true, id: true, tags: {}, tags_all: {}, unique_id: true } : { tags: {}, tags_all: {} },
    sensitive: { tags: {}, tags_all: {} },
    expressions: { name: constant(name), path: constant('/vendors/'), tags: constant(tags) },
  });
  b.stats.users++;
  b.stats.identities++;
  const dep = follow(action);
  const keyKnown = dep !== 'create';
  b.add({
    type: 'aws_iam_access_key',
    name: id,
    action: dep,
    after: {
      pgp_key: null,
      status: 'Active',
      user: name,
      ...(keyKnown
        ? {
            id: `AKIA${id
              .toUpperCase()
              .replace(/[^A-Z0-9]/g, '')
              .padEnd(16, 'Q')}`,
            create_date: '2025-01-10T09:00:00Z',
            key_fingerprint: null,
            secret: 'FAKE-NOT-A-SECRET/0000000000000000000000',
            ses_smtp_password_v4: 'FAKE-NOT-A-PASSWORD',
            encrypted_secret: null,
            encrypted_ses_smtp_password_v4: null,
          }
        : {}),
    },
    afterUnknown: keyKnown
      ? {}
      : {
          create_date: true,
          encrypted_secret: true,
          encrypted_ses_smtp_password_v4: true,
          id: true,
          key_fingerprint: true,
          secret: true,
          ses_smtp_password_v4: true,
        },
    sensitive: { secret: true, ses_smtp_password_v4: true },
    expressions: { user: ref(`aws_iam_user.${id}.name`, `aws_iam_user.${id}`) },
  });
  b.stats.accessKeys++;
  b.add({
    type: 'aws_iam_user_group_membership',
    name: id,
    action: dep,
    after: { groups: ['vendors'], user: name, ...(keyKnown ? { id: `terraform-${id}` } : {}) },
    afterUnknown: keyKnown ? {} : { id: true },
    sensitive: { groups: [] },
    expressions: { groups: ref('aws_iam_group.vendors.name', 'aws_iam_group.vendors'), user: ref(`aws_iam_user.${id}.name`, `aws_iam_user.${id}`) },
  });
  const policy = doc([
    {
      Action: violate && b.chance(0.3) ? 's3:*' : ['s3:PutObject'],
      Effect: 'Allow',
      Resource: violate && b.chance(0.5) ? '*' : `arn:aws:s3:::vendor-drop/${name}/*`,
    },
  ]);
  b.add({
    type: 'aws_iam_user_policy',
    name: id,
    action: dep,
    after: { name: `${name}-upload`, policy, user: name, ...(keyKnown ? { id: `${name}:${name}-upload`, name_prefix: '' } : {}) },
    afterUnknown: keyKnown ? {} : { id: true, name_prefix: true },
    sensitive: {},
    expressions: { name: constant(`${name}-upload`), policy: constant(JSON.parse(policy)), user: ref(`aws_iam_user.${id}.name`, `aws_iam_user.${id}`) },
  });
}

/** Cross-account vendor role, CI (OIDC) role or break-glass role: the trust policy is what matters. */
function trustUnit(b: PlanBuilder, violate: boolean): void {
  const id = nextId('trust_');
  const action = b.action();
  const flavour = b.pick(['vendor', 'ci', 'break-glass'] as const);
  let trust: string;
  let kind: string;
  let msd: number | undefined;
  if (flavour === 'vendor') {
    kind = 'vendor';
    const cond = violate ? undefined : { StringEquals: { 'sts:ExternalId': `ext-${id}` } };
    trust = doc([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR_ACCOUNT}:root` }, ...(cond ? { Condition: cond } : {}) },
    ]);
  } else if (flavour === 'ci') {
    kind = 'automation';
    const sub = violate ? 'repo:hospital-org/*' : `repo:hospital-org/${id}:ref:refs/heads/main`;
    trust = doc([
      {
        Action: 'sts:AssumeRoleWithWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': sub },
        },
      },
    ]);
  } else {
    kind = 'break-glass';
    msd = violate ? 43200 : 3600;
    trust = doc([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ]);
  }
  const name = `${id.replace(/_/g, '-')}-${flavour}`;
  const tags = governance(b, kind, false);
  b.add(role(b, { name, tfName: id, action, trust, tags, msd }));
  const pa = follow(action);
  b.add(
    attachment({
      tfName: id,
      roleName: name,
      roleRef: `aws_iam_role.${id}`,
      action: pa,
      policyArn: flavour === 'break-glass' ? 'arn:aws:iam::aws:policy/ReadOnlyAccess' : b.pick(MANAGED_OK),
    }),
  );
}

/** A secret: KMS key (sometimes), secret, version (literal value sometimes), rotation (sometimes missing). */
function secretUnit(b: PlanBuilder, violate: boolean): void {
  const id = nextId('secret_');
  const action = b.action();
  const name = `integrations/${id}/api-token`;
  const tags = governance(b, 'service', false);
  const defect = violate ? b.pick(['no-rotation', 'slow-rotation', 'literal', 'aws-key'] as const) : null;
  const dep = follow(action);
  const cmk = defect !== 'aws-key';
  if (cmk) b.add(dataStore(b, 'aws_kms_key', `${id}_key`, `${name} key`, dep, tags['data-class'] ?? 'phi'));
  const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000-${id}`;
  const vals: Obj = {
    description: null,
    force_overwrite_replica_secret: false,
    name,
    recovery_window_in_days: 30,
    ...withTags({}, tags),
    ...(cmk && dep !== 'create' ? { kms_key_id: keyArn } : {}),
  };
  const existing = {
    ...vals,
    arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`,
    id: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`,
    policy: '',
    replica: [],
  };
  b.add({
    type: 'aws_secretsmanager_secret',
    name: id,
    action,
    after: action === 'create' ? vals : existing,
    afterUnknown:
      action === 'create'
        ? { arn: true, id: true, kms_key_id: cmk ? true : undefined, name_prefix: true, policy: true, replica: true, tags: {}, tags_all: {} }
        : { tags: {}, tags_all: {} },
    sensitive: { replica: [], tags: {}, tags_all: {} },
    expressions: { name: constant(name), tags: constant(tags), ...(cmk ? { kms_key_id: ref(`aws_kms_key.${id}_key.arn`, `aws_kms_key.${id}_key`) } : {}) },
  });
  b.stats.secrets++;
  const literal = defect === 'literal';
  if (!literal) {
    b.add({
      type: 'random_password',
      name: id,
      action: dep,
      after: {
        length: 32,
        special: true,
        upper: true,
        lower: true,
        numeric: true,
        ...(dep === 'create' ? {} : { result: 'FAKE-GENERATED-NOT-A-SECRET', id: 'none', bcrypt_hash: 'FAKE' }),
      },
      afterUnknown: dep === 'create' ? { bcrypt_hash: true, id: true, result: true } : {},
      sensitive: { bcrypt_hash: true, result: true },
      expressions: { length: constant(32), special: constant(true) },
    });
  }
  b.add({
    type: 'aws_secretsmanager_secret_version',
    name: id,
    action: dep,
    after: {
      secret_binary: null,
      secret_string: literal ? 'FAKE-LITERAL-IN-CODE' : dep === 'create' ? undefined : 'FAKE-GENERATED-NOT-A-SECRET',
      secret_string_wo: null,
      secret_string_wo_version: null,
      ...(dep === 'create' ? {} : { arn: existing.arn, id: `${existing.arn}|v1`, secret_id: existing.arn, version_id: 'v1', version_stages: ['AWSCURRENT'] }),
    },
    afterUnknown:
      dep === 'create'
        ? {
            arn: true,
            has_secret_string_wo: true,
            id: true,
            secret_id: true,
            version_id: true,
            version_stages: true,
            ...(literal ? {} : { secret_string: true }),
          }
        : {},
    sensitive: { secret_binary: true, secret_string: true, secret_string_wo: true, version_stages: [] },
    expressions: {
      secret_id: ref(`aws_secretsmanager_secret.${id}.id`, `aws_secretsmanager_secret.${id}`),
      secret_string: literal ? constant('FAKE-LITERAL-IN-CODE') : ref(`random_password.${id}.result`, `random_password.${id}`),
    },
  });
  if (defect !== 'no-rotation') {
    const days = defect === 'slow-rotation' ? 180 : 30;
    b.add({
      type: 'aws_secretsmanager_secret_rotation',
      name: id,
      action: dep,
      after: {
        rotate_immediately: true,
        rotation_rules: [{ automatically_after_days: days, duration: null, schedule_expression: null }],
        ...(dep === 'create'
          ? {}
          : { id: existing.arn, rotation_enabled: true, rotation_lambda_arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:rotate`, secret_id: existing.arn }),
      },
      afterUnknown:
        dep === 'create' ? { id: true, rotation_enabled: true, rotation_lambda_arn: true, rotation_rules: [{}], secret_id: true } : { rotation_rules: [{}] },
      sensitive: { rotation_rules: [{}] },
      expressions: {
        rotation_lambda_arn: constant(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:rotate`),
        rotation_rules: [{ automatically_after_days: constant(days) }],
        secret_id: ref(`aws_secretsmanager_secret.${id}.id`, `aws_secretsmanager_secret.${id}`),
      },
    });
  }
}

function dataStore(b: PlanBuilder, type: string, tfName: string, name: string, action: Action, dataClass: string): Res {
  b.stats.dataStores++;
  const tags = { 'data-class': dataClass, owner: 'team-data' };
  const nameAttr: Record<string, Obj> = {
    aws_s3_bucket: { bucket: name, force_destroy: false, timeouts: null },
    aws_dynamodb_table: {
      name,
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      attribute: [{ name: 'pk', type: 'S' }],
      point_in_time_recovery: [{ enabled: true }],
    },
    aws_kms_key: { description: name, enable_key_rotation: true, deletion_window_in_days: 30, key_usage: 'ENCRYPT_DECRYPT' },
    aws_db_instance: {
      identifier: name,
      engine: 'postgres',
      instance_class: 'db.r6g.large',
      allocated_storage: 100,
      storage_encrypted: true,
      username: 'app',
      password: 'FAKE-DB-PASSWORD',
    },
  };
  const vals = { ...nameAttr[type], ...withTags({}, tags) };
  const arn = type === 'aws_s3_bucket' ? `arn:aws:s3:::${name}` : `arn:aws:${type.split('_')[1]}:us-east-1:${ACCOUNT}:${tfName}`;
  const exprs: Obj = Object.fromEntries(
    Object.entries(vals)
      .filter(([k]) => k !== 'tags_all' && k !== 'password')
      .map(([k, v]) => [k, constant(v)]),
  );
  if (type === 'aws_db_instance') exprs.password = ref('var.db_password');
  return {
    type,
    name: tfName,
    action,
    after: action === 'create' ? vals : { ...vals, arn, id: name },
    afterUnknown: action === 'create' ? { arn: true, id: true, tags: {}, tags_all: {} } : { tags: {}, tags_all: {} },
    sensitive: { tags: {}, tags_all: {}, ...(type === 'aws_db_instance' ? { password: true } : {}) },
    expressions: exprs,
  };
}

function dataStoreUnit(b: PlanBuilder): void {
  const id = nextId('store_');
  const type = b.pick(['aws_s3_bucket', 'aws_dynamodb_table', 'aws_db_instance', 'aws_s3_bucket']);
  b.add(dataStore(b, type, id, `${id.replace(/_/g, '-')}-records`, b.action(), b.pick(['phi', 'phi', 'pii', 'internal'])));
  b.add(filler(b, undefined, `${id}_alarm`, 'team-data'));
}

function infraUnit(b: PlanBuilder): void {
  const id = nextId('infra_');
  b.add(filler(b, undefined, id, b.pick(TEAMS)));
}

/** Generates a plan with about `resources` resource changes (exactly, unless the last unit overshoots by a few). */
export function generatePlan(opts: { resources: number; seed?: number; violationRate?: number }): GeneratedPlan {
  counter = 0;
  const b = new PlanBuilder(prng(opts.seed ?? 1));
  const rate = opts.violationRate ?? 0.08;
  // The shared vendors group that vendor users join.
  b.add({
    type: 'aws_iam_group',
    name: 'vendors',
    action: 'no-op',
    after: { name: 'vendors', path: '/', arn: `arn:aws:iam::${ACCOUNT}:group/vendors`, id: 'vendors', unique_id: 'AGPAVENDORS000000' },
    sensitive: {},
    expressions: { name: constant('vendors') },
  });
  const units: Array<[number, (b: PlanBuilder, v: boolean) => void]> = [
    [0.3, integrationUnit],
    [0.12, automationUnit],
    [0.08, vendorUserUnit],
    [0.1, trustUnit],
    [0.12, secretUnit],
    [0.1, (bb) => dataStoreUnit(bb)],
    [0.18, (bb) => infraUnit(bb)],
  ];
  while (b.stats.resourceChanges < opts.resources) {
    let x = b.rnd();
    const [, f] = units.find(([w]) => (x -= w) < 0) ?? units[units.length - 1]!;
    const violate = b.rnd() < rate;
    unit(b, violate, () => f(b, violate));
  }
  return { plan: b.build(), stats: b.stats };
}

/** Writes a generated plan as `terraform show -json` writes it (one line). */
export function writePlan(file: string, opts: { resources: number; seed?: number }): PlanStats {
  const { plan, stats } = generatePlan(opts);
  writeFileSync(file, JSON.stringify(plan));
  return stats;
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const resources = Number(arg('resources') ?? 1000);
  const seed = Number(arg('seed') ?? 1);
  const out = arg('out');
  if (!out || !Number.isInteger(resources) || resources < 1) {
    process.stderr.write('usage: tsx bench/generate.ts --resources N [--seed S] --out FILE\n');
    process.exitCode = 2;
    return;
  }
  const stats = writePlan(out, { resources, seed });
  process.stdout.write(`${path.resolve(out)}: ${JSON.stringify(stats)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
