/**
 * Nothing lost, nothing half-written: a run killed while it writes its report leaves the previous
 * report intact; concurrent runs sharing a cold compile cache all succeed with the same result and
 * leave one valid entry; a damaged cache entry is rebuilt; a fake `opa` of the wrong major version
 * on PATH is ignored. These run the real CLI as child processes (bin/nhi-guard.mjs).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../checks/io/files.js';
import { PROJECT_ROOT } from '../../checks/engine/opaBinary.js';
import { runBin, runNode } from '../support/cli.js';
import { ESTATE_PLAN } from '../support/estate.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-lost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** npm prints a warning about the environment on some machines; only our own lines count. */
const ownLines = (s: string) => s.split('\n').filter((l) => l && !l.startsWith('npm warn'));

describe('a run killed mid-write leaves the previous report', () => {
  it('SIGKILL while the report is being written: the old report is intact, no partial file at the target', async () => {
    // A plan whose inventory is ~100 MB of JSON: 200 roles with a 500 KB tag each.
    const big = path.join(dir, 'big-plan.json');
    const roles = 200;
    const filler = 'x'.repeat(500 * 1024);
    const resources = Array.from({ length: roles }, (_, i) => ({
      address: `aws_iam_role.r${i}`,
      mode: 'managed',
      type: 'aws_iam_role',
      name: `r${i}`,
      values: { name: `r${i}`, tags: { owner: 'team', note: filler } },
    }));
    writeFileSync(big, JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources } } }));
    const outDir = path.join(dir, 'reports');
    mkdirSync(outDir);
    const target = path.join(outDir, 'inventory.json');
    const previous = JSON.stringify({ previous: 'report', complete: true });
    let caughtMidWrite = 0;
    for (let attempt = 0; attempt < 4 && caughtMidWrite === 0; attempt++) {
      writeFileSync(target, previous);
      let pid = 0;
      let killed = false;
      const watcher = watch(outDir, (_event, name) => {
        if (!killed && pid && name && name.startsWith('.inventory.json.') && name.endsWith('.tmp')) {
          killed = true;
          process.kill(pid, 'SIGKILL');
        }
      });
      const r = await runBin(['inventory', '--plan', big, '--format', 'json', '--output', target, '--now', '2026-11-22'], {}, (p) => (pid = p));
      watcher.close();
      const content = readFileSync(target, 'utf8');
      const leftovers = readdirSync(outDir).filter((n) => n.endsWith('.tmp'));
      if (r.signal === 'SIGKILL' && content === previous && leftovers.length > 0) caughtMidWrite++;
      // Whatever the moment of the kill: the target is the previous report or the complete new one.
      if (content !== previous) {
        const inv = JSON.parse(content) as { identities: unknown[] };
        expect(inv.identities).toHaveLength(roles);
      }
      for (const l of leftovers) rmSync(path.join(outDir, l));
    }
    expect(caughtMidWrite, 'the kill never landed while the temporary file was being written').toBeGreaterThan(0);
    rmSync(big);
  });
});

describe('concurrent runs share a cold compile cache', () => {
  it('three cold runs at once: all succeed with identical findings, one valid cache entry, no leftovers', async () => {
    const cache = path.join(dir, 'cache');
    const env = { NHI_GUARD_CACHE_DIR: cache };
    const args = ['check', '--plan', ESTATE_PLAN, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z'];
    const runs = await Promise.all([runBin(args, env), runBin(args, env), runBin(args, env)]);
    for (const r of runs) {
      expect(ownLines(r.stderr)).toEqual([]);
      expect(r.code).toBe(0);
    }
    const docs = runs.map((r) => {
      const d = JSON.parse(r.stdout) as { generatedAt?: string; findings: unknown[] };
      delete d.generatedAt;
      return d;
    });
    expect(docs[0]!.findings.length).toBeGreaterThan(5);
    expect(docs[1]).toEqual(docs[0]);
    expect(docs[2]).toEqual(docs[0]);
    // One compiled pack, and the memo of opa versions (written atomically: no temporary left).
    const all = readdirSync(cache);
    expect(all.filter((f) => !statSync(path.join(cache, f)).isDirectory())).toEqual(['opa-versions.json']);
    expect(() => JSON.parse(readFileSync(path.join(cache, 'opa-versions.json'), 'utf8')) as unknown).not.toThrow();
    const entries = all.filter((f) => statSync(path.join(cache, f)).isDirectory());
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(path.join(cache, entries[0]!)).sort()).toEqual(['data.json', 'policy.wasm', 'rules.json', 'sums.json']);
    const build = await runBin(['policies', 'build'], env);
    expect(build.stdout).toMatch(/^cache hit: \d+ rules/);
  });

  it('a damaged cache entry (not wasm, wasm cut after its header, broken rules.json or checksums) is rebuilt, not fatal', async () => {
    const cache = path.join(dir, 'cache-damaged');
    const env = { NHI_GUARD_CACHE_DIR: cache };
    const first = await runBin(['policies', 'build'], env);
    expect(first.code).toBe(0);
    const entry = path.join(
      cache,
      readdirSync(cache).find((f) => /^[0-9a-f]{64}$/.test(f))!,
    );
    const args = ['check', '--plan', ESTATE_PLAN, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z'];
    const good = await runBin(args, env);
    expect(good.code).toBe(0);
    const wasm = readFileSync(path.join(entry, 'policy.wasm'));
    const cut = wasm.subarray(0, Math.floor(wasm.length / 2)); // a valid header and half a module
    for (const [name, damage] of [
      ['policy.wasm', 'not wasm'],
      ['policy.wasm', cut],
      ['rules.json', '{"truncated":'],
      ['sums.json', '{'],
    ] as const) {
      writeFileSync(path.join(entry, name), damage);
      const r = await runBin(args, env);
      expect(ownLines(r.stderr), name).toEqual([]);
      expect(r.code, name).toBe(0);
      expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toEqual((JSON.parse(good.stdout) as { findings: unknown[] }).findings);
    }
  });
});

describe('the drift history folder under concurrent runs', () => {
  it('three nightly runs at once each add one complete document; the next run sees all three', async () => {
    const history = path.join(dir, 'history');
    const snapshot = path.join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'handmade-estate-drift.json');
    const args = [
      'drift',
      '--declared-plan',
      ESTATE_PLAN,
      '--snapshot',
      snapshot,
      '--history',
      history,
      '--format',
      'json',
      '--fail-on',
      'none',
      '--now',
      '2026-11-22T00:00:00Z',
    ];
    const runs = await Promise.all([runBin(args), runBin(args), runBin(args)]);
    for (const r of runs) {
      expect(ownLines(r.stderr)).toEqual([]);
      expect(r.code).toBe(0);
    }
    const files = readdirSync(history);
    expect(files.filter((f) => f.endsWith('.tmp') || f.startsWith('.'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(3);
    for (const f of files) expect(() => JSON.parse(readFileSync(path.join(history, f), 'utf8')) as unknown).not.toThrow();
    const next = await runBin(args);
    expect(next.code).toBe(0);
    expect((JSON.parse(next.stdout) as { trend: unknown[] }).trend).toHaveLength(4);
  });
});

describe('the pinned opa', () => {
  function fakeOpa(version: string): string {
    const d = mkdtempSync(path.join(dir, 'fake-opa-'));
    const f = path.join(d, 'opa');
    writeFileSync(f, `#!/bin/sh\necho "Version: ${version}"\necho "Build Commit: fake"\nexit 0\n`);
    chmodSync(f, 0o755);
    return d;
  }

  it('a fake opa 0.x first on PATH is ignored by the engine and by the set-up script', async () => {
    const fake = fakeOpa('0.70.0');
    const env = { PATH: `${fake}${path.delimiter}${process.env.PATH ?? ''}`, NHI_GUARD_CACHE_DIR: path.join(dir, 'cache-fake') };
    const r = await runBin(['policies', 'build'], env);
    expect(ownLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^compiled: \d+ rules, opa 1\.\d+\.\d+/);
    const setup = await runNode(['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'setup.ts'), '--need=opa'], env);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).toContain(`ignoring ${path.join(fake, 'opa')}: version 0.70.0 is not 1.x`);
    expect(setup.stdout).toMatch(/opa 1\.\d+\.\d+ \(pinned/);
  });

  it('only fake opas: a usage error naming what was rejected and how to install the pinned one', async () => {
    const fake = fakeOpa('0.9.1');
    const env = { PATH: fake, OPA_BIN: path.join(fake, 'opa'), NHI_GUARD_CACHE_DIR: path.join(dir, 'cache-none') };
    // .tools/bin/opa of the project is still a candidate; point the check at a copy of the CLI's view.
    const r = await runBin(['policies', 'build'], env);
    if (existsSync(path.join(PROJECT_ROOT, '.tools', 'bin', 'opa'))) {
      // The project's own pinned opa is found after the fakes.
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/opa 1\.\d+\.\d+/);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/rejected .*version 0\.9\.1.*go install github\.com\/open-policy-agent\/opa@v1\./);
    }
  });
});

describe('temporary files of a killed write', () => {
  it('the next write to the same report removes those of dead processes and keeps those of live ones', async () => {
    const outDir = path.join(dir, 'stale');
    mkdirSync(outDir);
    const target = path.join(outDir, 'report.json');
    // A pid that is certainly gone: a child that has exited.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale = path.join(outDir, `.report.json.${gone}.0123abcd.tmp`);
    writeFileSync(stale, 'half a report');
    // A write in progress in a live process (this test's parent process stands in for it).
    const inProgress = path.join(outDir, `.report.json.${process.ppid}.89abcdef.tmp`);
    writeFileSync(inProgress, 'being written');
    const other = path.join(outDir, `.other.json.${gone}.0123abcd.tmp`);
    writeFileSync(other, 'another report');
    await writeFileAtomic(target, '{"complete": true}');
    expect(readFileSync(target, 'utf8')).toBe('{"complete": true}');
    expect(readdirSync(outDir).sort()).toEqual([path.basename(inProgress), path.basename(other), 'report.json'].sort());
  });
});
