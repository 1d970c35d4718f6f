/**
 * Secrets never leave: the plan fixture holds a literal secret_string canary and the state
 * fixtures hold an access-key secret; no report format may contain either.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../reports/index.js';
import { runCli } from '../support/cli.js';
import { CANARY, ESTATE_PLAN, ESTATE_TFSTATE } from '../support/estate.js';

const PLAN = ESTATE_PLAN;
const STATE = ESTATE_TFSTATE;
const keySecret = (
  JSON.parse(readFileSync(STATE, 'utf8')) as { resources: Array<{ type: string; instances: Array<{ attributes: { secret?: string } }> }> }
).resources
  .filter((r) => r.type === 'aws_iam_access_key')
  .flatMap((r) => r.instances.map((i) => i.attributes.secret))
  .filter((s): s is string => typeof s === 'string' && s.length > 10);

describe('no secret value in any report format', () => {
  it('the fixtures really hold the secrets', () => {
    expect(readFileSync(PLAN, 'utf8')).toContain(CANARY);
    expect(keySecret.length).toBeGreaterThan(0);
  });

  it.each(FORMATS)('%s', async (format) => {
    const r = await runCli(['check', '--plan', PLAN, '--state', STATE, '--format', format, '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(50);
    for (const secret of [CANARY, ...keySecret]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });
});

describe('--source-root', () => {
  type Sarif = {
    runs: Array<{
      results: Array<{
        locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string; uriBaseId?: string }; region?: { startLine?: number } } }>;
      }>;
    }>;
  };
  const locations = (stdout: string) =>
    (JSON.parse(stdout) as Sarif).runs[0]!.results.flatMap((x) => x.locations ?? [])
      .map((l) => l.physicalLocation)
      .filter((p) => p?.artifactLocation?.uri);

  it('makes SARIF artifact locations of synth findings relative to the given folder: the stacks/*.ts line of the construct', async () => {
    const { synthExamples } = await import('../support/synth.js');
    const dir = synthExamples();
    const r = await runCli([
      'check',
      '--synth',
      dir,
      '--format',
      'sarif',
      '--source-root',
      process.cwd(),
      '--fail-on',
      'none',
      '--now',
      '2026-11-22T00:00:00Z',
    ]);
    const locs = locations(r.stdout);
    expect(locs.length).toBeGreaterThan(0);
    for (const p of locs) {
      expect(p!.artifactLocation!.uri).toMatch(/^stacks\/legacy-hl7\.ts$/);
      expect(p!.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
      expect(p!.region?.startLine).toBeGreaterThan(0);
    }
  });

  it('a file outside the source root is an absolute file URI, never a path climbing out of it', async () => {
    const { synthExamples } = await import('../support/synth.js');
    const dir = synthExamples();
    const r = await runCli(['check', '--synth', dir, '--format', 'sarif', '--source-root', dir, '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z']);
    const locs = locations(r.stdout);
    expect(locs.length).toBeGreaterThan(0);
    for (const p of locs) {
      expect(p!.artifactLocation!.uri).toMatch(/^file:\/\/\/.*\/stacks\/legacy-hl7\.ts$/);
      expect(p!.artifactLocation!.uriBaseId).toBeUndefined();
    }
  });
});
