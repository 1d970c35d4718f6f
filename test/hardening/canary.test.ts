/**
 * Secret canaries: values planted wherever plans, state, tfstate and synth output carry secrets
 * (secret attributes, sensitive markers, variables, configuration constants, prior_state, keys of
 * sensitive maps, malformed documents next to the syntax error) must appear nowhere: not on
 * stdout, not on stderr, not in any file written, in any command and any format.
 * test/reports/canary.test.ts covers the estate fixture's own canary per format; this goes wider.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../reports/index.js';
import { runCli, type CliResult } from '../support/cli.js';
import { ESTATE_PLAN, ESTATE_TFSTATE, FIXTURES } from '../support/estate.js';
import { canary } from '../support/hostile.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-canary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = ['--now', '2026-11-22T00:00:00Z'];

const planted: string[] = [];
const c = (label: string) => {
  const v = canary(label);
  planted.push(v);
  return v;
};

type Json = Record<string, any>;

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Resources that carry secrets, as plan values with their sensitive markers. */
function secretResources(tag: string): Array<{ address: string; type: string; name: string; values: Json; sensitive: Json; changeSensitive?: Json }> {
  return [
    {
      address: `aws_iam_role.canary_${tag}`,
      type: 'aws_iam_role',
      name: `canary_${tag}`,
      values: {
        name: `canary-${tag}`,
        assume_role_policy: TRUST,
        description: c(`${tag}-description`),
        tags: { owner: 'team', [c(`${tag}-tagkey`)]: 'v', note: c(`${tag}-tag`) },
      },
      sensitive: { description: true, tags: true },
    },
    {
      // Marked only in resource_changes.after_sensitive, not in planned_values.sensitive_values.
      address: `aws_iam_role.canary_${tag}_after`,
      type: 'aws_iam_role',
      name: `canary_${tag}_after`,
      values: { name: `canary-${tag}-after`, assume_role_policy: TRUST, tags: { owner: c(`${tag}-after-sensitive`), [c(`${tag}-after-key`)]: 'x' } },
      sensitive: {},
      changeSensitive: { tags: true },
    },
    {
      address: `aws_iam_access_key.canary_${tag}`,
      type: 'aws_iam_access_key',
      name: `canary_${tag}`,
      values: {
        user: 'vendor-portal',
        id: 'AKIACANARYCANARY0001',
        status: 'Active',
        secret: c(`${tag}-akey`),
        ses_smtp_password_v4: c(`${tag}-smtp`),
        encrypted_secret: c(`${tag}-encsecret`),
      },
      sensitive: { secret: true, ses_smtp_password_v4: true },
    },
    {
      address: `aws_iam_user_login_profile.canary_${tag}`,
      type: 'aws_iam_user_login_profile',
      name: `canary_${tag}`,
      values: { user: 'vendor-portal', password: c(`${tag}-password`) },
      sensitive: { password: true },
    },
    {
      address: `aws_secretsmanager_secret_version.canary_${tag}`,
      type: 'aws_secretsmanager_secret_version',
      name: `canary_${tag}`,
      values: { secret_id: 'lab-api', secret_string: c(`${tag}-secret-string`), secret_binary: c(`${tag}-secret-binary`) },
      sensitive: { secret_string: true, secret_binary: true },
    },
    {
      address: `aws_db_instance.canary_${tag}`,
      type: 'aws_db_instance',
      name: `canary_${tag}`,
      values: { identifier: 'db', password: c(`${tag}-db-password`), master_password: c(`${tag}-master`), tags: { 'data-class': 'phi' } },
      sensitive: { password: true },
    },
  ];
}

/** An AWS access key id made of a canary's random part: detected by its format, never printed. */
const akia = () => {
  const v = `AKIA${randomBytes(6).toString('hex').toUpperCase()}QQQQ`;
  planted.push(v);
  return v;
};

/** Canaries that sit in the inputs only encoded (base64 user data): checked decoded, by the NHI-ROT-008 case. */
const decoded: string[] = [];
const userData = (tag: string) => {
  const secret = canary(`${tag}-user-data`);
  decoded.push(secret);
  const b64 = Buffer.from(`#!/bin/sh\nexport DB_PASSWORD=${secret}\n`).toString('base64');
  planted.push(b64);
  return b64;
};

/** Credentials in plain configuration (NHI-ROT-008): found and named by path, never printed. */
function plainConfigResources(tag: string): Array<{ address: string; type: string; name: string; values: Json; sensitive: Json; changeSensitive?: Json }> {
  return [
    {
      address: `aws_lambda_function.plain_${tag}`,
      type: 'aws_lambda_function',
      name: `plain_${tag}`,
      values: { function_name: `plain-${tag}`, environment: [{ variables: { DB_PASSWORD: c(`${tag}-lambda-env`), AWS_ACCESS_KEY_ID: akia() } }] },
      sensitive: {},
    },
    {
      address: `aws_ecs_task_definition.plain_${tag}`,
      type: 'aws_ecs_task_definition',
      name: `plain_${tag}`,
      values: {
        family: `plain-${tag}`,
        container_definitions: JSON.stringify([{ name: 'app', environment: [{ name: 'API_TOKEN', value: c(`${tag}-ecs-env`) }] }]),
      },
      sensitive: {},
    },
    {
      address: `aws_launch_template.plain_${tag}`,
      type: 'aws_launch_template',
      name: `plain_${tag}`,
      values: { name: `plain-${tag}`, user_data: userData(tag) },
      sensitive: {},
    },
  ];
}

function canaryPlan(): Json {
  const plan = JSON.parse(readFileSync(ESTATE_PLAN, 'utf8')) as Json;
  plan.variables = { db_password: { value: c('plan-variable') }, api_token: { value: { nested: c('plan-variable-nested') } } };
  // Sensitive outputs carry their value in `show -json`; only waiver outputs are ever read.
  plan.planned_values.outputs = {
    ...(plan.planned_values.outputs ?? {}),
    db_password: { sensitive: true, value: c('plan-output') },
    conn: { sensitive: true, value: { password: c('plan-output-nested') } },
  };
  plan.output_changes = {
    db_password: { actions: ['create'], before: null, after: c('plan-output-change'), after_unknown: false, before_sensitive: false, after_sensitive: true },
  };
  plan.planned_values.outputs.plain_token = { sensitive: false, value: c('plan-plain-output') };
  const rs = [...secretResources('plan'), ...plainConfigResources('plan')];
  for (const r of rs) {
    plan.planned_values.root_module.resources.push({
      address: r.address,
      mode: 'managed',
      type: r.type,
      name: r.name,
      values: r.values,
      sensitive_values: r.sensitive,
    });
    plan.resource_changes.push({
      address: r.address,
      mode: 'managed',
      type: r.type,
      name: r.name,
      change: {
        actions: ['create'],
        before: null,
        after: r.values,
        after_unknown: {},
        before_sensitive: false,
        after_sensitive: r.changeSensitive ?? r.sensitive,
      },
    });
    plan.configuration.root_module.resources.push({
      address: r.address,
      mode: 'managed',
      type: r.type,
      name: r.name,
      expressions: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, { constant_value: v }])),
    });
  }
  // A secret written as a configuration constant of the estate's own secret version.
  const sv = plan.configuration.root_module.resources.find((x: Json) => x.type === 'aws_secretsmanager_secret_version');
  sv.expressions.secret_string = { constant_value: c('plan-config-constant') };
  // A deleted access key: its secret sits in `before`.
  plan.resource_changes.push({
    address: 'aws_iam_access_key.gone',
    mode: 'managed',
    type: 'aws_iam_access_key',
    name: 'gone',
    change: {
      actions: ['delete'],
      before: { user: 'vendor-portal', id: 'AKIAGONE', secret: c('plan-before-secret'), status: 'Active' },
      after: null,
      before_sensitive: { secret: true },
      after_sensitive: false,
    },
  });
  // prior_state: a data source with a sensitive value and a managed resource with a password.
  plan.prior_state ??= { format_version: plan.format_version, values: { root_module: { resources: [] } } };
  plan.prior_state.values.root_module.resources.push(
    {
      address: 'data.aws_secretsmanager_secret_version.read',
      mode: 'data',
      type: 'aws_secretsmanager_secret_version',
      name: 'read',
      values: { secret_id: 'x', secret_string: c('plan-prior-data') },
      sensitive_values: { secret_string: true },
    },
    {
      address: 'data.aws_iam_policy_document.secretish',
      mode: 'data',
      type: 'aws_iam_policy_document',
      name: 'secretish',
      values: { json: c('plan-prior-json'), statement: [] },
      sensitive_values: { json: true },
    },
  );
  return plan;
}

function canaryTfstate(): Json {
  const st = JSON.parse(readFileSync(ESTATE_TFSTATE, 'utf8')) as Json;
  st.outputs = { ...(st.outputs ?? {}), db_password: { value: c('tfstate-output'), type: 'string', sensitive: true } };
  st.outputs.plain_token = { value: c('tfstate-plain-output'), type: 'string' };
  for (const r of [...secretResources('tfstate'), ...plainConfigResources('tfstate')]) {
    const sensitive_attributes = Object.keys(r.changeSensitive ?? r.sensitive).map((k) => [{ type: 'get_attr', value: k }]);
    st.resources.push({
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: 0, attributes: r.values, sensitive_attributes }],
    });
  }
  // A tag value marked sensitive by path (tags.owner) in the tfstate v4 style.
  st.resources.push({
    mode: 'managed',
    type: 'aws_iam_role',
    name: 'canary_tagpath',
    provider: 'x',
    instances: [
      {
        attributes: { name: 'canary-tagpath', assume_role_policy: TRUST, tags: { owner: c('tfstate-tag-path') } },
        sensitive_attributes: [
          [
            { type: 'get_attr', value: 'tags' },
            { type: 'index', value: { value: 'owner', type: 'string' } },
          ],
        ],
      },
    ],
  });
  return st;
}

function canaryShowState(): Json {
  const show = JSON.parse(readFileSync(path.join(FIXTURES, 'state', 'estate-show.json'), 'utf8')) as Json;
  for (const r of [...secretResources('show'), ...plainConfigResources('show')]) {
    show.values.root_module.resources.push({
      address: r.address,
      mode: 'managed',
      type: r.type,
      name: r.name,
      values: r.values,
      sensitive_values: r.changeSensitive ?? r.sensitive,
    });
  }
  return show;
}

function canarySynth(): string {
  const d = path.join(dir, 'synth');
  mkdirSync(path.join(d, 'stacks', 'canary'), { recursive: true });
  writeFileSync(
    path.join(d, 'manifest.json'),
    JSON.stringify({ version: '0.21.0', stacks: { canary: { name: 'canary', synthesizedStackPath: 'stacks/canary/cdk.tf.json' } } }),
  );
  const stack = {
    variable: { db_password: { default: c('synth-variable-default'), sensitive: true }, api_token: { default: c('synth-plain-variable') } },
    locals: { token: c('synth-local') },
    output: { leaked: { value: c('synth-output'), sensitive: true } },
    resource: {
      aws_iam_role: {
        app: {
          name: 'synth-app',
          assume_role_policy: TRUST,
          tags: {
            owner: 'team',
            fromsecret: '${aws_secretsmanager_secret_version.v.secret_string}',
            fromvar: '${var.db_password}',
            fromdb: '${aws_db_instance.db.password}',
            fromssm: '${aws_ssm_parameter.p.value}',
            fromrandom: '${random_password.r.result}',
          },
          '//': { metadata: { path: 'canary/app' } },
        },
      },
      aws_secretsmanager_secret: { s: { name: 'synth-secret', tags: { owner: 'team' } } },
      aws_secretsmanager_secret_version: { v: { secret_id: '${aws_secretsmanager_secret.s.id}', secret_string: c('synth-secret-string') } },
      aws_iam_access_key: { k: { user: 'u', pgp_key: 'keybase:x', secret: c('synth-akey') } },
      aws_iam_user_login_profile: { p: { user: 'u', password: c('synth-password') } },
      aws_db_instance: { db: { identifier: 'db', password: c('synth-db-password'), tags: { 'data-class': 'phi' } } },
      // Secrets in attributes whose names do not say so, of types no rule reads: never resolved into another resource.
      aws_ssm_parameter: {
        p: { name: '/app/db', type: 'SecureString', value: c('synth-ssm-value') },
        plain: { name: '/app/db-password', type: 'String', value: c('synth-ssm-plain') },
      },
      aws_lambda_function: { plain: { function_name: 'synth-plain', environment: { variables: { SERVICE_TOKEN: c('synth-lambda-env'), KEY_ID: akia() } } } },
      random_password: { r: { length: 32, result: c('synth-random-result') } },
    },
  };
  writeFileSync(path.join(d, 'stacks', 'canary', 'cdk.tf.json'), JSON.stringify(stack));
  return d;
}

let PLAN: string;
let TFSTATE: string;
let SHOW: string;
let SYNTH: string;
const outDir = path.join(dir, 'out');

beforeAll(() => {
  mkdirSync(outDir);
  PLAN = path.join(dir, 'plan.json');
  writeFileSync(PLAN, JSON.stringify(canaryPlan()));
  TFSTATE = path.join(dir, 'canary.tfstate');
  writeFileSync(TFSTATE, JSON.stringify(canaryTfstate()));
  SHOW = path.join(dir, 'show.json');
  writeFileSync(SHOW, JSON.stringify(canaryShowState()));
  SYNTH = canarySynth();
});

/** Every file under the output folder, read back. */
function writtenFiles(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push([p, readFileSync(p, 'utf8')]);
    }
  };
  walk(outDir);
  return out;
}

function expectNoCanary(where: string, text: string): void {
  for (const v of [...planted, ...decoded]) {
    // The random suffix is what makes a canary unique; its label part may be printed as a name.
    const secret = v.slice(v.lastIndexOf('-') + 1);
    expect(text.includes(v) || text.includes(secret), `${where} holds canary ${v}`).toBe(false);
  }
}

function expectClean(r: CliResult, what: string): void {
  expectNoCanary(`${what} stdout`, r.stdout);
  expectNoCanary(`${what} stderr`, r.stderr);
}

describe('canaries planted in every kind of input', () => {
  it('the inputs really hold every canary', () => {
    const all = [PLAN, TFSTATE, SHOW, path.join(SYNTH, 'stacks', 'canary', 'cdk.tf.json')].map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(planted.length).toBeGreaterThan(40);
    for (const v of planted) expect(all).toContain(v);
  });

  it.each(FORMATS)('check --format %s, to stdout and to --output', async (format) => {
    const args = ['check', '--plan', PLAN, '--state', TFSTATE, '--state', SHOW, '--synth', SYNTH, '--format', format, '--fail-on', 'none', ...NOW];
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(100);
    expectClean(r, `check ${format}`);
    const out = path.join(outDir, `report.${format}`);
    const w = await runCli([...args, '--output', out]);
    expect(w.code).toBe(0);
    expectClean(w, `check ${format} --output`);
  });

  it.each(['text', 'json'])('inventory --format %s', async (format) => {
    for (const src of [
      ['--plan', PLAN],
      ['--state', TFSTATE],
      ['--state', SHOW],
      ['--synth', SYNTH],
    ]) {
      const r = await runCli(['inventory', ...src, '--format', format, ...NOW]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expectClean(r, `inventory ${src[0]} ${format}`);
    }
    const w = await runCli([
      'inventory',
      '--plan',
      PLAN,
      '--state',
      TFSTATE,
      '--synth',
      SYNTH,
      '--format',
      format,
      '--output',
      path.join(outDir, `inventory.${format}`),
      ...NOW,
    ]);
    expect(w.code).toBe(0);
  });

  it('the literal secret is still detected (NHI-ROT-007) without printing it', async () => {
    const r = await runCli(['check', '--plan', PLAN, '--synth', SYNTH, '--format', 'json', '--fail-on', 'none', ...NOW]);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> };
    expect(doc.findings.filter((f) => f.ruleId === 'NHI-ROT-007').length).toBeGreaterThanOrEqual(2);
    expectClean(r, 'check rot-007');
  });

  it('credentials in plain configuration are found (NHI-ROT-008) and named by path only', async () => {
    const r = await runCli(['check', '--plan', PLAN, '--state', TFSTATE, '--state', SHOW, '--synth', SYNTH, '--format', 'json', '--fail-on', 'none', ...NOW]);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string }> };
    const msgs = doc.findings.filter((f) => f.ruleId === 'NHI-ROT-008').map((f) => f.message);
    for (const where of [
      'environment[0].variables.DB_PASSWORD',
      'environment[0].variables.AWS_ACCESS_KEY_ID',
      'container_definitions[0].environment.API_TOKEN',
      'user_data',
      'output plain_token',
      'variable api_token',
      'aws_ssm_parameter /app/db-password',
    ]) {
      expect(
        msgs.some((m) => m.includes(where)),
        `${where} in ${msgs.join('\n')}`,
      ).toBe(true);
    }
    // plan, show state, tfstate, synth: one lambda each, with a password and an access key.
    expect(msgs.filter((m) => m.includes('an AWS access key id')).length).toBeGreaterThanOrEqual(4);
    expectClean(r, 'check rot-008');
  });

  it.each(FORMATS)('report merge --format %s', async (format) => {
    const a = path.join(outDir, 'merge-a.json');
    const b = path.join(outDir, 'merge-b.json');
    await runCli(['check', '--plan', PLAN, '--format', 'json', '--fail-on', 'none', '--output', a, ...NOW]);
    await runCli(['check', '--state', TFSTATE, '--synth', SYNTH, '--format', 'json', '--fail-on', 'none', '--output', b, ...NOW]);
    const r = await runCli(['report', 'merge', a, b, '--format', format, '--output', path.join(outDir, `merged.${format}`)]);
    expect(r.code).toBe(0);
    expectClean(r, `merge ${format}`);
  });

  it('policies list, every format', async () => {
    for (const format of ['text', 'json', 'markdown']) {
      const r = await runCli(['policies', 'list', '--format', format]);
      expect(r.code).toBe(0);
      expectClean(r, `policies list ${format}`);
    }
  });

  it('no file written anywhere holds a canary', () => {
    const files = writtenFiles();
    expect(files.length).toBeGreaterThan(FORMATS.length * 2);
    for (const [f, text] of files) expectNoCanary(f, text);
  });
});

describe('canaries next to a syntax error, as values and as keys', () => {
  const broken = (v: string, k: string): Array<[string, string]> => [
    ['value then truncated', `{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"values":{"secret_string":"${v}"`],
    ['value then junk', `{"format_version":"1.2","x":"${v}" junk}`],
    ['key then junk', `{"format_version":"1.2","${k}": nope}`],
    ['key then truncated', `{"${k}"`],
    ['unterminated string value', `{"password":"${v}`],
    ['bad escape inside the value', `{"password":"${v}\\q"}`],
    ['control character inside the value', `{"password":"${v}\u0001"}`],
  ];
  const kinds: Array<[string, (f: string) => string[]]> = [
    ['--plan', (f) => ['inventory', '--plan', f]],
    ['--state', (f) => ['inventory', '--state', f]],
    ['--data', (f) => ['check', '--plan', ESTATE_PLAN, '--data', f]],
    ['--waivers', (f) => ['check', '--plan', ESTATE_PLAN, '--waivers', f]],
    ['report merge', (f) => ['report', 'merge', f]],
  ];
  it.each(kinds)('%s (JSON)', async (_kind, args) => {
    for (const [name, text] of broken(c('syntax-value'), c('syntax-key'))) {
      const f = path.join(dir, `broken-${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(f, text);
      const r = await runCli([...args(f), ...NOW]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean), name).toHaveLength(1);
      expectClean(r, `${name}`);
    }
  });

  it('a synth stack file and manifest', async () => {
    const d = path.join(dir, 'broken-synth');
    mkdirSync(path.join(d, 's'), { recursive: true });
    writeFileSync(path.join(d, 'manifest.json'), `{"stacks":{"a":{"synthesizedStackPath":"s/cdk.tf.json"}}}`);
    for (const [name, text] of broken(c('synth-syntax-value'), c('synth-syntax-key'))) {
      writeFileSync(path.join(d, 's', 'cdk.tf.json'), text);
      const r = await runCli(['inventory', '--synth', d, ...NOW]);
      expect(r.code, name).toBe(2);
      expectClean(r, `synth ${name}`);
    }
  });

  it('YAML policy data and waivers', async () => {
    const v = c('yaml-value');
    const k = c('yaml-key');
    const docs = [
      `${k}: [unclosed\n`,
      `owners: ["${v}\n`,
      `owners:\n  - ${v}\n - bad indent\n`,
      `waivers:\n  - resource: ${v}\n   ruleId: [x\n`,
      `a: *${k}\n`,
      `${k}: 1\n${k}: 2\n`,
      `"${v}`,
      `{ ${k}: ${v}, ]`,
    ];
    for (const [i, text] of docs.entries()) {
      for (const flag of ['--data', '--waivers']) {
        const f = path.join(dir, `broken-${i}.yaml`);
        writeFileSync(f, text);
        const r = await runCli(['check', '--plan', ESTATE_PLAN, flag, f, '--fail-on', 'none', ...NOW]);
        expect(r.stderr.split('\n').filter(Boolean).length, `${flag} ${text}: ${r.stderr}`).toBeLessThanOrEqual(1);
        expectClean(r, `${flag} yaml ${i}`);
      }
    }
  });
});
