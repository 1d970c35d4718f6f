/**
 * docs/nightly.md's one-job-per-account examples are valid as written: the Step Functions
 * definition passes asl-validator (the Amazon States Language schemas and path checks) and has the
 * fields a distributed map of ECS Fargate tasks needs; the Kubernetes objects pass
 * kubernetes-models' validation, the Indexed Job has one completion per account of its ConfigMap,
 * and each pod script passes `sh -n`; every nhi-guard command line of the examples (GitHub matrix,
 * Step Functions tasks, pods) uses only options that command has.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import aslValidator from 'asl-validator';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { runCli } from '../support/cli.js';
import { codeBlocks } from '../support/shell.js';

const doc = readFileSync(path.resolve('docs/nightly.md'), 'utf8');
const section = doc.slice(doc.indexOf('## One job per account'));
const blocks = codeBlocks(section);
const asl = JSON.parse(blocks.find((b) => b.lang === 'json')!.body) as Record<string, any>;
const k8s = blocks
  .filter((b) => b.lang === 'yaml' && /^kind: /m.test(b.body) && /^apiVersion: /m.test(b.body))
  .flatMap((b) => parseAllDocuments(b.body).map((d) => d.toJS() as Record<string, any>));
const github = parseYaml(blocks.find((b) => b.lang === 'yaml' && b.body.includes('.github/workflows/nightly-org.yml'))!.body) as Record<string, any>;

type State = Record<string, any>;

/** Every state of a definition, nested ones (map item processors) included. */
function allStates(states: Record<string, State>): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, s]) => [[name, s] as [string, State], ...(s.ItemProcessor ? allStates(s.ItemProcessor.States) : [])]);
}

/** The states from StartAt, following Next until End. */
function mainPath(def: { StartAt: string; States: Record<string, State> }): string[] {
  const out: string[] = [];
  for (let at: string | undefined = def.StartAt; at && !out.includes(at); at = def.States[at]?.Next) out.push(at);
  return out;
}

/** The shell scripts of the pods: `sh -c` with the script as the only argument. */
const podScripts = () =>
  k8s
    .filter((o) => o.kind === 'Job')
    .flatMap((j) => j.spec.template.spec.containers as Array<{ name: string; command: string[]; args: string[] }>)
    .map((c) => ({ name: c.name, command: c.command, script: c.args.join('\n') }));

/** `nhi-guard <command> [sub] --flag ...` in a text (continuation lines joined; a backtick ends an inline one), as [command words, flags]. */
function nhiGuardLines(text: string): Array<{ command: string[]; flags: string[] }> {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const out: Array<{ command: string[]; flags: string[] }> = [];
  for (const m of joined.matchAll(/nhi-guard(?:\.mjs)?\s+([a-z]+)(\s+merge)?((?:\s+(?:--[a-z-]+|[^\s`-][^\s`]*|\.\.\.))*)/g)) {
    out.push({ command: [m[1]!, ...(m[2] ? [m[2].trim()] : [])], flags: [...(m[3] ?? '').matchAll(/--[a-z][a-z-]*/g)].map((f) => f[0]) });
  }
  return out;
}

describe('docs/nightly.md: AWS Step Functions distributed map', () => {
  it('passes asl-validator (schemas and paths), which refuses a broken copy', () => {
    const r = aslValidator(asl);
    expect(r.errorsText('\n'), 'asl-validator').toBe('');
    expect(r.isValid).toBe(true);
    const { StartAt: _s, ...noStart } = asl;
    expect(aslValidator(noStart).isValid).toBe(false);
    expect(aslValidator({ ...asl, States: { ...asl.States, Scan: { ...asl.States.Scan, Next: 'Nowhere' } } }).isValid).toBe(false);
  });

  it('lists the active accounts, maps them distributed with every failure tolerated and caught, then merges', () => {
    expect(mainPath(asl as never)).toEqual(['Accounts', 'Scan', 'Merge']);
    expect(asl.States.Merge.End).toBe(true);
    expect(asl.States.Accounts.ResultSelector['ids.$']).toContain("@.Status == 'ACTIVE'");
    const map = asl.States.Scan;
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.ids');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ToleratedFailurePercentage).toBe(100);
    // Hundreds of ECS task descriptions would pass the 256 KiB payload limit: results are dropped.
    expect(map.ResultPath).toBeNull();
    const scan = map.ItemProcessor.States[map.ItemProcessor.StartAt];
    expect(scan.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'AccountFailed' })]);
    expect(Object.keys(scan.ResultSelector)).toEqual(['exitCode.$']);
    expect(scan.Parameters.Overrides.ContainerOverrides[0].Environment).toEqual([{ Name: 'ACCOUNT', 'Value.$': '$' }]);
  });

  it('every ECS task waits for its task (.sync) and, on Fargate, has the network configuration Fargate requires', () => {
    const ecs = allStates(asl.States).filter(([, s]) => typeof s.Resource === 'string' && s.Resource.includes(':ecs:runTask'));
    expect(ecs.map(([n]) => n).sort()).toEqual(['Merge', 'ScanAccount']);
    for (const [name, s] of ecs) {
      expect(s.Resource, name).toBe('arn:aws:states:::ecs:runTask.sync');
      expect(s.Parameters.LaunchType, name).toBe('FARGATE');
      expect(s.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets.length, name).toBeGreaterThan(0);
      expect(s.Parameters.TaskDefinition, name).toMatch(/^nhi-guard-/);
    }
  });
});

describe('docs/nightly.md: Kubernetes Jobs', () => {
  it('is a ConfigMap, an Indexed scan Job and a merge Job, each valid for kubernetes-models', () => {
    expect(k8s.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['ConfigMap nhi-guard-accounts', 'Job nhi-guard-scan', 'Job nhi-guard-merge']);
    for (const o of k8s) {
      const model = o.kind === 'Job' ? new Job(o as never) : new ConfigMap(o as never);
      expect(() => model.validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
    // The validation is real: a Job without a container name, or with completions as text, is refused.
    const scan = k8s.find((o) => o.metadata.name === 'nhi-guard-scan')!;
    expect(() => new Job({ ...scan, spec: { ...scan.spec, completions: '3' } }).validate()).toThrow(/completions/);
  });

  it('the scan Job has one completion per account of its ConfigMap, mounts it, and never restarts a pod in place', () => {
    const cm = k8s.find((o) => o.kind === 'ConfigMap')!;
    const accounts = (cm.data.accounts as string).trim().split('\n');
    expect(accounts.every((a) => /^\d{12}$/.test(a))).toBe(true);
    const scan = k8s.find((o) => o.metadata.name === 'nhi-guard-scan')!;
    expect(scan.spec.completionMode).toBe('Indexed');
    expect(scan.spec.completions).toBe(accounts.length);
    expect(scan.spec.template.spec.restartPolicy).toBe('Never');
    expect(scan.spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: cm.metadata.name } });
    // The script reads the account at its completion index from the mounted file.
    expect(podScripts().find((p) => p.name === 'scan')!.script).toContain('sed -n "$((JOB_COMPLETION_INDEX + 1))p" /config/accounts');
    // Both Jobs write to and read from the same claim.
    const claims = k8s
      .filter((o) => o.kind === 'Job')
      .map((j) => j.spec.template.spec.volumes.find((v: { persistentVolumeClaim?: unknown }) => v.persistentVolumeClaim).persistentVolumeClaim.claimName);
    expect(new Set(claims)).toEqual(new Set(['nhi-guard-reports']));
  });

  it('each pod script is valid sh and picks the right account for its index', () => {
    const scripts = podScripts();
    expect(scripts.map((s) => s.name)).toEqual(['scan', 'merge']);
    for (const s of scripts) {
      expect(s.command).toEqual(['/bin/sh', '-c']);
      const r = spawnSync('sh', ['-n', '-c', s.script], { encoding: 'utf8' });
      expect(r.status, `${s.name}: ${r.stderr}`).toBe(0);
    }
    // Run as written up to the nhi-guard call, the ConfigMap's keys as the files of its volume:
    // index 1 is the second account, and the scan profile chains its role to the hub profile.
    const cm = k8s.find((o) => o.kind === 'ConfigMap')!;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-k8s-'));
    for (const [k, v] of Object.entries(cm.data as Record<string, string>)) writeFileSync(path.join(dir, k), v);
    const head = scripts[0]!.script.slice(0, scripts[0]!.script.indexOf('mkdir'));
    const local = head.replaceAll('/config/', `${dir}/`).replaceAll('/tmp/aws-config', `${dir}/aws-config.out`);
    const run = spawnSync('sh', ['-c', `${local}\necho "$ACCOUNT"; cat "$AWS_CONFIG_FILE"`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, JOB_COMPLETION_INDEX: '1', EXTERNAL_ID: 'ext-1' },
    });
    expect(run.status, run.stderr).toBe(0);
    const second = (cm.data.accounts as string).split('\n')[1]!;
    expect(run.stdout.split('\n')[0]).toBe(second);
    expect(run.stdout).toContain(`[profile hub]\nrole_arn = arn:aws:iam::999999999999:role/nhi-guard-hub\n`);
    expect(run.stdout).toContain(`[profile scan]\nrole_arn = arn:aws:iam::${second}:role/nhi-guard-scanner\nsource_profile = hub\nexternal_id = ext-1\n`);
  });
});

describe('docs/nightly.md: every nhi-guard command line of the examples', () => {
  const lines = [
    ...nhiGuardLines(JSON.stringify(github.jobs, null, 1).replace(/\\n/g, '\n').replace(/\\\\/g, '\\')),
    ...nhiGuardLines(section.slice(section.indexOf('Notes on it:'), section.indexOf('Kubernetes:'))),
    ...podScripts().flatMap((p) => nhiGuardLines(p.script)),
  ];

  it('are found (GitHub matrix, Step Functions tasks, pods)', () => {
    expect(lines.map((l) => l.command.join(' '))).toEqual(['drift', 'report merge', 'drift', 'report merge', 'drift', 'report merge']);
    for (const l of lines.filter((x) => x.command[0] === 'drift'))
      expect(l.flags).toEqual(expect.arrayContaining(['--live', '--all-regions', '--history', '--format', '--output']));
  });

  it.each(['drift', 'report merge'])('nhi-guard %s has every option they use', async (command) => {
    const help = await runCli([...command.split(' '), '--help']);
    expect(help.code).toBe(0);
    const known = new Set([...help.stdout.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
    for (const l of lines.filter((x) => x.command.join(' ') === command)) for (const f of l.flags) expect(known, `${command} ${f}`).toContain(f);
  });
});
