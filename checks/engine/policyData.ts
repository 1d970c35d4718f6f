/**
 * Policy data: the defaults shipped in policies/data.json (data.nhi.config) with a user's --data
 * file merged over them key by key, validated against checks/schemas/policy-data.schema.json.
 */
import { UserError } from '../errors.js';
import { dictFrom, own } from '../dict.js';
import { isObject, readJsonOrYaml } from '../io/files.js';
import { assertValid } from '../schemas/index.js';

export interface PolicyConfig {
  tagKeys: {
    owner: string;
    purpose: string;
    dataClass: string;
    environment: string;
    expiresOn: string;
    identityKind: string;
    ticket: string;
    /** NHI-LP-011: the tag of a data store that caps how many principals may reach it. */
    maxReach?: string;
  };
  validValues: { dataClass: string[]; environment: string[]; identityKind: string[] };
  maxLifetimeDays: Record<string, number>;
  rotationMaxDays: number;
  rotationMaxDaysPhi: number;
  accessKeyMaxAgeDays: number;
  dormantDays: number;
  /** An active access key never used is dormant once it is older than this (a new key has not had its first use yet). */
  neverUsedKeyDays: number;
  expiringSoonDays: number;
  waiverMaxDays: number;
  /** NHI-WVR-002: the shortest reason a waiver may give, in characters. */
  waiverMinReasonChars: number;
  breakGlassMaxSessionSeconds: number;
  owners: string[];
  accounts: Record<string, string>;
  driftExemptPaths: string[];
  /** NHI-LP-011: how many principals may reach a PHI store without a max-reach tag. */
  phiMaxReach?: number;
  /** NHI-LP-008: actions that read only names, tags and settings of data stores. */
  phiMetadataActions: string[];
  /** NHI-LP-009: by service prefix, the resource types whose Read actions return the data they hold. */
  dataReadTypes: Record<string, string[]>;
  /** NHI-LP-009: actions that return data though the catalog files them under another access level. */
  dataReadActions: string[];
  /** The own AWS accounts of declared inputs, above what they say (an --own-account option wins over it). */
  ownAccounts?: string[];
}

/** Objects merge recursively (into maps without a prototype: keys of the user's file are data); arrays and scalars replace. */
export function mergeOver(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out = dictFrom<unknown>(base);
  for (const [k, v] of Object.entries(over)) out[k] = Object.hasOwn(base, k) ? mergeOver(own(base, k), v) : v;
  return out;
}

export function defaultsFromBundle(bundleData: Record<string, unknown>): unknown {
  const nhi = bundleData.nhi;
  return isObject(nhi) ? nhi.config : undefined;
}

/** Validates the defaults of a bundle's data (done once, when the pack is built and cached). */
export function assertValidDefaults(bundleData: Record<string, unknown>): void {
  assertValid('policyData', defaultsFromBundle(bundleData), 'policies/data.json', '$.nhi.config');
}

/**
 * The policy settings: the bundle's defaults, with the user's --data file merged over them.
 * `defaultsValid` skips validating the defaults again when the compiled pack already did (compiling
 * the schema is a noticeable part of a run); a user file is always validated.
 */
export async function resolvePolicyConfig(
  bundleData: Record<string, unknown>,
  dataFile?: string,
  opts: { defaultsValid?: boolean } = {},
): Promise<PolicyConfig> {
  const defaults = defaultsFromBundle(bundleData);
  if (!opts.defaultsValid) assertValidDefaults(bundleData);
  if (!dataFile) return defaults as PolicyConfig;
  const user = await readJsonOrYaml(dataFile);
  if (!isObject(user)) throw new UserError('must be an object of policy settings', { file: dataFile, jsonPath: '$' });
  assertValid('policyData', user, dataFile);
  const merged = mergeOver(defaults, user);
  assertValid('policyData', merged, dataFile);
  return merged as PolicyConfig;
}
