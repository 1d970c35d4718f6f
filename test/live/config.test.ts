/**
 * The second-round rules on live state, against a real moto server through the real AWS SDK v3
 * clients: NHI-ROT-008 (Lambda environments, ECS task and Batch job definitions, SSM String parameters, instance
 * and launch template user data), NHI-TR-007 (instances, launch template versions, autoscaling
 * groups), NHI-ROT-009 (phi KMS keys), NHI-LP-009 and the NotAction/NotResource cases. Each fires
 * on its violation and not on its look-alike, from the account (`check --live aws`) and from a
 * snapshot; the planted credentials appear in no output format, no file and not in the Inventory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLive } from '../../checks/live/collect.js';
import type { Inventory } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { FORMATS } from '../../reports/index.js';
import { runCli } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { REGION, useTestCredentials } from './account.js';
import { CONFIG_CANARIES, seedConfigurations, type SeededConfigurations } from './configurations.js';

let moto: MotoServer;
let seeded: SeededConfigurations;
let inv: Inventory;
let findings: Array<{ ruleId: string; resource: { name: string; arn?: string }; message: string }>;
const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-live-config-'));
const env = () => ({ ...process.env, AWS_REGION: REGION });
const CANARIES = Object.values(CONFIG_CANARIES);
const ACCOUNT = '123456789012';
const arn = (kind: string, id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${kind}/${id}`;

const expectNoCanary = (where: string, text: string) => {
  for (const c of CANARIES) expect(text.includes(c), `${where} holds ${c}`).toBe(false);
};

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  seeded = await seedConfigurations(moto.url);
  inv = await collectLive({ region: REGION, endpoint: moto.url });
  const r = await runCli(
    ['check', '--live', 'aws', '--endpoint', moto.url, '--region', REGION, '--format', 'json', '--fail-on', 'none', '--output', path.join(dir, 'live.json')],
    env(),
  );
  expect(r.code, r.stderr).toBe(0);
  findings = JSON.parse(readFileSync(path.join(dir, 'live.json'), 'utf8')).findings;
}, 180_000);

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Names of the resources a rule fires on. */
const on = (rule: string) => new Set(findings.filter((f) => f.ruleId === rule).map((f) => f.resource.name));

describe('live configurations: facts without values', () => {
  it('the account really holds the planted values (read back through moto), so their absence below means something', async () => {
    const { GetFunctionConfigurationCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
    const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
    const cfg = { region: REGION, endpoint: moto.url };
    const lambda = new LambdaClient(cfg);
    const ssm = new SSMClient(cfg);
    try {
      const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'rot008-bad' }));
      expect(fn.Environment?.Variables?.DB_PASSWORD).toBe(CONFIG_CANARIES.lambdaPassword);
      const p = await ssm.send(new GetParameterCommand({ Name: '/lab/rot008-good/hl7-password', WithDecryption: true }));
      expect(p.Parameter?.Value).toBe(CONFIG_CANARIES.secureString);
    } finally {
      lambda.destroy();
      ssm.destroy();
    }
  });

  it('is complete and schema-valid, and keeps no planted value', () => {
    expect(inv.gaps).toEqual([]);
    expect(check('inventory', inv)).toBeNull();
    expectNoCanary('the live Inventory', JSON.stringify(inv));
  });

  it('names the attribute path and the kind of each credential in plain configuration, nothing else', () => {
    const got = (inv.plainCredentials ?? []).map((p) => `${p.holderType} ${p.name} ${p.path} ${p.kind}`).sort();
    expect(got).toEqual(
      [
        'aws_lambda_function rot008-bad environment[0].variables.DB_PASSWORD password-like',
        'aws_lambda_function rot008-bad environment[0].variables.UPSTREAM_KEY_ID aws-access-key',
        'aws_ecs_task_definition rot008-bad:1 container_definitions[0].environment.HL7_PASSWORD password-like',
        'aws_batch_job_definition rot008-batch-bad:1 container_properties.environment.LAB_DB_PASSWORD password-like',
        'aws_ssm_parameter /lab/rot008-bad/github-token value github-token',
        'aws_instance tr007-bad user_data password-like',
        'aws_launch_template tr007-bad user_data aws-access-key',
      ].sort(),
    );
    for (const p of inv.plainCredentials ?? [])
      expect(p).toMatchObject({ change: 'existing', origin: { source: 'live', arn: expect.stringMatching(/^arn:aws:/) } });
  });

  it('reads the instance profile and IMDS token setting of instances and of the default and latest launch template versions', () => {
    const byId = new Map((inv.compute ?? []).map((c) => [c.id, c]));
    expect(byId.get(arn('instance', seeded.instances.bad))).toMatchObject({
      kind: 'instance',
      name: 'tr007-bad',
      instanceProfile: true,
      httpTokens: 'optional',
    });
    expect(byId.get(arn('instance', seeded.instances.good))).toMatchObject({ instanceProfile: true, httpTokens: 'required' });
    expect(byId.get(arn('instance', seeded.instances.noProfile))).toMatchObject({ instanceProfile: false });
    expect(byId.get(arn('instance', seeded.instances.imdsOff))).toMatchObject({ instanceProfile: true, httpTokens: 'optional', httpEndpoint: 'disabled' });
    const mixed = arn('launch-template', seeded.templates.mixed);
    expect(byId.get(mixed)).toMatchObject({ kind: 'launch-template', name: 'tr007-mixed', instanceProfile: true, httpTokens: 'optional' });
    expect(byId.get(`${mixed}#$Latest`)).toMatchObject({ name: 'tr007-mixed $Latest (version 2)', instanceProfile: true, httpTokens: 'required' });
    expect(byId.get(arn('launch-template', seeded.templates.bad))?.httpTokens).toBeUndefined();
    const groups = (inv.compute ?? []).filter((c) => c.kind === 'autoscaling-group');
    expect(Object.fromEntries(groups.map((g) => [g.name, g.launchTemplates]))).toEqual({
      'tr007-bad': [arn('launch-template', seeded.templates.bad)],
      'tr007-good': [arn('launch-template', seeded.templates.good)],
      'tr007-mixed-latest': [`${mixed}#$Latest`],
      'tr007-mixed-default': [mixed],
    });
  });

  it('reads rotation and an own key policy of customer managed keys', () => {
    const keys = new Map(inv.dataStores.filter((d) => d.kind === 'kms').map((d) => [d.arn, d]));
    expect(keys.get(seeded.keys.bad)).toMatchObject({ keyRotation: false, keyPolicy: false });
    expect(keys.get(seeded.keys.good)).toMatchObject({ keyRotation: true, keyPolicy: true });
  });
});

describe('the rules fire live on the violation, not on the look-alike', () => {
  const cases: Array<[string, string[], string[]]> = [
    [
      'NHI-ROT-008',
      ['rot008-bad', 'rot008-bad:1', 'rot008-batch-bad:1', '/lab/rot008-bad/github-token', 'tr007-bad'],
      ['rot008-good', 'rot008-good:1', 'rot008-batch-good:1', '/lab/rot008-good/db-password', '/lab/rot008-good/hl7-password', 'tr007-good'],
    ],
    [
      'NHI-TR-007',
      ['tr007-bad', 'tr007-mixed', 'tr007-mixed-default'],
      ['tr007-good', 'tr007-no-profile', 'tr007-imds-off', 'tr007-mixed $Latest (version 2)', 'tr007-mixed-latest'],
    ],
    ['NHI-LP-009', ['lp009-bad', 'lp002-notaction-bad'], ['lp009-good', 'lp007-bad']],
    ['NHI-LP-002', ['lp002-notaction-bad'], ['lp007-bad', 'lp009-good']],
    // NotAction [iam:*, organizations:*] on "*" is one finding, NHI-LP-002's (services left whole).
    ['NHI-LP-003', ['lp003-notresource-bad'], ['lp003-notresource-good', 'lp007-bad', 'lp002-notaction-bad']],
    ['NHI-LP-005', ['lp005-notaction-bad'], ['lp002-notaction-bad', 'lp006-passrole-good']],
    ['NHI-LP-006', ['lp002-notaction-bad', 'lp006-passrole-bad'], ['lp006-passrole-good', 'lp007-bad']],
    // The phi KMS keys are the phi stores here: NotAction leaving kms whole reaches them.
    ['NHI-LP-008', ['lp002-notaction-bad'], ['lp003-notresource-good', 'lp007-bad', 'lp009-good']],
  ];
  it.each(cases)('%s', (rule, bad, good) => {
    const at = on(rule);
    for (const b of bad) expect(at.has(b), `${rule} on ${b}; found on ${[...at].join(', ') || 'nothing'}`).toBe(true);
    for (const g of good) expect(at.has(g), `${rule} must not fire on ${g}`).toBe(false);
  });

  it('NHI-ROT-009 on the phi key with defaults, not on the governed one', () => {
    const keys = findings.filter((f) => f.ruleId === 'NHI-ROT-009').map((f) => f.resource.arn);
    expect(keys).toContain(seeded.keys.bad);
    expect(keys).not.toContain(seeded.keys.good);
    expect(findings.find((f) => f.ruleId === 'NHI-ROT-009' && f.resource.arn === seeded.keys.bad)?.message).toMatch(
      /no automatic rotation and no key policy of its own/,
    );
  });

  it('a ROT-008 finding names the path and the kind, never the value', () => {
    const f = findings.find((x) => x.ruleId === 'NHI-ROT-008' && x.resource.name === '/lab/rot008-bad/github-token');
    expect(f?.message).toBe(
      'aws_ssm_parameter /lab/rot008-bad/github-token holds a credential of the form github-token in plain configuration at value: rotate it and move it to a secret store',
    );
  });
});

describe('the planted credentials appear in no output', () => {
  let snapshot: string;
  beforeAll(async () => {
    snapshot = path.join(dir, 'snapshot.json');
    const r = await runCli(['snapshot', '--live', 'aws', '--endpoint', moto.url, '--output', snapshot], env());
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('a snapshot gives check the same second-round findings offline', async () => {
    const r = await runCli(['check', '--snapshot', snapshot, '--format', 'json', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const key = (f: { ruleId: string; resource: { name: string } }) => `${f.ruleId} ${f.resource.name}`;
    const rules = /^NHI-(ROT-008|ROT-009|TR-007|LP-009)$/;
    const fromSnapshot = (JSON.parse(r.stdout).findings as typeof findings)
      .filter((f) => rules.test(f.ruleId))
      .map(key)
      .sort();
    expect(fromSnapshot.length).toBeGreaterThan(8);
    expect(fromSnapshot).toEqual(
      findings
        .filter((f) => rules.test(f.ruleId))
        .map(key)
        .sort(),
    );
  });

  it.each(FORMATS)(
    '--format %s: check --live and check --snapshot, stdout, stderr and the file',
    async (format) => {
      const out = path.join(dir, `live.${format}`);
      for (const args of [
        ['check', '--live', 'aws', '--endpoint', moto.url, '--format', format, '--fail-on', 'none', '--output', out],
        ['check', '--snapshot', snapshot, '--format', format, '--fail-on', 'none'],
      ]) {
        const r = await runCli(args, env());
        expect(r.code, r.stderr).toBe(0);
        expectNoCanary(`${args[1]} ${format} stdout`, r.stdout);
        expectNoCanary(`${args[1]} ${format} stderr`, r.stderr);
      }
      expectNoCanary(out, readFileSync(out, 'utf8'));
    },
    120_000,
  );

  it('inventory --live and every file written', async () => {
    for (const format of ['text', 'json']) {
      const r = await runCli(['inventory', '--live', 'aws', '--endpoint', moto.url, '--format', format], env());
      expect(r.code, r.stderr).toBe(0);
      expectNoCanary(`inventory ${format}`, r.stdout + r.stderr);
    }
    for (const f of readdirSync(dir)) expectNoCanary(f, readFileSync(path.join(dir, f), 'utf8'));
  }, 120_000);
});
