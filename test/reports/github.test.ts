import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, renderGithub } from '../../reports/github.js';
import { ROOT, finding, makeDoc } from './fixture.js';

describe('github workflow commands', () => {
  it('escapes data and properties per the runner rules', () => {
    // Line breaks inside a value are escaped for a terminal first, so a value never breaks the command's line.
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done\\u000d\\u000anext: a, b');
    expect(escapeProperty('100% done\r\nnext: a, b')).toBe('100%25 done\\u000d\\u000anext%3A a%2C b');
    expect(escapeData('\u001b[31m\u202e')).toBe('\\u001b[31m\\u202e');
    // % first, so an existing escape is not decoded by the runner.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('one command per unwaived finding, level by severity, file relative to the root', () => {
    const out = renderGithub(makeDoc(), { sourceRoot: ROOT });
    const lines = out.trimEnd().split('\n');
    const cmds = lines.filter((l) => l.startsWith('::'));
    expect(cmds).toHaveLength(5); // the waived finding is not annotated
    expect(cmds.map((l) => l.slice(2, l.indexOf(' ')))).toEqual(['error', 'error', 'error', 'notice', 'notice']);
    expect(cmds[0]).toBe(
      '::error title=NHI-LP-001 Policy grants full admin (Action "*"),file=cdktf.out/stacks/lab-results-exchange/cdk.tf.json::' +
        '[critical] Policy lab-results-admin allows Action "*" on Resource "*" (at lab-results-exchange/LabResultsRole/AdminPolicy; owner team-integrations)' +
        '%0AFix: List the actions the integration needs; never "*".',
    );
    // The live finding has no file.
    expect(cmds.find((l) => l.includes('vendor-billing'))).toMatch(/^::error title=[^,:]+::/);
    expect(lines.at(-1)).toBe('nhi-guard: 5 finding(s), 1 waived');
    for (const l of lines) expect(l).not.toMatch(/[\r]/);
  });

  it('a message with newline, %, comma and colon stays on one command line', () => {
    const f = finding('NHI-OWN-001', {
      message: 'Role a, b: 100% unowned\nsecond line',
      title: 'Odd: title, with 50%',
      resource: { type: 'aws_iam_role', name: 'r', file: `${ROOT}/stacks/x,y:z.json` },
    });
    const out = renderGithub(makeDoc({ findings: [f] }), { sourceRoot: ROOT });
    const [cmd, summary, ...rest] = out.trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(summary).toBe('nhi-guard: 1 finding(s), 0 waived');
    expect(cmd).toBe(
      '::warning title=NHI-OWN-001 Odd%3A title%2C with 50%25,file=stacks/x%2Cy%3Az.json::' +
        // The input's line break is shown escaped (as in the text report); only the renderer's own break is %0A.
        '[medium] Role a, b: 100%25 unowned\\u000asecond line (at aws_iam_role.r)%0AFix: Tag the identity with its accountable team: owner=<team>.',
    );
  });

  it('leaves out a file outside the source root', () => {
    const out = renderGithub(makeDoc(), { sourceRoot: '/elsewhere' });
    expect(out).not.toContain('file=');
  });
});
