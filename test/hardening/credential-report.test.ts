/**
 * The IAM credential report is CSV with quoting: user names with commas (IAM allows them) and
 * crafted rows never shift cells into other columns or other users. Parsed alone (crafted
 * reports) and end to end: moto's own report, which does not quote, and the same report quoted as
 * AWS writes it, through the fault proxy and the real SDK.
 */
import { CreateLoginProfileCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCredentialReport } from '../../checks/live/credentialReport.js';
import { collectLive } from '../../checks/live/collect.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';
import { canary } from '../support/hostile.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { REGION, TEST_CREDENTIALS, useTestCredentials } from '../live/account.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated';
const row = (user: string, arnUser: string, password: string, changed = 'N/A') =>
  `${user},${arnUser},2025-01-01T00:00:00+00:00,${password},no_information,${changed},N/A,false,false,N/A`;
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
const arn = (u: string) => `arn:aws:iam::123456789012:user/${u}`;

describe('parseCredentialReport (crafted reports)', () => {
  it('reads quoted cells: commas, doubled quotes, line breaks, CRLF and a BOM', () => {
    const csv =
      '\uFEFF' +
      [
        HEADER,
        row(q('lab,ops'), q(arn('lab,ops')), 'true', '2025-03-01T00:00:00+00:00'),
        row(q('say "hi"'), q(arn('say "hi"')), 'false'),
        row(q('two\nlines'), q(arn('two\nlines')), 'true'),
        row('plain', arn('plain'), 'false'),
      ].join('\r\n') +
      '\r\n';
    const { rows, problems } = parseCredentialReport(csv);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.user, r.password_enabled, r.password_last_changed])).toEqual([
      ['lab,ops', 'true', '2025-03-01T00:00:00+00:00'],
      ['say "hi"', 'false', 'N/A'],
      ['two\nlines', 'true', 'N/A'],
      ['plain', 'false', 'N/A'],
    ]);
  });

  it('a row with an unquoted comma is not read; its neighbours are, column for column', () => {
    const csv = [HEADER, row('before', arn('before'), 'true'), row('lab,ops', arn('lab,ops'), 'true'), row('after', arn('after'), 'false')].join('\n');
    const { rows, problems } = parseCredentialReport(csv);
    expect(rows.map((r) => [r.user, r.password_enabled])).toEqual([
      ['before', 'true'],
      ['after', 'false'],
    ]);
    expect(problems).toEqual(['row 3: has 12 cells, the header 10 (an unquoted comma in a user name?)']);
  });

  it('a row whose arn names another user, a duplicate user and an empty user are not read', () => {
    const csv = [
      HEADER,
      row('mallory', arn('admin'), 'true'),
      row('twice', arn('twice'), 'true'),
      row('twice', arn('twice'), 'false'),
      row('', arn('x'), 'true'),
      row('<root_account>', 'arn:aws:iam::123456789012:root', 'not_supported'),
      row('ok', 'arn:aws:iam::123456789012:user/team/path/ok', 'true'),
    ].join('\n');
    const { rows, problems } = parseCredentialReport(csv);
    expect(rows.map((r) => r.user)).toEqual(['<root_account>', 'ok']);
    expect(problems).toEqual(['row 2: its arn does not name its user', 'row 4: lists a user a second time (neither row is read)', 'row 5: names no user']);
  });

  it('header and user names are data: __proto__ and constructor never reach a prototype', () => {
    const csv = [
      'user,arn,password_enabled,__proto__,constructor',
      `__proto__,${arn('__proto__')},true,x,y`,
      `constructor,${arn('constructor')},false,x,y`,
    ].join('\n');
    const { rows, problems } = parseCredentialReport(csv);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.user, r.password_enabled, r['__proto__'], r.constructor])).toEqual([
      ['__proto__', 'true', 'x', 'y'],
      ['constructor', 'false', 'x', 'y'],
    ]);
    expect(Object.getPrototypeOf(rows[0])).toBeNull();
    expect(({} as Record<string, unknown>).password_enabled).toBeUndefined();
  });

  it('broken CSV throws one line naming the problem, never the cells', () => {
    const secret = canary('report');
    for (const csv of [`${HEADER}\n"${secret},${arn('x')}`, `${HEADER}\n${secret}"x,${arn('x')}`]) {
      let message = '';
      try {
        parseCredentialReport(csv);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^the credential report is not valid CSV \([A-Z_]+ near line \d+\)$/);
      expect(message).not.toContain(secret);
    }
    const { problems } = parseCredentialReport([HEADER, `${secret},${secret}`, row(secret, arn('other'), 'true')].join('\n'));
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain(secret);
    expect(() => parseCredentialReport('name,enabled\nx,true')).toThrow(/no header row with user and password_enabled/);
    expect(() => parseCredentialReport('user,user,password_enabled\nx,y,true')).toThrow(/names a column twice/);
  });
});

describe('the credential report of a live account (moto)', () => {
  let moto: MotoServer;
  let proxy: FaultProxy;

  beforeAll(async () => {
    useTestCredentials();
    moto = await startMoto();
    await moto.reset();
    const iam = new IAMClient({ region: REGION, endpoint: moto.url, credentials: TEST_CREDENTIALS });
    for (const u of ['lab,ops', 'plain-user', 'batch@export']) {
      await iam.send(new CreateUserCommand({ UserName: u }));
      await iam.send(new CreateLoginProfileCommand({ UserName: u, Password: 'Initial-Passw0rd!' }));
    }
    iam.destroy();
    proxy = await startFaultProxy(moto.url);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await moto?.stop();
  });

  const logins = (creds: Array<{ kind: string; id: string }>) =>
    creds
      .filter((c) => c.kind === 'login-profile')
      .map((c) => c.id)
      .sort();

  it("moto's unquoted report: the comma user's row is a gap, the other users are read", async () => {
    proxy.clearFaults();
    const inv = await collectLive({ region: REGION, endpoint: proxy.url, reportPollMs: 10 });
    expect(logins(inv.credentials)).toEqual(['login-profile:batch@export', 'login-profile:plain-user']);
    expect(inv.gaps!.map((g) => [g.operation, g.error])).toEqual([
      ['GetCredentialReport', expect.stringMatching(/the credential report has 1 unreadable row\(s\): row \d: has 24 cells, the header 22/)],
    ]);
    // Its console password is unknown, so its last use is too: never "never used".
    expect(inv.identities.find((i) => i.name === 'lab,ops')!.usage?.lastUsed).toBeUndefined();
    expect(inv.identities.find((i) => i.name === 'plain-user')!.usage?.lastUsed).toBeNull();
  });

  it('the same report quoted as AWS writes it: every user is read, no gap', async () => {
    proxy.clearFaults();
    proxy.setFault('GetCredentialReport', {
      kind: 'rewrite',
      rewrite: (xml) =>
        xml.replace(/<Content>([^<]*)<\/Content>/, (_, b64: string) => {
          const quoted = Buffer.from(b64, 'base64')
            .toString('utf8')
            .replaceAll(`lab,ops,${arn('lab,ops')},`, `"lab,ops","${arn('lab,ops')}",`);
          return `<Content>${Buffer.from(quoted, 'utf8').toString('base64')}</Content>`;
        }),
    });
    const inv = await collectLive({ region: REGION, endpoint: proxy.url, reportPollMs: 10 });
    expect(proxy.injected('GetCredentialReport')).toBe(1);
    expect(inv.gaps).toEqual([]);
    expect(logins(inv.credentials)).toEqual(['login-profile:batch@export', 'login-profile:lab,ops', 'login-profile:plain-user']);
    expect(inv.credentials.find((c) => c.id === 'login-profile:lab,ops')).toMatchObject({ identity: 'iam-user:lab,ops', lastUsed: null });
  });
});
