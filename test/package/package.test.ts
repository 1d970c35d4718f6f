/**
 * The npm package as users get it: `npm pack` (prepack compiles the pack and bundles the CLI), the
 * tarball installed into an empty folder, run with a PATH holding node and npm only (no opa, no Go,
 * no tsx) and an empty home (no cache). It finds exactly what the checkout finds compiling
 * policies/ with opa, in every format; its shipped pack equals a fresh build of policies/.
 * Then the GitHub Action's shell steps and the pre-commit hook, run against that tarball.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { collectPolicyFiles } from '../../checks/engine/build.js';
import { BUILTIN_POLICY_DIR } from '../../checks/engine/index.js';
import { OPA_VERSION, PROJECT_ROOT } from '../../checks/engine/opaBinary.js';
import { sourcesHash, type PackManifest } from '../../checks/engine/shipped.js';
import { check as schemaCheck } from '../../checks/schemas/index.js';
import { runCli, runNode, type CliResult, type NodeRun } from '../support/cli.js';
import { FIXTURES } from '../support/estate.js';
import { synthExamples } from '../support/synth.js';
import { buildShippedPack } from '../../scripts/build.js';

const NOW = '2026-11-22T00:00:00Z';
const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'html', 'github'];
const PLANS = readdirSync(path.join(FIXTURES, 'plans'))
  .filter((f) => f.endsWith('.json'))
  .sort();
const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

/** npm's own CLI script (run with this node), and the user's npm cache (used offline where it can). */
const NPM_CLI = realpathSync(path.join(path.dirname(process.execPath), 'npm'));
const NPM_CACHE = process.env.npm_config_cache || path.join(os.homedir(), '.npm');

/** A machine's system folders (a shell for npm's install scripts): no opa, go or tsx in them (asserted). */
const SYSTEM_BIN = ['/usr/bin', '/bin'];

let work: string;
/** The folder the tarball is installed into; the copied plans and synth folder live there too. */
let app: string;
let tarball: string;
let packedFiles: string[];
let installed: string;
/** The environment of a fresh machine: node and npm on PATH, an empty home, no opa anywhere. */
let bare: NodeJS.ProcessEnv;

const npm = (args: string[], env: NodeJS.ProcessEnv, cwd: string) => runNode([NPM_CLI, ...args], env, undefined, cwd);
const fromTarball = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runNode([path.join(installed, 'bin', 'nhi-guard.mjs'), ...args], { ...bare, ...env }, undefined, app);
/** The checkout's CLI, in this process (its folder is `app` meanwhile), compiling policies/ with opa (never the shipped pack). */
const fromCheckout = (args: string[]) => runCli(args);

/** generatedAt (the time of the run) is the one field that differs from run to run. */
const stable = (text: string) => text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, (m) => (m.startsWith('2026-11-22T00:00:00') ? m : '<time>'));

function ok<R extends NodeRun | CliResult>(r: R, what: string): R {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout.slice(-2000)}`);
  return r;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'nhi-package-'));
  const bin = path.join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, 'node'));
  symlinkSync(NPM_CLI, path.join(bin, 'npm'));
  symlinkSync(path.join(path.dirname(NPM_CLI), 'npx-cli.js'), path.join(bin, 'npx'));
  const home = path.join(work, 'home');
  mkdirSync(home);
  bare = {
    PATH: bin,
    HOME: home,
    npm_config_cache: NPM_CACHE,
    OPA_BIN: undefined,
    NHI_GUARD_CACHE_DIR: undefined,
    XDG_CACHE_HOME: undefined,
    NHI_GUARD_NO_SHIPPED_PACK: undefined,
    GOPATH: undefined,
    GOROOT: undefined,
  };

  // In the checkout, with the tools of a developer (prepack runs the set-up and the build).
  const packed = ok(await npm(['pack', '--json', '--pack-destination', work], {}, PROJECT_ROOT), 'npm pack');
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(work, info[0]!.filename);
  packedFiles = info[0]!.files.map((f) => f.path).sort();

  app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'user-infra', private: true }));
  // npm runs the install scripts of dependencies through sh; nhi-guard itself runs with node alone.
  const withShell = { ...bare, PATH: [bare.PATH, ...SYSTEM_BIN].join(path.delimiter) };
  ok(await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], withShell, app), 'npm install of the tarball');
  installed = path.join(app, 'node_modules', 'nhi-guard');
  for (const d of ['plans', 'state', 'snapshots']) cpSync(path.join(FIXTURES, d), path.join(app, d), { recursive: true });
  cpSync(synthExamples(), path.join(app, 'cdktf.out'), { recursive: true });
  process.chdir(app);
  process.env.NHI_GUARD_NO_SHIPPED_PACK = '1';
});

afterAll(() => {
  process.chdir(PROJECT_ROOT);
  delete process.env.NHI_GUARD_NO_SHIPPED_PACK;
});

describe('the npm package', () => {
  it('holds what runs and nothing of the development tree; installs without development tools', () => {
    for (const f of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/nhi-guard.mjs',
      'bin/launch.mjs',
      'dist/cli/cli.mjs',
      'dist/pack/policy.wasm',
      'dist/pack/manifest.json',
      'policies/main.rego',
      'checks/schemas/findings.schema.json',
    ]) {
      expect(packedFiles, f).toContain(f);
    }
    expect(packedFiles.filter((f) => /\.ts$/.test(f) || /^(stacks|test|scripts|bench|docs)\//.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin).toEqual({ 'nhi-guard': 'bin/nhi-guard.mjs' });
    expect(readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toContain('Apache License');
    for (const dev of ['tsx', 'esbuild', 'typescript', 'cdktf', '@cdktf/provider-aws', 'vitest']) {
      expect(existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
    }
    // Only node and npm on PATH; the system folders npm and the action's shell steps also see hold no opa, go or tsx.
    expect(readdirSync(bare.PATH!).sort()).toEqual(['node', 'npm', 'npx']);
    for (const dir of SYSTEM_BIN) for (const tool of ['opa', 'go', 'tsx']) expect(existsSync(path.join(dir, tool)), path.join(dir, tool)).toBe(false);
  });

  it('its shipped pack is byte for byte a fresh build of policies/ with the pinned opa (it can never be stale)', async () => {
    const dir = path.join(installed, 'dist', 'pack');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as PackManifest;
    expect(manifest.opaVersion).toBe(OPA_VERSION);
    expect(manifest.sourcesHash).toBe(await sourcesHash(await collectPolicyFiles([BUILTIN_POLICY_DIR])));
    const fresh = path.join(mkdtempSync(path.join(work, 'fresh-')), 'pack');
    await buildShippedPack(fresh);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['data.json', 'manifest.json', 'policy.wasm', 'rules.json']);
    expect(readdirSync(fresh).sort()).toEqual(names);
    for (const f of names) expect(readFileSync(path.join(dir, f)).equals(readFileSync(path.join(fresh, f))), f).toBe(true);
    // The module names the rule files relative to the package, never the build machine's folders.
    expect(readFileSync(path.join(dir, 'policy.wasm')).includes(Buffer.from(PROJECT_ROOT))).toBe(false);
  });

  it.each(PLANS)('check --plan %s finds what the checkout finds, with no opa, Go or tsx', async (plan) => {
    const args = ['check', '--plan', path.join('plans', plan), '--format', 'json', '--fail-on', 'none', '--now', NOW];
    const [mine, theirs] = await Promise.all([fromTarball(args), fromCheckout(args)]);
    expect(mine.stderr).toBe('');
    expect(mine.code).toBe(0);
    ok(theirs, 'the checkout');
    const doc = JSON.parse(mine.stdout) as { findings: unknown[] };
    expect(schemaCheck('findings', doc)).toBeNull();
    expect(stable(mine.stdout)).toBe(stable(theirs.stdout));
    // No cache was written: the shipped pack is used as it is.
    expect(readdirSync(bare.HOME!)).toEqual([]);
  });

  it('check --plan estate-create.json has findings (the comparison above is not of empty reports)', async () => {
    const r = await fromTarball(['check', '--plan', 'plans/estate-create.json', '--format', 'json', '--fail-on', 'high', '--now', NOW]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(5);
  });

  it.each(FORMATS)('check --synth in format %s reads as from the checkout', async (format) => {
    const args = ['check', '--synth', 'cdktf.out', '--format', format, '--fail-on', 'none', '--now', NOW];
    const [mine, theirs] = await Promise.all([fromTarball(args), fromCheckout(args)]);
    expect(mine.stderr).toBe('');
    expect(mine.code).toBe(0);
    ok(theirs, 'the checkout');
    expect(mine.stdout.length).toBeGreaterThan(200);
    expect(stable(mine.stdout)).toBe(stable(theirs.stdout));
  });

  it.each(['text', 'markdown', 'json'])('policies list --format %s lists the rules of the checkout', async (format) => {
    const [mine, theirs] = await Promise.all([fromTarball(['policies', 'list', '--format', format]), fromCheckout(['policies', 'list', '--format', format])]);
    expect(mine.code).toBe(0);
    ok(theirs, 'the checkout');
    // Rule files are named in each installation's own policies/ folder.
    const local = (s: string, root: string) => s.split(root).join('<policies>');
    expect(local(mine.stdout, path.join(installed, 'policies'))).toBe(local(theirs.stdout, BUILTIN_POLICY_DIR));
    expect(mine.stdout).toContain('NHI-LP-001');
  });

  it.each([
    [
      'drift',
      [
        'drift',
        '--declared-state',
        'state/estate.tfstate',
        '--snapshot',
        'snapshots/handmade-estate-drift.json',
        '--format',
        'json',
        '--fail-on',
        'none',
        '--now',
        NOW,
      ],
    ],
    ['inventory', ['inventory', '--plan', 'plans/estate-create.json', '--synth', 'cdktf.out', '--format', 'json', '--now', NOW]],
    ['report merge', ['report', 'merge', 'estate.json', 'synth.json', '--format', 'markdown']],
    ['access', ['access', '--synth', 'cdktf.out', '--format', 'json', '--now', NOW]],
  ])('%s reads as from the checkout', async (_name, args) => {
    if (args[0] === 'report') {
      for (const [out, src] of [
        ['estate.json', ['--plan', 'plans/estate-create.json']],
        ['synth.json', ['--synth', 'cdktf.out']],
      ] as const) {
        ok(await fromTarball(['check', ...src, '--format', 'json', '--output', out, '--fail-on', 'none', '--now', NOW]), 'check');
      }
    }
    const [mine, theirs] = await Promise.all([fromTarball(args), fromCheckout(args)]);
    expect(mine.stderr).toBe('');
    expect(mine.code).toBe(0);
    ok(theirs, 'the checkout');
    expect(mine.stdout.length).toBeGreaterThan(200);
    expect(stable(mine.stdout)).toBe(stable(theirs.stdout));
  });

  it('--data is applied at evaluation time: no opa needed, the same findings as the checkout', async () => {
    writeFileSync(path.join(app, 'data.json'), JSON.stringify({ expiringSoonDays: 3650, owners: ['team-legacy'] }));
    const args = ['check', '--plan', 'plans/estate-create.json', '--data', 'data.json', '--format', 'json', '--fail-on', 'none', '--now', NOW];
    const [mine, theirs, plain] = await Promise.all([
      fromTarball(args),
      fromCheckout(args),
      fromTarball(args.filter((a) => a !== '--data' && a !== 'data.json')),
    ]);
    expect(mine.code).toBe(0);
    const count = (r: NodeRun) => (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
    expect(count(mine)).toBeGreaterThan(count(plain));
    expect(stable(mine.stdout)).toBe(stable(theirs.stdout));
  });

  it.each([
    ['check --policy-dir', ['check', '--plan', 'plans/estate-create.json', '--policy-dir', 'plans']],
    ['policies build', ['policies', 'build']],
    ['policies test', ['policies', 'test']],
  ])('%s without opa: exit 2, one line saying how to get it', async (_name, args) => {
    const r = await fromTarball(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`download opa ${OPA_VERSION} from https://github.com/open-policy-agent/opa/releases/tag/v${OPA_VERSION}`);
    expect(lines[0]).toContain('OPA_BIN');
    expect(lines[0]).not.toContain('npm run setup');
  });

  it('a damaged shipped pack is an error (exit 2) naming it, never evaluated', async () => {
    const copy = path.join(app, 'node_modules', 'nhi-guard-damaged');
    cpSync(installed, copy, { recursive: true });
    const wasm = path.join(copy, 'dist', 'pack', 'policy.wasm');
    const bytes = readFileSync(wasm);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(wasm, bytes);
    const r = await runNode([path.join(copy, 'bin', 'nhi-guard.mjs'), 'check', '--plan', 'plans/estate-create.json'], bare, undefined, app);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/dist\/pack: the shipped policy pack is damaged: policy\.wasm does not match its SHA-256 in manifest\.json; reinstall nhi-guard/),
    ]);
  });
});

interface ActionStep {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

const action = YAML.parse(readFileSync(path.join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
};

interface ActionRun {
  steps: Array<{ name: string; code: number; stdout: string; stderr: string; outputs: Record<string, string> }>;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The action's shell steps as GitHub runs a composite action: `bash --noprofile --norc -eo
 * pipefail`, inputs and step outputs substituted into each step's env, GITHUB_OUTPUT per step.
 * `uses:` steps (the SARIF upload) need GitHub and are returned unrun; a failing step stops the run.
 */
async function runAction(inputs: Record<string, string>, installedBy?: ActionRun): Promise<ActionRun> {
  const workspace = mkdtempSync(path.join(work, 'workspace-'));
  cpSync(path.join(app, 'plans'), path.join(workspace, 'plans'), { recursive: true });
  // One runner for all runs (as a self-hosted one): the later installs find the package in place.
  const runnerTemp = path.join(work, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  const files = mkdtempSync(path.join(runnerTemp, 'run-'));
  const summary = path.join(files, 'step-summary.md');
  writeFileSync(summary, '');
  const given = (name: string) => inputs[name] ?? action.inputs[name]?.default ?? '';
  const stepOutputs: Record<string, Record<string, string>> = {};
  const expr = (s: string) =>
    s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, e: string) => {
      let m: RegExpExecArray | null;
      if ((m = /^inputs\.([\w-]+)$/.exec(e))) return given(m[1]!);
      if (e === 'github.action_path') return PROJECT_ROOT;
      if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return stepOutputs[m[1]!]?.[m[2]!] ?? '';
      throw new Error(`expression the test does not know: ${e}`);
    });
  const out: ActionRun = { steps: [], outputs: {}, summary: '', workspace };
  for (const step of action.runs.steps) {
    if (!step.run) continue;
    const earlier = installedBy?.steps.find((s) => s.name === step.name && step.id === 'install');
    if (earlier) {
      // The package that run installed, on the same runner: the install step is not repeated.
      stepOutputs.install = earlier.outputs;
      continue;
    }
    expect(step.shell).toBe('bash');
    const outputFile = path.join(files, `output-${out.steps.length}`);
    writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = {
      ...bare,
      // A runner has the usual system tools; opa, Go and tsx are not among them (asserted below).
      PATH: [bare.PATH, ...SYSTEM_BIN].join(path.delimiter),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: PROJECT_ROOT,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: runnerTemp,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expr(String(v));
    const script = path.join(files, `step-${out.steps.length}.sh`);
    writeFileSync(script, step.run);
    const r = await run(
      '/bin/bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', script],
      Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
      workspace,
    );
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (step.id) stepOutputs[step.id] = outputs;
    out.steps.push({ name: step.name, ...r, outputs });
    if (r.code !== 0) break;
  }
  for (const [k, v] of Object.entries(action.outputs)) out.outputs[k] = expr(v.value);
  out.summary = readFileSync(summary, 'utf8');
  return out;
}

describe('the GitHub Action (its shell steps, as the runner runs them)', () => {
  let first: ActionRun;

  it('is a composite action whose SARIF upload is github/codeql-action/upload-sarif on the SARIF it wrote', () => {
    expect(action.runs.using).toBe('composite');
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe('${{ steps.check.outputs.sarif }}');
    expect(upload?.if).toContain("inputs.upload-sarif == 'true'");
    for (const input of ['plan', 'synth', 'formats', 'fail-on', 'baseline', 'upload-sarif']) expect(Object.keys(action.inputs)).toContain(input);
  });

  it('checks a plan, writes the reports, annotates, summarizes, and fails the gate on findings at or above fail-on', async () => {
    const r = await runAction({
      package: tarball,
      plan: 'plans/estate-create.json',
      formats: 'github, markdown,junit text',
      'fail-on': 'high',
      'upload-sarif': 'true',
    });
    first = r;
    expect(r.steps.map((s) => [s.name, s.code])).toEqual([
      ['install nhi-guard', 0],
      ['check', 0],
      ['gate', 1],
    ]);
    const check = r.steps[1]!;
    expect(r.outputs['exit-code']).toBe('1');
    // github annotations in the log, one per finding of the JSON document.
    const doc = JSON.parse(readFileSync(path.join(r.workspace, r.outputs.json!), 'utf8')) as { findings: Array<{ ruleId: string }> };
    expect(doc.findings.length).toBeGreaterThan(5);
    expect(check.stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l))).toHaveLength(doc.findings.length);
    const sarif = JSON.parse(readFileSync(path.join(r.workspace, r.outputs.sarif!), 'utf8')) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]!.results).toHaveLength(doc.findings.length);
    const junit = readFileSync(path.join(r.workspace, 'nhi-guard-reports', 'nhi-guard.junit'), 'utf8');
    expect(junit).toContain('<testsuites');
    // One evaluation with the gate: the JUnit cases that fail are exactly the rule/resource pairs
    // with an unwaived finding at or above fail-on (a report rendered without the gate fails them all).
    const full = doc as unknown as { findings: Array<{ ruleId: string; severity: string; waived: boolean; resource: { address?: string; name: string } }> };
    const gated = new Set(
      full.findings.filter((f) => !f.waived && ['critical', 'high'].includes(f.severity)).map((f) => `${f.ruleId} ${f.resource.address ?? f.resource.name}`),
    );
    expect(full.findings.some((f) => !f.waived && !['critical', 'high'].includes(f.severity))).toBe(true);
    expect(junit.match(/<failure\b/g) ?? []).toHaveLength(gated.size);
    // text is printed in the log after the annotations, with its exit line.
    expect(check.stdout).toMatch(/finding\(s\) on \d+ identities/);
    expect(r.outputs.markdown).toBe('nhi-guard-reports/nhi-guard.md');
    expect(r.summary).toBe(readFileSync(path.join(r.workspace, r.outputs.markdown!), 'utf8'));
    expect(r.summary).toContain(doc.findings[0]!.ruleId);
    expect(r.steps[2]!.stdout).toContain('::error title=nhi-guard::findings at or above high');
  });

  it('with a baseline of the same plan, passes the gate (nothing new); without a source, stops', async () => {
    const baseline = path.join(work, 'baseline.json');
    ok(await fromTarball(['baseline', '--plan', 'plans/estate-create.json', '--output', baseline, '--now', NOW]), 'nhi-guard baseline');
    const pass = await runAction({ package: tarball, plan: 'plans/estate-create.json', baseline, 'fail-on': 'high' }, first);
    expect(pass.steps.map((s) => [s.name, s.code])).toEqual([
      ['check', 0],
      ['gate', 0],
    ]);
    expect(pass.outputs.sarif).toBe('');
    const doc = JSON.parse(readFileSync(path.join(pass.workspace, pass.outputs.json!), 'utf8')) as { findings: Array<{ baseline?: string }> };
    expect(doc.findings.length).toBeGreaterThan(5);
    expect(pass.steps[1]!.stdout).toContain('nothing at or above high');
    const none = await runAction({ package: tarball }, first);
    expect(none.steps.map((s) => [s.name, s.code])).toEqual([['check', 2]]);
    expect(none.steps[0]!.stdout).toContain('::error title=nhi-guard::nothing to check');
  });

  it('a bad plan stops at the check step with the CLI exit code 2', async () => {
    const r = await runAction({ package: tarball, plan: 'plans/missing.json' }, first);
    expect(r.steps.map((s) => [s.name, s.code])).toEqual([['check', 2]]);
    expect(r.steps[0]!.stderr).toContain('plans/missing.json');
  });
});

describe('the GitLab CI template of docs/ci.md', () => {
  const docs = readFileSync(path.join(PROJECT_ROOT, 'docs', 'ci.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## GitLab CI template'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
  const job = (
    YAML.parse(block) as Record<string, { script: string[]; variables: Record<string, string>; artifacts: { reports: { junit: string }; paths: string[] } }>
  )['.nhi-guard']!;

  it('installs the package of this version, then its script checks once, writes every artifact from that run and ends with the gate, JUnit failing as the gate does', async () => {
    expect(job.variables.NHI_GUARD_VERSION).toBe(pkg.version);
    expect(job.script[0]).toMatch(/^npm install --prefix "\$CI_PROJECT_DIR\/\.nhi-guard" .*"nhi-guard@\$\{NHI_GUARD_VERSION\}"$/);
    // The install line fetches the published package; here the tarball installed above stands in for it.
    const project = mkdtempSync(path.join(work, 'gitlab-'));
    cpSync(path.join(app, 'plans', 'estate-create.json'), path.join(project, 'plan.json'));
    symlinkSync(app, path.join(project, '.nhi-guard'));
    const script = path.join(project, '.script.sh');
    // GitLab runs the lines of a job's script in one shell that stops at the first failing line.
    writeFileSync(script, ['set -eo pipefail', ...job.script.slice(1)].join('\n') + '\n');
    const env = { ...bare, PATH: [bare.PATH, ...SYSTEM_BIN].join(path.delimiter), ...job.variables, CI_PROJECT_DIR: project };
    const clean = (e: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined));
    // One evaluation writes every report and gates: no second check, no report merge (which has no gate).
    const runs = job.script.join('\n').match(/\bnhi-guard (check|report)\b/g) ?? [];
    expect(runs).toEqual(['nhi-guard check']);
    const gate = await run('/bin/bash', [script], clean(env), project);
    expect(gate.code, gate.stderr).toBe(1);
    for (const f of [job.artifacts.reports.junit, ...job.artifacts.paths]) expect(existsSync(path.join(project, f)), f).toBe(true);
    expect(gate.stdout).toContain('NHI-LP-004');
    // The JUnit test report follows the gate: failures are exactly the rule/resource cases with an
    // unwaived finding at or above high; the cases below it pass.
    const doc = JSON.parse(readFileSync(path.join(project, 'nhi-guard.json'), 'utf8')) as {
      findings: Array<{ ruleId: string; severity: string; waived: boolean; resource: { address?: string; name: string } }>;
    };
    const junit = readFileSync(path.join(project, job.artifacts.reports.junit), 'utf8');
    const cases = junit.match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) ?? [];
    const failing = cases.filter((c) => c.includes('<failure'));
    const atOrAbove = new Set(
      doc.findings.filter((f) => !f.waived && ['critical', 'high'].includes(f.severity)).map((f) => `${f.ruleId} ${f.resource.address ?? f.resource.name}`),
    );
    expect(atOrAbove.size).toBeGreaterThan(0);
    expect(failing).toHaveLength(atOrAbove.size);
    expect(doc.findings.some((f) => !f.waived && ['medium', 'low', 'info'].includes(f.severity))).toBe(true);
    expect(cases.length).toBeGreaterThan(failing.length);
    const pass = await run('/bin/bash', [script], clean({ ...env, NHI_GUARD_FAIL_ON: 'none' }), project);
    expect(pass.code, pass.stderr).toBe(0);
    const bad = await run('/bin/bash', [script], clean({ ...env, NHI_GUARD_SOURCE: '--plan missing.json' }), project);
    expect(bad.code).toBe(2);
  });
});

describe('the pre-commit hook', () => {
  const hooks = YAML.parse(readFileSync(path.join(PROJECT_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{
    id: string;
    entry: string;
    args: string[];
    language: string;
    pass_filenames: boolean;
  }>;
  const hook = hooks.find((h) => h.id === 'nhi-guard-synth')!;

  it('runs the package of this version through npx', () => {
    expect(hook.entry).toBe(`npx --yes nhi-guard@${pkg.version} check`);
    expect(hook.pass_filenames).toBe(false);
  });

  it('its command (the installed package in place of npx) checks the synth folder and gates at high', async () => {
    const [, , , ...command] = hook.entry.split(' ');
    expect(command).toEqual(['check']);
    const r = await fromTarball([...command, ...hook.args, '--now', NOW]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('NHI-LP-001');
  });
});
