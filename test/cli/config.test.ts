/** `--config FILE`: option defaults from YAML or JSON, paths relative to the file, CLI wins. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFileOf } from '../../checks/cli/index.js';
import { runCli } from '../support/cli.js';
import { synthExamples } from '../support/synth.js';

let synth: string;
let dir: string;
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
  return f;
};

beforeAll(() => {
  synth = synthExamples();
  dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-config-'));
  write(
    'governance/waivers.yaml',
    `- {ruleId: NHI-LP-001, resource: aws_iam_role.InterfaceEngineRole, owner: integration-platform, reason: Split into feed policies this quarter., expiresOn: 2027-01-31}
- {ruleId: NHI-EXP-002, resource: pacs-vendor-support, owner: imaging-it, reason: Offboarding with the PACS cut-over., expiresOn: 2027-01-31}
`,
  );
});

describe('--config', () => {
  it('takes waivers and the gate from the file, paths relative to it, and the command line wins', async () => {
    const cfg = write('governance/nhi-guard.yaml', 'waivers: [waivers.yaml]\nfail-on: critical\nformat: json\n');
    const r = await runCli(['check', '--synth', synth, '--config', cfg, '--now', '2026-11-22']);
    expect(r.stderr).not.toContain('error');
    const doc = JSON.parse(r.stdout);
    expect(doc.summary.waived).toBe(3);
    expect(r.code).toBe(0); // critical findings are waived, the gate is at critical
    const strict = await runCli(['check', '--synth', synth, '--config', cfg, '--fail-on', 'high', '--now', '2026-11-22']);
    expect(strict.code).toBe(1);
    const json = write('nhi-guard.json', JSON.stringify({ 'fail-on': 'none' }));
    expect((await runCli(['check', '--synth', synth, `--config=${json}`, '--now', '2026-11-22'])).code).toBe(0);
  });

  it('a bad config file is exit 2 with one line naming the file and the key', async () => {
    const cases: Array<[string, string, string]> = [
      ['unknown.yaml', 'waiver: x.yaml\n', '$.waiver: is not a known option; did you mean waivers?'],
      ['camel.yaml', 'failOn: high\n', "$.failOn: is not a key: config keys are the flags' names, write fail-on"],
      ['profile.yaml', 'profile: prod-admin\n', '$.profile: is not accepted from a config file: it chooses the AWS credentials'],
      ['single.yaml', 'data: [a.yaml, b.yaml]\n', '$.data: must be a single value, not a list'],
      [
        'severity.yaml',
        'severity-override: {NHI-OWN-002: urgent}\n',
        '$["severity-override"]["NHI-OWN-002"]: must be one of critical, high, medium, low, info, not "urgent"',
      ],
      ['choice.yaml', 'fail-on: sometimes\n', '$["fail-on"]: must be one of critical, high, medium, low, info, none'],
      ['type.yaml', 'waivers: [3]\n', '$.waivers[0]: must be a path'],
      ['list.yaml', '- a\n', '$: must be an object of option defaults'],
      ['broken.json', '{"fail-on": ', 'is not valid JSON'],
    ];
    for (const [name, text, problem] of cases) {
      const f = write(name, text);
      const r = await runCli(['check', '--synth', synth, '--config', f]);
      expect(r.code, name).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0]).toContain(`nhi-guard: ${f}: ${problem}`);
    }
    const missing = await runCli(['check', '--synth', synth, '--config', path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: does not exist');
  });

  it('live options from the file serve live runs only: an offline run ignores them, the same flags on its command line are refused', async () => {
    // Keys of one word and of several (the handlers see them camel-cased: allRegions, assumeRoleName).
    const cfg = write('live.yaml', 'region: [us-east-1]\nall-regions: true\ntimeout: 20\nassume-role-name: nhi-guard-scanner\nfail-on: none\n');
    const r = await runCli(['check', '--synth', synth, '--config', cfg, '--now', '2026-11-22']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const [flag, value] of [
      ['--all-regions', []],
      ['--assume-role-name', ['nhi-guard-scanner']],
      ['--region', ['us-east-1']],
    ] as const) {
      const cli = await runCli(['check', '--synth', synth, '--now', '2026-11-22', flag, ...value]);
      expect(cli.code, flag).toBe(2);
      expect(cli.stderr).toBe(`nhi-guard: ${flag} needs --live aws\n`);
    }
  });

  it('finds --config in raw arguments, the last one winning', () => {
    expect(configFileOf(['check', '--config', 'a.yaml', '--config=b.yaml'])).toBe('b.yaml');
    expect(configFileOf(['check', '--plan', 'p.json'])).toBeUndefined();
    expect(() => configFileOf(['check', '--config'])).toThrow('--config needs a file');
  });
});
