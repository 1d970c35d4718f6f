/** `--now` is a real instant: impossible dates and out-of-range times are exit 2, never rolled over. */
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../checks/enrich/instant.js';
import { runCli } from '../support/cli.js';
import { synthExamples } from '../support/synth.js';

const ms = (s: string) => {
  const r = parseInstant(s);
  return 'ms' in r ? r.ms : r.problem;
};

describe('parseInstant', () => {
  it.each([
    ['2026-11-22', '2026-11-22T00:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29T23:59:59Z', '2000-02-29T23:59:59.000Z'],
    ['2026-11-22T10:30', '2026-11-22T10:30:00.000Z'],
    ['2026-11-22T10:30:00.25+01:30', '2026-11-22T09:00:00.250Z'],
    ['2026-11-22T00:00:00-0500', '2026-11-22T05:00:00.000Z'],
    ['2026-12-31T23:00:00-02:00', '2027-01-01T01:00:00.000Z'],
    ['0050-03-01', '0050-03-01T00:00:00.000Z'],
  ])('%s is %s', (s, iso) => {
    expect(new Date(ms(s) as number).toISOString()).toBe(iso);
  });

  it.each([
    ['2026-02-30', /day 30 of 2026-02/],
    ['2026-02-29', /day 29 of 2026-02/],
    ['1900-02-29', /day 29 of 1900-02/],
    ['2026-04-31', /day 31 of 2026-04/],
    ['2026-00-10', /month 01-12/],
    ['2026-13-01', /month 01-12/],
    ['2026-11-00', /day 00/],
    ['0000-01-01', /month 01-12|calendar/],
    ['2026-11-22T24:00', /time of day/],
    ['2026-11-22T23:60', /time of day/],
    ['2026-11-22T23:59:60Z', /time of day/],
    ['2026-11-22T10:00+24:00', /offset out of range/],
    ['2026-11-22T10:00+05:60', /offset out of range/],
    ['2026-11-22 10:00', /not an ISO-8601/],
    ['2026-11-22T10:00:00ZZ', /not an ISO-8601/],
    ['+275760-09-13', /not an ISO-8601/],
    ['9999-12-31T23:59:59.9999999999Z', /not an ISO-8601/],
    ['yesterday', /not an ISO-8601/],
    ['', /not an ISO-8601/],
  ])('%j is refused', (s, re) => {
    expect(ms(s)).toMatch(re);
  });
});

describe('--now on the command line', () => {
  it.each([
    ['check', '2026-02-30', /^nhi-guard: --now "2026-02-30" is not a real calendar date \(day 30 of 2026-02\)$/],
    ['inventory', '2026-11-31', /--now "2026-11-31" is not a real calendar date/],
    ['access', '2026-11-22T25:00:00Z', /--now "2026-11-22T25:00:00Z" is not a time of day/],
    ['check', '2026-11-22T10:00:00+99:00', /offset out of range/],
  ])('%s --now %s exits 2 with one line', async (cmd, now, re) => {
    const r = await runCli([cmd, '--synth', synthExamples(), '--now', now, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toMatch(re);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a real leap day is accepted and becomes the document clock', async () => {
    const r = await runCli(['check', '--synth', synthExamples(), '--now', '2028-02-29', '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).now).toBe('2028-02-29T00:00:00.000Z');
  });
});
