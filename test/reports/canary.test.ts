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
const keySecret = (JSON.parse(readFileSync(STATE, 'utf8')) as { resources: Array<{ type: string; instances: Array<{ attributes: { secret?: string } }> }> })
  .resources.filter((r) => r.type === 'aws_iam_access_key')
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
  it('makes SARIF artifact locations relative to the given folder', async () => {
    const { synthExamples } = await import('../support/synth.js');
    const dir = synthExamples();
    const r = await runCli(['check', '--synth', dir, '--format', 'sarif', '--source-root', dir, '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z']);
    const uris = (JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string; uriBaseId?: string } } }> }> }> }).runs[0]!.results
      .flatMap((x) => x.locations ?? [])
      .map((l) => l.physicalLocation?.artifactLocation)
      .filter((a) => a?.uri);
    expect(uris.length).toBeGreaterThan(0);
    for (const a of uris) {
      expect(a!.uri).toMatch(/^stacks\/legacy-hl7\/cdk\.tf\.json$/);
      expect(a!.uriBaseId).toBe('%SRCROOT%');
    }
  });
});
