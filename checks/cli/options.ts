/**
 * The option table: every option of every command, once. The command builders take their options
 * from it, and the config file's keys are its names (the flags' own kebab-case names), so a flag
 * and its config key can never drift apart. Per command, an entry may change the yargs spec (a
 * default, single instead of repeatable) or say that the config file does not set it there.
 */
import type { ArgumentsCamelCase, Argv, CommandModule, InferredOptionType, Options } from 'yargs';
import { SEVERITIES } from '../engine/metadata.js';
import { UserError } from '../errors.js';
import { ACCESS_FORMATS } from '../access/render.js';
import { FORMATS } from '../../reports/index.js';

export const COMMANDS = ['check', 'baseline', 'access', 'drift', 'inventory', 'snapshot', 'report', 'policies', 'synth'] as const;
export type Command = (typeof COMMANDS)[number];

/** `policies list --format`. */
export const RULE_FORMATS = ['text', 'json', 'markdown'] as const;

/** How a config file value is read: a value as is, a path (relative to the file), or `--format` entries. */
export type ConfigKind = 'value' | 'path' | 'format' | 'severity-map' | 'account';

export interface OptionDef {
  spec: Options;
  /** The commands that take it, each with changes to the spec; `configFile: false`: the config file does not set it there. */
  commands: Partial<Record<Command, Partial<Options> & { configFile?: false }>>;
  config?: ConfigKind;
  /** Never from a repository's config file, with the reason given to the user. */
  refusedInConfig?: string;
}

const EVALUATING = { check: {}, baseline: {}, drift: {} } as const;
const SOURCES = { check: {}, baseline: {}, inventory: {}, access: {} } as const;
const LIVE = { check: {}, baseline: {}, inventory: {}, access: {}, snapshot: {}, drift: {} } as const;
const ALL = Object.fromEntries(COMMANDS.map((c) => [c, {}])) as Record<Command, object>;

/** The declared side of drift, and of a drift access map. */
const DECLARED = {
  drift: {},
  access: {
    describe:
      'declared side of a drift access map: with --snapshot or --live aws, what the live side reaches beyond (or no longer reaches against) the declaration',
  },
} as const;

const redirect = 'a pull request could point the scan elsewhere by editing the file';

const TABLE = {
  config: {
    spec: {
      type: 'string',
      describe: 'option defaults from this YAML or JSON file (default: .nhi-guard.yaml in the current folder or the repository root; docs/config.md)',
    },
    commands: ALL,
  },
  // Sources.
  synth: {
    spec: { type: 'string', array: true, describe: 'cdktf output folder (manifest.json + stacks), or one stack folder (cdk.tf.json), repeatable' },
    commands: SOURCES,
    config: 'path',
  },
  stack: { spec: { type: 'string', array: true, describe: 'with --synth: only this stack of the cdktf output, repeatable' }, commands: SOURCES },
  plan: { spec: { type: 'string', array: true, describe: '`terraform show -json PLANFILE` output, repeatable' }, commands: SOURCES, config: 'path' },
  'tf-dir': {
    spec: { type: 'string', describe: "folder of the plan's root module .tf files (default: the plan file's folder)" },
    commands: SOURCES,
    config: 'path',
  },
  state: {
    spec: { type: 'string', array: true, describe: '`terraform show -json` state or a terraform.tfstate (v4), repeatable' },
    commands: SOURCES,
    config: 'path',
  },
  snapshot: {
    spec: { type: 'string', array: true, describe: 'live snapshot file (nhi-guard snapshot --output), repeatable' },
    commands: { ...SOURCES, drift: { array: false, describe: 'live side: a snapshot file (nhi-guard snapshot) instead of --live aws' } },
    config: 'path',
  },
  'declared-synth': {
    spec: { type: 'string', describe: 'declared side: cdktf output folder' },
    commands: DECLARED,
    config: 'path',
  },
  'declared-plan': {
    spec: { type: 'string', array: true, describe: 'declared side: `terraform show -json` of a plan, repeatable (one per stack)' },
    commands: DECLARED,
    config: 'path',
  },
  'declared-state': {
    spec: { type: 'string', array: true, describe: 'declared side: `terraform show -json` state or a terraform.tfstate, repeatable (one per stack)' },
    commands: DECLARED,
    config: 'path',
  },
  // Live AWS.
  live: { spec: { choices: ['aws'] as const, describe: 'read the live AWS account, read-only (docs/live.md)' }, commands: LIVE },
  region: {
    spec: {
      type: 'string',
      array: true,
      describe:
        'live: AWS region, repeatable; the first is the home region (IAM, STS, S3 listing); Secrets Manager and data stores are read in each (default AWS_REGION or AWS_DEFAULT_REGION)',
    },
    commands: LIVE,
  },
  'all-regions': { spec: { type: 'boolean', describe: 'live: every region enabled in the account (ec2:DescribeRegions) instead of --region' }, commands: LIVE },
  profile: {
    spec: {
      type: 'string',
      describe: 'live: profile of the shared AWS config and credentials files (command line or AWS_PROFILE only, never the config file)',
    },
    commands: LIVE,
    refusedInConfig: `it chooses the AWS credentials the scan runs with, and ${redirect}; give --profile on the command line or set AWS_PROFILE`,
  },
  endpoint: {
    spec: { type: 'string', describe: 'live: AWS-compatible endpoint URL, e.g. a moto server (command line only, never the config file)' },
    commands: LIVE,
    refusedInConfig: `it says which server the scan asks and trusts, and ${redirect}; give --endpoint on the command line`,
  },
  timeout: { spec: { type: 'number', describe: 'live: seconds per AWS request before it is retried or recorded as a gap (default 30)' }, commands: LIVE },
  org: {
    spec: { type: 'boolean', describe: 'live: every active account of the AWS Organization, each through --assume-role-name (docs/live.md#organizations)' },
    commands: LIVE,
  },
  accounts: { spec: { type: 'string', array: true, describe: 'live --org: only these account ids (repeatable, or comma-separated)' }, commands: LIVE },
  'assume-role-name': {
    spec: { type: 'string', describe: 'live --org: the read-only role assumed in each member account (e.g. nhi-guard-scanner)' },
    commands: LIVE,
  },
  'external-id': { spec: { type: 'string', describe: 'live --org: the ExternalId the member roles require, if any' }, commands: LIVE },
  'account-concurrency': { spec: { type: 'number', describe: 'live --org: accounts read at once (default 4, at most 64)' }, commands: LIVE },
  // Policies.
  'policy-dir': {
    spec: { type: 'string', array: true, default: [] as string[], describe: 'extra folder of Rego rules (repeatable)' },
    commands: { ...EVALUATING, policies: {} },
    config: 'path',
  },
  'own-account': {
    spec: {
      type: 'string',
      array: true,
      describe:
        'the own AWS account id of plans, state and synth, repeatable (above what the input says; default: data.aws_caller_identity, known ARNs, allowed_account_ids, policy data ownAccounts)',
    },
    commands: { check: {}, baseline: {}, access: {}, drift: {}, inventory: {} },
    config: 'account',
  },
  data: {
    spec: { type: 'string', describe: 'policy data file (JSON or YAML) merged over the defaults (docs/config.md: the --data format)' },
    commands: { ...EVALUATING, inventory: {}, access: {} },
    config: 'path',
  },
  waivers: {
    spec: {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'waivers file (YAML or JSON), repeatable; waived findings stay in the report and never fail the gate',
    },
    commands: EVALUATING,
    config: 'path',
  },
  rule: {
    spec: {
      type: 'string',
      array: true,
      describe: 'report only these rules: ids or globs such as NHI-OWN-* (repeatable); the report records what was left out',
    },
    commands: EVALUATING,
  },
  'skip-rule': {
    spec: { type: 'string', array: true, describe: 'do not report these rules: ids or globs (repeatable); the report counts their findings' },
    commands: EVALUATING,
  },
  'severity-override': {
    spec: {
      type: 'string',
      array: true,
      describe: 'RULE=SEVERITY: report a rule (id or glob) at another severity, repeatable (config: a map of rule to severity)',
    },
    commands: EVALUATING,
    config: 'severity-map',
  },
  now: {
    spec: { type: 'string', describe: 'fixed clock, ISO-8601 (default: the current time)' },
    commands: {
      ...EVALUATING,
      inventory: {},
      access: {},
      snapshot: { describe: 'collection time recorded in the snapshot, ISO-8601 (default: the current time)' },
    },
  },
  baseline: {
    spec: {
      type: 'string',
      describe:
        'findings document of an earlier run (e.g. the default branch, or `nhi-guard baseline`): findings are new, existing or resolved, and --fail-on gates on new findings only (docs/baseline.md)',
    },
    commands: {
      check: {},
      drift: {},
      access: { describe: 'access map of an earlier run (access --format json): show what this change gives or takes', configFile: false },
    },
    config: 'path',
  },
  // Reports.
  format: {
    spec: {
      type: 'string',
      nargs: 1,
      default: 'text',
      describe: `report format, repeatable as FORMAT=FILE: ${FORMATS.join('|')} (e.g. --format sarif=nhi.sarif --format markdown=nhi.md --format text)`,
    },
    commands: {
      check: {},
      drift: {},
      report: { default: 'json' },
      inventory: { choices: ['text', 'json'], nargs: undefined, describe: 'table or Inventory JSON', configFile: false },
      access: { choices: ACCESS_FORMATS, nargs: undefined, describe: 'report format', configFile: false },
      policies: { choices: RULE_FORMATS, nargs: undefined, describe: 'list: output format', configFile: false },
    },
    config: 'format',
  },
  output: {
    spec: { type: 'string', describe: 'write the report to this file (atomically) instead of stdout' },
    commands: {
      check: {},
      drift: {},
      report: {},
      baseline: { describe: 'write the baseline to this file (atomically) instead of stdout' },
      inventory: { configFile: false },
      access: { describe: 'write to this file (atomically) instead of stdout', configFile: false },
      snapshot: { describe: 'the snapshot file (written atomically)', configFile: false },
      policies: { describe: 'list: write to this file', configFile: false },
    },
    config: 'path',
  },
  'fail-on': {
    spec: {
      choices: [...SEVERITIES, 'none'] as const,
      default: 'high',
      describe: 'exit 1 when a finding (with --baseline: a new finding) is at or above this severity',
    },
    commands: { check: {}, drift: {}, report: { default: 'none', describe: 'exit 1 when a merged finding is at or above this severity' } },
  },
  'source-root': {
    spec: { type: 'string', describe: 'sarif/github: file locations relative to this folder (default: the current folder)' },
    commands: { check: {}, drift: {}, report: {} },
    config: 'path',
  },
  // Drift.
  history: {
    spec: { type: 'string', describe: "report history folder: adds this run's JSON findings document and draws the trend over the folder" },
    commands: { drift: {} },
    config: 'path',
  },
  'split-by': { spec: { choices: ['owner'] as const, describe: 'one report per owner, written into the --output folder' }, commands: { drift: {} } },
  // policies, synth.
  force: { spec: { type: 'boolean', default: false, describe: 'build: ignore the cache' }, commands: { policies: {} } },
  outdir: { spec: { type: 'string', default: 'cdktf.out', describe: 'output folder' }, commands: { synth: {} }, config: 'path' },
  app: { spec: { type: 'string', describe: 'cdktf app entry file (default: stacks/main.ts of nhi-guard)' }, commands: { synth: {} }, config: 'path' },
  quiet: { spec: { type: 'boolean', default: false, describe: 'print nothing on success (errors still go to stderr)' }, commands: { synth: {} } },
} as const satisfies Record<string, OptionDef>;

/** The option table, looked up by a name read at run time (a config file's key). */
export const OPTIONS: Readonly<Record<string, OptionDef>> = TABLE;

type Table = typeof TABLE;
/** An option's name: a flag without its dashes, and the key of the config file. */
export type OptionName = keyof Table;
type CommandsOf<K extends OptionName> = Table[K]['commands'];
/** The options a command takes. */
type NamesOf<C extends Command> = { [K in OptionName]: C extends keyof CommandsOf<K> ? K : never }[OptionName];
/** An option's spec for a command: the table's spec with the command's changes over it. */
type SpecOf<K extends OptionName, C extends Command> = C extends keyof CommandsOf<K>
  ? Omit<Table[K]['spec'], keyof CommandsOf<K>[C]> & Omit<CommandsOf<K>[C], 'configFile'>
  : never;
/** A value yargs parses for a spec; `nargs: 1` options are repeatable (--format a --format b gives a list). */
type ValueOf<O> = O extends Options ? (O extends { nargs: 1 } ? InferredOptionType<O> | InferredOptionType<O>[] : InferredOptionType<O>) : never;
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
/** An option's key in the parsed argv (`fail-on` → `failOn`). */
export type OptionKey = CamelCase<OptionName>;

/** The parsed options of a command, by the flags' names (what withOptions adds to a yargs builder). */
export type OptionTypes<C extends Command> = { [K in NamesOf<C>]: ValueOf<SpecOf<K, C>> };
/**
 * The options a command's handler reads: camel-case keys only and no index signature, so that a
 * misspelt option is a type error. `const a: ArgsOf<'check'> = argv;` in the handler.
 */
export type ArgsOf<C extends Command, Extra = object> = { [K in NamesOf<C> as CamelCase<K>]: ValueOf<SpecOf<K, C>> } & Extra;
/** The argv a command's handler is given (yargs' type: both spellings, and an index signature). */
export type ParsedArgv<C extends Command, Extra = object> = ArgumentsCamelCase<OptionTypes<C> & Extra>;

/** A command: its handler's argv typed from what its builder returns (withOptions and positionals). */
export function defineCommand<U>(module: CommandModule<object, U>): CommandModule<object, U> {
  return module;
}

/** Whether a name read at run time (a config file's key) is an option of the table. */
export function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(TABLE, name);
}

/** The spec of an option for a command, or undefined when the command does not take it. */
export function specFor(name: string, command: Command): (Options & { configFile?: false }) | undefined {
  const def = OPTIONS[name];
  const over = def?.commands[command];
  if (!def || !over) return undefined;
  return { ...def.spec, ...over };
}

/**
 * Adds the table's options of `command` to a yargs builder, typed from the table (OptionTypes):
 * the one place where the loop over the table meets the type derived from it.
 */
export function withOptions<T, C extends Command>(y: Argv<T>, command: C): Argv<T & OptionTypes<C>> {
  let out: Argv<T> = y;
  const single: string[] = [];
  for (const name of Object.keys(OPTIONS)) {
    const spec = specFor(name, command);
    if (!spec) continue;
    const { configFile: _configFile, ...yargsSpec } = spec;
    out = out.option(name, yargsSpec);
    if (spec.type !== 'array' && spec.array !== true && spec.nargs !== 1) single.push(name);
  }
  // yargs turns an option given twice into a list; one that takes a single value refuses that,
  // instead of a handler meeting a list where its type says a string.
  out = out.check((argv) => {
    const given = argv as Record<string, unknown>;
    for (const name of single) {
      const v = given[name];
      if (Array.isArray(v)) throw new UserError(`--${name} is given ${v.length} times; it takes one value`);
    }
    return true;
  });
  return out as Argv<T & OptionTypes<C>>;
}

/** Every option name a command takes (for typo suggestions). */
export function optionNames(command: Command): string[] {
  return Object.keys(OPTIONS).filter((n) => OPTIONS[n]!.commands[command] !== undefined);
}

/** `fail-on` → `failOn` (the key yargs hands to the handlers). */
export function camel<N extends string>(name: N): CamelCase<N> {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as CamelCase<N>;
}
