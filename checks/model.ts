/**
 * The normalized NHI Inventory: what every loader (synth, plan, state, live) produces and what the
 * policy engine reads. Its JSON Schema is checks/schemas/inventory.schema.json; keep both in step.
 *
 * Facts only. Nothing here decides whether something is compliant: that is Rego's job.
 * Secret values never enter this model: a credential says whether a value exists and whether it
 * was written literally, nothing more.
 */

export const INVENTORY_SCHEMA_VERSION = 1;

export type SourceKind = 'synth' | 'plan' | 'state' | 'live';

/** What the source says happens to the resource. `existing` for state and live. */
export type Change = 'create' | 'update' | 'replace' | 'delete' | 'no-op' | 'read' | 'existing';

export interface Origin {
  source: SourceKind;
  /** The file the element was read from (plan, state, cdk.tf.json, snapshot). */
  file?: string;
  /** Terraform address (`module.x.aws_iam_role.y["k"]`). */
  address?: string;
  arn?: string;
  /** cdktf construct path (`lab-exchange/LabResultsRole/Role`). */
  constructPath?: string;
  /** cdktf stack name. */
  stack?: string;
  /**
   * The source file that declared the resource when known: the `.tf` file of a plan's resource
   * block (read with the configuration, checks/loaders/hcl), or the stack `.ts` file of a construct.
   */
  sourceFile?: string;
  /** 1-based first and last line of the declaration in sourceFile, when known. */
  line?: number;
  endLine?: number;
  /**
   * Plan: terraform found the resource changed outside Terraform since the last apply
   * (resource_drift). Attribute names only (`tags.owner`, `assume_role_policy`), never values.
   */
  outOfBand?: { change: 'update' | 'delete'; attributes: string[] };
}

export interface Condition {
  /** Condition operator as written, e.g. `StringEquals`, `ForAnyValue:StringLike`, `Bool`. */
  operator: string;
  /** Condition key lower-cased (condition keys are case-insensitive), e.g. `sts:externalid`. */
  key: string;
  /** The user's spelling of the key (`sts:ExternalId`), present only when it differs from `key`: for messages. */
  writtenKey?: string;
  values: string[];
  /**
   * Drift (checks/drift/resolve.ts): the values that became a pattern of an unresolved reference,
   * to be read with wildcards whatever the operator.
   */
  patterns?: string[];
}

/** `"*"` as principal is `any: true`. */
export interface Principals {
  any?: boolean;
  aws?: string[];
  service?: string[];
  federated?: string[];
  canonicalUser?: string[];
}

export interface ExpandedAction {
  /** `service:Action` in the catalog's spelling. */
  action: string;
  /** AWS access level: List, Read, Write, Permissions management, Tagging. */
  accessLevel: string;
  /** True when the action accepts no resource ARN, only `*`. */
  wildcardOnly: boolean;
  /** Resource types the action accepts (catalog keys, lower-case: `object`, `secret`, `table`). */
  resourceTypes?: string[];
}

/**
 * Enrichment, Allow with NotAction: what the complement grants in one service
 * (checks/enrich/complement.ts). `all` when the list excludes no action of the service; then
 * resourceLevels counts, per access level, the service's actions that accept a resource ARN.
 * Otherwise `actions` lists the actions left.
 */
export interface ServiceGrant {
  service: string;
  all: boolean;
  resourceLevels?: Record<string, number>;
  actions?: ExpandedAction[];
}

export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Actions as written, lower-cased (IAM actions are case-insensitive). */
  actions?: string[];
  notActions?: string[];
  /**
   * The user's spelling of `actions` and `notActions` (same order), present only when it differs
   * from the lower case: rules compare lower case and name the action as written in messages.
   */
  writtenActions?: string[];
  writtenNotActions?: string[];
  /** Where the statement is declared, when the source says (a `statement` block of a .tf file). */
  declaredAt?: { file: string; line: number; endLine?: number };
  resources?: string[];
  notResources?: string[];
  /**
   * Drift (checks/drift/resolve.ts), a plan that states only the reference of an expression: the
   * `resources` entries that are the live value V of a bare reference, which may stand for V or a
   * path or qualifier below it (`V/*`, `V:*`) as written.
   */
  referenceResources?: string[];
  principals?: Principals;
  notPrincipals?: Principals;
  conditions: Condition[];
  /** Enrichment: the actions matched by `actions`, from the IAM catalog. Absent for `*`. */
  expandedActions?: ExpandedAction[];
  /** Enrichment, NotAction: the complement per service (services the list excludes whole are absent). */
  notActionGrants?: ServiceGrant[];
  /** Enrichment, NotResource: services whose every resource type the NotResource list excludes. */
  notResourceExcludes?: string[];
  /** Enrichment: data stores of the same Inventory that a `resources` entry points at (checks/enrich/targets.ts). */
  resourceTargets?: ResourceTarget[];
}

/** One Resource entry as written and the id of a data store (Inventory.dataStores) it reaches. */
/**
 * Placeholders. A value the plan does not know, inside a policy document evaluated from the
 * configuration (or a synth/plan reference), is written in its string as `${ADDRESS.ATTRIBUTE}`:
 * the module-prefixed terraform address of the resource and the attribute path, e.g.
 * `${aws_s3_bucket.derm_images.arn}/*` or `${module.feed["lab"].aws_sqs_queue.in.arn}`. It starts with a letter or `_` and has no colon
 * inside the braces, which tells it from an IAM policy variable (`${aws:username}`,
 * `${aws:PrincipalTag/team}`, `${s3:prefix}`, and the escapes `${*}`, `${?}`, `${$}`): those are
 * literal text of the document, as IAM reads them, and never make a document unknown.
 * Placeholders appear only where a rule can still decide without the value: Resource and
 * NotResource entries, Principal values, Condition values and Sid. A document whose Effect,
 * Action or NotAction (or its structure) would hold one is not known (NHI-UNK-001) instead.
 * `referencedAddresses` (checks/enrich/targets.ts) reads the addresses back.
 */
export const PLACEHOLDER = /\$\{[A-Za-z_][^{}:]*\}/;

export interface ResourceTarget {
  resource: string;
  dataStore: string;
}

export interface PolicyDocument {
  version?: string;
  statements: Statement[];
}

/** A policy document that may be unknown until apply. */
export interface DocRef {
  known: boolean;
  document?: PolicyDocument;
  /**
   * Plans: some placeholder stands for a reference whose expression the plan does not state (no
   * configuration beside it), so `${aws_s3_bucket.b.arn}` may be `${aws_s3_bucket.b.arn}/*` as
   * written. Absent when every placeholder is the expression as written.
   */
  referencesOnly?: boolean;
  /** Why the document is unknown, or why it could not be read. */
  reason?: string;
  /**
   * The document exists but could not be read: not valid JSON, not an IAM policy, or too large to
   * judge (NHI-UNK-002). Absent when it is merely unknown until apply (NHI-UNK-001).
   */
  unreadable?: boolean;
}

export interface Expiry {
  /** The raw tag value when present. */
  raw?: string;
  /** True when raw is a real calendar date YYYY-MM-DD. */
  valid: boolean;
  /** Whole days from `now` to the expiry date (negative when past). */
  daysLeft?: number;
}

/** Governance tags mapped through the configured tag keys. Values are as written. */
export interface Governance {
  owner?: string;
  purpose?: string;
  dataClass?: string;
  environment?: string;
  identityKind?: string;
  ticket?: string;
  expiry: Expiry;
}

export interface PolicyLink {
  /** Policy id in Inventory.policies. */
  policy: string;
  /** Group id when the policy reaches the identity through group membership. */
  via?: string;
}

export interface Identity {
  /** Unique within the Inventory. Stable for the same declaration across runs. */
  id: string;
  kind: 'role' | 'user';
  /** null when unknown until apply. */
  name: string | null;
  arn?: string;
  path?: string;
  tags: Record<string, string>;
  /** True when tags cannot be known before apply. */
  tagsUnknown?: boolean;
  /** Enrichment: governance tags read through the configured keys. */
  governance?: Governance;
  /** Roles: the assume-role (trust) policy. */
  trust?: DocRef;
  maxSessionDuration?: number;
  policies: PolicyLink[];
  /**
   * The permissions boundary: the id of its policy in Inventory.policies, or why it is not known
   * (an ARN computed at apply). Identity-policy grants count only where the boundary allows too.
   */
  permissionsBoundary?: { policy?: string; reason?: string };
  /** Users: group ids. */
  groups: string[];
  change: Change;
  /** Live only: when it was created and last used (null: never used). */
  usage?: Usage;
  origin: Origin;
}

/** Live facts about use; the day counts are enrichment from the fixed `now`. */
export interface Usage {
  createDate?: string;
  /** ISO time of the last use; null when AWS has no record of any use. */
  lastUsed?: string | null;
  /** Enrichment: whole days since createDate. */
  ageDays?: number;
  /** Enrichment: whole days since lastUsed; null when never used. */
  daysSinceUsed?: number | null;
}

export interface Group {
  id: string;
  name: string | null;
  policies: PolicyLink[];
  origin: Origin;
}

export interface Policy {
  id: string;
  name: string | null;
  /** inline: embedded in one identity; managed: customer managed; aws-managed: arn:aws:iam::aws:policy/... */
  type: 'inline' | 'managed' | 'aws-managed';
  arn?: string;
  document: DocRef;
  change: Change;
  origin: Origin;
}

export interface Rotation {
  enabled: boolean;
  /** Rotation interval in days (schedule expressions converted); null when unknown. */
  intervalDays?: number | null;
  lastRotated?: string | null;
  /** Enrichment (live): whole days since lastRotated, or since creation when never rotated. */
  daysSinceRotated?: number | null;
}

export interface Credential {
  id: string;
  kind: 'access-key' | 'secret' | 'login-profile';
  name: string | null;
  arn?: string;
  /** The identity id the credential belongs to (access keys, login profiles). */
  identity?: string;
  tags: Record<string, string>;
  /** Enrichment: governance tags read through the configured keys. */
  governance?: Governance;
  status?: 'Active' | 'Inactive';
  rotation?: Rotation;
  /** Secrets: KMS key reference and whether it is customer managed (null when unknown). */
  kms?: { keyId?: string; customerManaged: boolean | null };
  /** Never the value: only that it exists and whether the configuration wrote it literally. */
  value?: { present: boolean; literal: boolean };
  /**
   * Secrets: the region the secret lives in, when known (its ARN; declared: its `region`
   * attribute or the region of the provider configuration it uses). Secrets Manager names are
   * unique per region only.
   */
  region?: string;
  /** Secrets: the resource policy (aws_secretsmanager_secret_policy) when one is declared. */
  resourcePolicy?: DocRef;
  /** Live: creation time, last use (access keys; null when never used). */
  createDate?: string;
  lastUsed?: string | null;
  /** Enrichment (live): whole days since createDate and since lastUsed (null when never used). */
  ageDays?: number;
  daysSinceUsed?: number | null;
  change: Change;
  origin: Origin;
}

export interface DataStore {
  id: string;
  kind: 's3' | 'dynamodb' | 'rds' | 'healthlake' | 'kms';
  name: string | null;
  arn?: string;
  /** Live S3 buckets: the region the bucket is in (GetBucketLocation); other stores name theirs in the ARN. */
  region?: string;
  tags: Record<string, string>;
  /** Value of the data-class tag when present. */
  dataClass?: string;
  /** Value of the owner tag when present (enrichment): who answers for findings about the store itself. */
  owner?: string;
  /**
   * The resource policy: an S3 bucket policy, a KMS key policy. Absent when none is declared (a
   * KMS key then has the default key policy, which leaves access to IAM policies of its account).
   */
  resourcePolicy?: DocRef;
  /** The customer-managed KMS key that encrypts the store: a KMS store id of this Inventory, or the key as written. */
  kmsKey?: string;
  /**
   * KMS keys: automatic rotation enabled (null when unknown until apply), and whether a key policy
   * is written for the key rather than the default one AWS attaches (null when unknown).
   */
  keyRotation?: boolean | null;
  keyPolicy?: boolean | null;
  change: Change;
  origin: Origin;
}

/**
 * NHI-ROT-008: a credential found in plain configuration (environment variables, user data,
 * container definitions, a non-sensitive variable or output, an SSM String parameter). Where it
 * is and what kind it looks like, never the value (checks/loaders/plainConfig.ts).
 */
export interface PlainCredential {
  /** `<holder id>#<path>`. */
  id: string;
  /** Terraform type of what holds it (`aws_lambda_function`, ...), or `variable` / `output`. */
  holderType: string;
  /** The holder's name when known (function name, parameter name, variable name). */
  name: string | null;
  /** Attribute path inside the holder: `environment[0].variables.DB_PASSWORD`. */
  path: string;
  /** `aws-access-key`, `aws-secret-key`, `private-key`, `github-token`, ..., or `password-like`. */
  kind: string;
  change: Change;
  origin: Origin;
}

/**
 * NHI-TR-007: compute that receives an instance profile, and whether its instance metadata
 * service requires session tokens (IMDSv2).
 */
export interface Compute {
  id: string;
  kind: 'instance' | 'launch-template' | 'autoscaling-group';
  name: string | null;
  /** True when it carries an instance profile (a name, an ARN, or a reference known after apply). */
  instanceProfile: boolean;
  /** metadata_options.http_tokens as declared or read; absent when not declared. */
  httpTokens?: string;
  /** metadata_options.http_endpoint as declared or read (`disabled`: no metadata service at all); absent when not declared. */
  httpEndpoint?: string;
  /** Autoscaling groups: ids of the launch templates (Compute) they launch; absent when unknown. */
  launchTemplates?: string[];
  change: Change;
  origin: Origin;
}

/** Something a rule needs that stays unknown until apply (becomes NHI-UNK-001). */
export interface Unknown {
  id: string;
  what: 'policy-document' | 'trust-policy' | 'attachment' | 'tags';
  detail: string;
  origin: Origin;
}

/**
 * A waiver declared next to the resource it covers (a `Waiver` construct in stacks/), as written:
 * validated and judged like the waivers of a --waivers file.
 */
export interface DeclaredWaiver {
  fields: Record<string, unknown>;
  origin: Origin;
}

export interface InputRef {
  kind: SourceKind;
  file: string;
}

/** Live: a part of the account that could not be read (the result is incomplete, exit 3). */
export interface Gap {
  /** AWS service, e.g. `iam`, `secretsmanager`. */
  service: string;
  /** API operation, e.g. `ListAccessKeys`. */
  operation: string;
  region?: string;
  /** The account the part belongs to (live runs; an organization run reads many). */
  account?: string;
  /** What the operation was about (a user name, a secret) when it was per element. */
  target?: string;
  /** Error code and message from AWS or the network, never a secret. */
  error: string;
}

export interface Inventory {
  schemaVersion: typeof INVENTORY_SCHEMA_VERSION;
  inputs: InputRef[];
  accountId?: string;
  /**
   * Where accountId came from: the caller identity data source, ARNs the input knows, the
   * provider's allowed_account_ids (plans, state, synth), or the live session (live).
   */
  accountSource?: 'own-account' | 'policy-data' | 'caller-identity' | 'known-arns' | 'allowed-account-ids' | 'live';
  /**
   * The own accounts the user named (--own-account, the config file's own-account, or policy data
   * ownAccounts), when there are any: the rules count each of them as the own account.
   */
  ownAccounts?: string[];
  /** Live: the region scanned (IAM is global; Secrets Manager is regional). */
  region?: string;
  /** Live: every region read when more than one was asked for (--region repeated, --all-regions). */
  regions?: string[];
  /** Live: when the snapshot was taken (ISO time). */
  collectedAt?: string;
  /** Live: what could not be read. Non-empty means incomplete (exit 3), never clean. */
  gaps?: Gap[];
  identities: Identity[];
  groups: Group[];
  policies: Policy[];
  credentials: Credential[];
  dataStores: DataStore[];
  unknowns: Unknown[];
  /** Synth: waivers declared in the stacks. */
  waivers?: DeclaredWaiver[];
  /** Credentials found in plain configuration (NHI-ROT-008). */
  plainCredentials?: PlainCredential[];
  /** Instances, launch templates and autoscaling groups (NHI-TR-007). */
  compute?: Compute[];
  /** Enrichment: the effective access to data stores of data-class phi and pii (checks/access/). */
  access?: AccessFacts;
}

/** How much a principal can do on a data store: read its data, change it, or control who can. */
export type AccessLevel = 'read' | 'write' | 'admin';

/** How a reach starts: the principal's own IAM policy, the store's resource policy, or assuming roles first. */
export type AccessVia = 'identity-policy' | 'resource-policy' | 'role-chain';

/**
 * One hop of an access path. `assume`: `from` may call sts:AssumeRole on role `to` (policy
 * statement of `from`, when it is an identity of this Inventory) and the trust policy of `to`
 * admits it (trust statement). `grant`: an IAM policy statement of `from` allows actions on store
 * `to`. `resource-grant`: the resource policy of store `to` allows `from`. `key`: the KMS key `to`
 * lets `from` decrypt the store's data (key policy statement, and the IAM statement when the key
 * policy leaves it to IAM).
 */
export interface AccessStep {
  kind: 'assume' | 'grant' | 'resource-grant' | 'key';
  from: string;
  to: string;
  /** Policy id (Inventory.policies) of the IAM statement, when one is part of the hop. */
  policy?: string;
  /** Index of that statement in the policy document. */
  statement?: number;
  sid?: string;
  /** Index of the trust (assume) or resource/key policy statement. */
  resourceStatement?: number;
  /** Actions as written in the statement that make the hop. */
  actions?: string[];
  /** Condition keys of the statements of the hop (the hop holds only when they match). */
  conditions?: string[];
  /** The permissions boundary of `from` could not be read, so it was not applied. */
  boundaryUnknown?: boolean;
}

/** A principal outside this Inventory's identities that reaches a store (named in a trust or resource policy). */
export interface AccessPrincipal {
  /** `arn:...` of an IAM role or user, `account:<id>` for every principal of an account, `*` for anyone. */
  id: string;
  /** unresolved: a Principal entry no input resolves (a reference to no identity of the inputs, or no ARN); its id is the entry as written. */
  kind: 'external' | 'unresolved' | 'account' | 'any';
  /** The account it belongs to, when known. */
  account?: string;
  /** True when it belongs to the Inventory's own account. */
  ownAccount: boolean;
}

export interface AccessStore {
  id: string;
  kind: DataStore['kind'] | 'secret';
  name: string | null;
  dataClass: string;
  owner?: string;
  /** The raw value of the store's max-reach tag, when it has one. */
  maxReach?: string;
}

/** One principal's access to one store, by one way in (the strongest level, on the shortest path found for it). */
export interface AccessReach {
  /** An identity id of this Inventory, or an AccessPrincipal id. */
  principal: string;
  store: string;
  /** The strongest level, the one whose path is shown. */
  level: AccessLevel;
  /** Every level held this way, weakest first (write without read is possible). */
  levels: AccessLevel[];
  via: AccessVia;
  /** Role ids assumed on the way, in order (empty unless via is role-chain). */
  chain: string[];
  path: AccessStep[];
}

/** The whole map: every reach with its path (the `access` command; computed by checks/access/compute.ts). */
export interface AccessMapData {
  stores: AccessStore[];
  principals: AccessPrincipal[];
  reaches: AccessReach[];
}

/**
 * What the rules judge (Inventory.access), bounded for the policy input (checks/access/facts.ts):
 * per store, how many principals reach it and a handful of them, never the whole list (a
 * `Resource "*"` grant reaches every store: the full map grows with identities x stores and is
 * the `access` command's, computed from the same Inventory). The paths only of reaches of phi
 * stores through a role chain or a resource policy (the direct ones are judged by NHI-LP-008 from
 * the policies themselves).
 */
/**
 * A policy the access map could not read for a mapped store: its own resource policy, or the key
 * policy of the KMS key that gates reading it (checks/access/unjudged.ts). NHI-UNK-001 reports one
 * unknown until apply, NHI-UNK-002 one that is unreadable.
 */
export interface UnjudgedPolicy {
  policy: 'resource-policy' | 'key-policy';
  /** The store (resource-policy) or the KMS key (key-policy) whose policy it is. */
  of: string;
  name: string | null;
  unreadable: boolean;
  reason: string;
}

export interface AccessFacts {
  stores: Array<
    AccessStore & {
      /** The resource and key policies the map could not read (absent when it read them all). */
      unjudged?: UnjudgedPolicy[];
      /** How many distinct principals reach the store (directly, through a role chain or a resource policy). */
      reachCount: number;
      /** True when a resource policy admits anyone (`*`). */
      reachedByAnyone: boolean;
      /** The first principals by label (at most ACCESS_SHOWN, indexes into principalIds): the names a message shows. */
      shown: number[];
      /** Principals reaching it that carry a live usage record (indexes into principalIds): the ones that can be dormant. */
      reachedByUsed: number[];
    }
  >;
  /** Identity ids and AccessPrincipal ids named by the stores' shown and reachedByUsed. */
  principalIds: string[];
  principals: AccessPrincipal[];
  indirect: AccessReach[];
}

export function emptyInventory(inputs: InputRef[] = []): Inventory {
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    inputs,
    identities: [],
    groups: [],
    policies: [],
    credentials: [],
    dataStores: [],
    unknowns: [],
  };
}
