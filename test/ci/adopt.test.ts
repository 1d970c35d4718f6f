/**
 * docs/ci.md "Adopting the gate in a repository with existing debt": the GitHub Actions and the
 * GitLab CI job, their shell steps run as written in a clone of a git repository with debt
 * (test/fixtures/repos/debt: the default branch, a pull request that fixes one finding, adds
 * one and makes an unrelated edit, and a harmless one that only lengthens a role's sessions over
 * the existing debt, which passes), with real terraform against a moto server and the runner's
 * variables. Left out, by name: installing nhi-guard from the registry (it is on PATH here), the
 * `uses:` actions, and the PR comment through `gh`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../support/moto.js';
import { codeBlocks, runShellAsync } from '../support/shell.js';
import { requireTerraform, writeCliConfig, writeMotoProvider } from '../support/terraform.js';

const FIXTURE = path.resolve('test/fixtures/repos/debt');
const section = (() => {
  const doc = readFileSync(path.resolve('docs/ci.md'), 'utf8');
  const start = doc.indexOf('## Adopting the gate in a repository with existing debt');
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
})();
const yamlBlocks = codeBlocks(section)
  .filter((b) => b.lang === 'yaml')
  .map((b) => parseYaml(b.body) as Record<string, any>);
const githubYaml = yamlBlocks[0]!;
const gitlabYaml = yamlBlocks[1]!;

let moto: MotoServer;
let root: string;
let origin: string;
let env: NodeJS.ProcessEnv;

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** A clone of a pull request branch, as the runner checks it out (full history). */
function checkout(name: string, branch = 'feature'): string {
  const dir = path.join(root, name);
  git(root, 'clone', '--quiet', '--branch', branch, origin, dir);
  return dir;
}

beforeAll(async () => {
  const { mirror } = requireTerraform();
  moto = await startMoto();
  root = mkdtempSync(path.join(os.tmpdir(), 'nhi-adopt-'));
  origin = path.join(root, 'origin.git');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  const work = path.join(root, 'work');
  mkdirSync(work);
  git(work, 'init', '--quiet', '--initial-branch=main');
  cpSync(path.join(FIXTURE, 'base'), work, { recursive: true });
  writeMotoProvider(path.join(work, 'infra'), moto.url);
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'infrastructure with debt');
  git(work, 'checkout', '--quiet', '-b', 'feature');
  cpSync(path.join(FIXTURE, 'change'), work, { recursive: true });
  git(work, 'commit', '--quiet', '-am', 'the pull request');
  git(work, 'checkout', '--quiet', '-b', 'harmless', 'main');
  cpSync(path.join(FIXTURE, 'harmless'), work, { recursive: true });
  git(work, 'commit', '--quiet', '-am', 'longer sessions for the lab role');
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'push', '--quiet', 'origin', 'main', 'feature', 'harmless');
  env = {
    TF_CLI_CONFIG_FILE: writeCliConfig(path.join(root, 'terraformrc'), mirror),
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    // One copy of the provider for the four inits (a runner caches it the same way).
    TF_PLUGIN_CACHE_DIR: path.join(root, 'plugin-cache'),
  };
  mkdirSync(env.TF_PLUGIN_CACHE_DIR!);
}, 180_000);

afterAll(async () => {
  await moto?.stop();
});

/** What `${{ ... }}` gives in a pull_request run of the docs' workflow. */
const CONTEXT: Record<string, string> = { 'github.base_ref': 'main', 'github.token': 'unused', 'github.event.pull_request.number': '1' };
const expr = (s: string) => s.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, k: string) => CONTEXT[k] ?? '');

/** The GitHub job's shell steps in `ws`, as the runner would run them; the exit code of each. */
async function runGithubJob(ws: string): Promise<Record<string, number | null>> {
  const runnerTemp = mkdtempSync(path.join(root, 'runner-temp-'));
  const steps = githubYaml.jobs['nhi-guard'].steps as Array<{ name?: string; run?: string; uses?: string; if?: string; env?: Record<string, string> }>;
  const leftOut = ['install nhi-guard', 'PR comment'];
  const codes: Record<string, number | null> = {};
  let failed = false;
  for (const step of steps) {
    if (!step.run || leftOut.includes(step.name ?? '')) continue;
    if (failed && step.if !== 'always()') continue;
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expr(String(v))]));
    const r = await runShellAsync(expr(step.run), ws, { ...env, ...stepEnv, GITHUB_WORKSPACE: ws, RUNNER_TEMP: runnerTemp, CI: 'true' });
    codes[step.name!] = r.code;
    if (r.code !== 0) failed = true;
    if (step.name !== GATE) expect(r.code, `${step.name}: ${r.stderr.slice(-2000)}`).toBe(0);
  }
  return codes;
}

const GATE = 'check the change against it (the gate)';

describe('docs/ci.md: adopting the gate with a baseline of the target branch', () => {
  it('GitHub Actions: every shell step runs; the gate fails on the one new finding only, the reports say new, resolved, existing', async () => {
    const ws = checkout('github');
    const codes = await runGithubJob(ws);
    expect(Object.keys(codes)).toEqual(['plan the target branch and the change', 'baseline of the target branch', 'check the change against it (the gate)']);
    expect(codes['check the change against it (the gate)']).toBe(1);

    const md = readFileSync(path.join(ws, 'nhi.md'), 'utf8');
    expect(md.split('\n')[1]).toMatch(/^## 🟧 nhi-guard: 1 new finding \(1 high\); 1 resolved, \d+ existing$/);
    expect(md.indexOf('### New findings (1)')).toBeLessThan(md.indexOf('### Resolved (1)'));
    expect(md.indexOf('### Resolved (1)')).toBeLessThan(md.indexOf('<summary><b>Existing findings'));
    expect(md.slice(md.indexOf('### New findings'), md.indexOf('### Resolved'))).toContain('`NHI-EXP-001` role lab-results-exchange has no "expires-on" tag');
    expect(md.slice(md.indexOf('### Resolved'), md.indexOf('<details>'))).toContain('`NHI-OWN-001` role hl7-interface-engine has no "owner" tag');
    const sarif = JSON.parse(readFileSync(path.join(ws, 'nhi.sarif'), 'utf8'));
    const states = (sarif.runs[0].results as Array<{ ruleId: string; baselineState: string }>).map((r) => `${r.ruleId}:${r.baselineState}`);
    expect(states.filter((s) => s.endsWith(':new'))).toEqual(['NHI-EXP-001:new']);
    expect(states.filter((s) => s.endsWith(':unchanged')).length).toBeGreaterThan(0);
    const json = JSON.parse(readFileSync(path.join(ws, 'nhi.json'), 'utf8'));
    expect(json.baseline).toMatchObject({ new: 1, notEvaluated: 0 });
    expect(json.baseline.resolved).toHaveLength(1);
  }, 600_000);

  it('GitHub Actions, a harmless pull request over existing debt: the gate passes with the baseline (and would fail without it)', async () => {
    const ws = checkout('github-harmless', 'harmless');
    const codes = await runGithubJob(ws);
    expect(codes).toEqual({ 'plan the target branch and the change': 0, 'baseline of the target branch': 0, [GATE]: 0 });
    const json = JSON.parse(readFileSync(path.join(ws, 'nhi.json'), 'utf8'));
    expect(json.baseline).toMatchObject({ new: 0, resolved: [], notEvaluated: 0 });
    const existing = json.baseline.existing as number;
    const gated = (json.findings as Array<{ severity: string; waived: boolean }>).filter((f) => !f.waived && ['critical', 'high'].includes(f.severity));
    expect(gated.length).toBeGreaterThan(0);
    const md = readFileSync(path.join(ws, 'nhi.md'), 'utf8');
    expect(md.split('\n')[1]).toBe(`## ✅ nhi-guard: no new findings (0 resolved, ${existing} existing)`);
    expect(md).toContain('### New findings (0)\n\nThis change adds no finding.');
    expect(md).toContain(`<summary><b>Existing findings (${existing})</b>`);
    const sarif = JSON.parse(readFileSync(path.join(ws, 'nhi.sarif'), 'utf8'));
    const states = new Set((sarif.runs[0].results as Array<{ baselineState: string }>).map((r) => r.baselineState));
    expect([...states]).toEqual(['unchanged']);
    // The same plan without the baseline: the debt at or above high fails the gate, as it did before adoption.
    const without = await runShellAsync('nhi-guard check --plan infra/plan.json --fail-on high --format json=nhi-no-baseline.json', ws, { ...env, CI: 'true' });
    expect(without.code, without.stderr).toBe(1);
  }, 600_000);

  it('GitLab CI: the script runs as written and ends with the gate; the JUnit report and the comment are written', async () => {
    const dir = checkout('gitlab');
    const job = gitlabYaml['nhi-guard'];
    expect(job.variables.GIT_DEPTH).toBe('0');
    const script = (job.script as string[]).join('\n');
    const r = await runShellAsync(script, dir, {
      ...env,
      CI: 'true',
      CI_PROJECT_DIR: dir,
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_PIPELINE_SOURCE: 'merge_request_event',
    });
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    expect(r.stdout).toMatch(/against the baseline: 1 new, \d+ existing, 1 resolved/);
    for (const f of job.artifacts.paths as string[]) expect(existsSync(path.join(dir, f)), f).toBe(true);
    const junit = readFileSync(path.join(dir, job.artifacts.reports.junit as string), 'utf8');
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).toContain('NHI-EXP-001');
  }, 600_000);
});
