/** Pure parts of live collection: response mapping, credential report, usage day counts, error text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialUsage, enrichUsage, identityUsage } from '../../checks/enrich/usage.js';
import { resolveRegion, checkEndpoint } from '../../checks/live/options.js';
import { errorText, mapLimit, notOffered } from '../../checks/live/recorder.js';
import { mapBucket, mapDatastore, mapKey, partitionOf, tableArn } from '../../checks/live/mapStores.js';
import { progressFor } from '../../checks/live/progress.js';
import { liveDocument, mapAuthorizationDetails, mapLoginProfiles, mapSecret, parseCredentialReport, reportDate, userLastUsed } from '../../checks/live/map.js';
import { emptyInventory, type Credential, type Identity } from '../../checks/model.js';
import { UserError } from '../../checks/errors.js';

const ctx = { file: 'aws:123456789012/us-east-1' };
const NOW = new Date('2026-11-22T00:00:00Z');

describe('liveDocument', () => {
  const doc = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'A b',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/${aws:username}/*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'lab & co' } },
      },
    ],
  };

  it('decodes URL-encoded documents (as IAM returns them) and keeps policy variables', () => {
    const d = liveDocument(encodeURIComponent(JSON.stringify(doc)));
    expect(d.known).toBe(true);
    expect(d.document?.statements[0]).toMatchObject({ sid: 'A b', actions: ['s3:getobject'], resources: ['arn:aws:s3:::b/${aws:username}/*'] });
    expect(d.document?.statements[0]?.conditions).toEqual([
      { operator: 'StringEquals', key: 'aws:principaltag/team', writtenKey: 'aws:PrincipalTag/team', values: ['lab & co'] },
    ]);
  });

  it('reads the same document encoded or not (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('Allow', 'Deny'), (resource, effect) => {
        const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: '*', Resource: resource }] });
        expect(liveDocument(encodeURIComponent(text))).toEqual(liveDocument(text));
      }),
    );
  });

  it('reports bad documents as data, never a throw', () => {
    expect(liveDocument(undefined)).toEqual({ known: false, reason: 'policy document is missing from the API response' });
    expect(liveDocument('%E0%A4%A')).toEqual({ known: false, reason: 'policy document is not valid URL-encoded text' });
    // Not valid JSON: unreadable, so NHI-UNK-002 reports it as a document that could not be judged.
    expect(liveDocument('%7B%22Statement')).toEqual({ known: false, unreadable: true, reason: 'policy document is not valid JSON' });
  });
});

describe('mapAuthorizationDetails', () => {
  it('links roles, users and groups to inline, customer managed and AWS managed policies by stable ids', () => {
    const m = mapAuthorizationDetails(
      [
        {
          Policies: [
            {
              PolicyName: 'p',
              Arn: 'arn:aws:iam::123456789012:policy/p',
              DefaultVersionId: 'v2',
              PolicyVersionList: [
                { VersionId: 'v1', IsDefaultVersion: false, Document: encodeURIComponent('{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}') },
                {
                  VersionId: 'v2',
                  IsDefaultVersion: true,
                  Document: encodeURIComponent('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'),
                },
              ],
            },
          ],
          RoleDetailList: [
            {
              RoleName: 'r',
              Arn: 'arn:aws:iam::123456789012:role/x/r',
              Path: '/x/',
              AssumeRolePolicyDocument: encodeURIComponent(
                '{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
              ),
              RolePolicyList: [{ PolicyName: 'inl', PolicyDocument: encodeURIComponent('{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}') }],
              AttachedManagedPolicies: [
                { PolicyName: 'p', PolicyArn: 'arn:aws:iam::123456789012:policy/p' },
                { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
              ],
              Tags: [{ Key: 'owner', Value: 'team' }],
              RoleLastUsed: {},
              CreateDate: new Date('2026-01-01T00:00:00Z'),
            },
          ],
        },
        {
          UserDetailList: [
            {
              UserName: 'u',
              Arn: 'arn:aws:iam::123456789012:user/u',
              GroupList: ['g'],
              AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
            },
          ],
          GroupDetailList: [
            {
              GroupName: 'g',
              GroupPolicyList: [{ PolicyName: 'gp', PolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}' }],
            },
          ],
        },
      ],
      ctx,
      { maxSessionDuration: new Map([['r', 43200]]) },
    );
    const role = m.identities.find((i) => i.id === 'iam-role:r')!;
    expect(role).toMatchObject({
      kind: 'role',
      path: '/x/',
      maxSessionDuration: 43200,
      tags: { owner: 'team' },
      usage: { lastUsed: null, createDate: '2026-01-01T00:00:00.000Z' },
    });
    expect(role.policies).toEqual([
      { policy: 'inline:role:r:inl' },
      { policy: 'arn:aws:iam::123456789012:policy/p' },
      { policy: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ]);
    // The default version is the one judged.
    expect(m.policies.find((p) => p.id === 'arn:aws:iam::123456789012:policy/p')!.document.document!.statements[0]!.actions).toEqual(['s3:getobject']);
    // One AWS managed entry, shared by the role and the user, judged by name.
    expect(m.policies.filter((p) => p.type === 'aws-managed')).toEqual([
      expect.objectContaining({
        id: 'arn:aws:iam::aws:policy/AdministratorAccess',
        name: 'AdministratorAccess',
        document: { known: false, reason: 'AWS managed policy: judged by name' },
      }),
    ]);
    expect(m.identities.find((i) => i.id === 'iam-user:u')).toMatchObject({
      groups: ['iam-group:g'],
      policies: [{ policy: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
    });
    expect(m.groups).toEqual([expect.objectContaining({ id: 'iam-group:g', policies: [{ policy: 'inline:group:g:gp' }] })]);
  });
});

describe('credential report', () => {
  const csv = [
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
    '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,not_supported,true,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    'svc,arn:aws:iam::123456789012:user/svc,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,2025-01-02T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    'ops,arn:aws:iam::123456789012:user/ops,2025-01-01T00:00:00+00:00,true,no_information,2025-03-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    '',
  ].join('\n');

  it('maps console passwords to login profiles and skips the root row', () => {
    const { rows, problems } = parseCredentialReport(csv);
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(3);
    expect(mapLoginProfiles(rows, ctx)).toEqual([
      {
        id: 'login-profile:ops',
        kind: 'login-profile',
        name: 'ops',
        identity: 'iam-user:ops',
        tags: {},
        lastUsed: null,
        createDate: '2025-03-01T00:00:00.000Z',
        change: 'existing',
        origin: { source: 'live', file: ctx.file },
      },
    ]);
    expect(reportDate('no_information')).toBeNull();
    expect(reportDate('2025-03-01T00:00:00+00:00')).toBe('2025-03-01T00:00:00.000Z');
  });

  it('refuses a report without its header', () => {
    expect(() => parseCredentialReport('a,b\n1,2')).toThrow(/header/);
  });
});

describe('mapSecret', () => {
  it('reads rotation, KMS and value presence from ListSecrets metadata', () => {
    const s = mapSecret(
      {
        Name: 'db',
        ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
        RotationEnabled: true,
        RotationRules: { ScheduleExpression: 'rate(10 days)' },
        LastRotatedDate: new Date('2026-11-01T00:00:00Z'),
        KmsKeyId: 'alias/aws/secretsmanager',
        SecretVersionsToStages: { v1: ['AWSCURRENT'] },
        Tags: [{ Key: 'owner', Value: 'x' }],
      },
      ctx,
    )!;
    expect(s).toMatchObject({
      id: 'secret:db',
      kms: { customerManaged: false },
      rotation: { enabled: true, intervalDays: 10, lastRotated: '2026-11-01T00:00:00.000Z' },
      value: { present: true, literal: false },
      tags: { owner: 'x' },
    });
    const empty = mapSecret({ Name: 'empty' }, ctx)!;
    expect(empty).toMatchObject({
      kms: { customerManaged: false },
      rotation: { enabled: false, intervalDays: null, lastRotated: null },
      value: { present: false },
    });
  });
});

describe('usage enrichment', () => {
  const key = (c: Partial<Credential>): Credential => ({
    id: 'k',
    kind: 'access-key',
    name: 'k',
    tags: {},
    change: 'existing',
    origin: { source: 'live' },
    ...c,
  });

  it('counts whole days since creation, use and rotation from the fixed now', () => {
    const c = key({ createDate: '2026-08-01T12:00:00Z', lastUsed: '2026-11-20T23:00:00Z' });
    credentialUsage(c, NOW);
    expect(c).toMatchObject({ ageDays: 112, daysSinceUsed: 1 });
    const never = key({ createDate: '2026-11-21T00:00:00Z', lastUsed: null });
    credentialUsage(never, NOW);
    expect(never).toMatchObject({ ageDays: 1, daysSinceUsed: null });
  });

  it('rotation: since the last rotation, since creation when never rotated, null when unknown', () => {
    const rotated = key({
      kind: 'secret',
      createDate: '2025-01-01T00:00:00Z',
      rotation: { enabled: true, intervalDays: 30, lastRotated: '2026-10-01T00:00:00Z' },
    });
    const never = key({ kind: 'secret', createDate: '2026-09-22T00:00:00Z', rotation: { enabled: true, intervalDays: 30, lastRotated: null } });
    const unknown = key({ kind: 'secret', rotation: { enabled: false, intervalDays: null, lastRotated: null } });
    for (const c of [rotated, never, unknown]) credentialUsage(c, NOW);
    expect(rotated.rotation!.daysSinceRotated).toBe(52);
    expect(never.rotation!.daysSinceRotated).toBe(61);
    expect(unknown.rotation!.daysSinceRotated).toBeNull();
  });

  it('identities; clock skew counts as 0 days; declared elements are left alone', () => {
    const i: Identity = {
      id: 'iam-role:r',
      kind: 'role',
      name: 'r',
      tags: {},
      policies: [],
      groups: [],
      change: 'existing',
      usage: { createDate: '2026-11-23T10:00:00Z', lastUsed: null },
      origin: { source: 'live' },
    };
    identityUsage(i, NOW);
    expect(i.usage).toMatchObject({ ageDays: 0, daysSinceUsed: null });
    const inv = emptyInventory();
    inv.credentials.push(key({ origin: { source: 'state' }, createDate: '2026-01-01T00:00:00Z' }));
    enrichUsage(inv, NOW);
    expect(inv.credentials[0]!.ageDays).toBeUndefined();
  });

  it('a user with one credential of unknown use has an unknown last use', () => {
    expect(userLastUsed([key({ lastUsed: '2026-01-01T00:00:00.000Z' }), key({ lastUsed: null })])).toBe('2026-01-01T00:00:00.000Z');
    expect(userLastUsed([key({ lastUsed: null })])).toBeNull();
    expect(userLastUsed([key({ lastUsed: '2026-01-01T00:00:00.000Z' }), key({})])).toBeUndefined();
  });
});

describe('options and helpers', () => {
  it('region from the flag or the environment, else a usage error', () => {
    expect(resolveRegion('eu-west-1', {})).toBe('eu-west-1');
    expect(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'us-gov-west-1' })).toBe('us-gov-west-1');
    expect(() => resolveRegion(undefined, {})).toThrow(UserError);
    expect(() => resolveRegion('mars', {})).toThrow(/not an AWS region/);
  });

  it('endpoint must be an http(s) URL without credentials', () => {
    expect(checkEndpoint('http://127.0.0.1:5000/')).toBe('http://127.0.0.1:5000');
    expect(() => checkEndpoint('ftp://x')).toThrow(/http or https/);
    expect(() => checkEndpoint('http://a:b@127.0.0.1')).toThrow(/credentials/);
  });

  it('error text is one bounded line with the code, without the SDK raw-response pointer', () => {
    const e = Object.assign(
      new Error('Unexpected end\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'),
      { name: 'SyntaxError', $metadata: { httpStatusCode: 200 } },
    );
    expect(errorText(e)).toBe('SyntaxError (HTTP 200): Unexpected end');
    expect(errorText(Object.assign(new Error('x'.repeat(1000)), { name: 'AccessDenied' })).length).toBe(300);
  });

  it('mapLimit keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([...Array(20).keys()], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return n * 2;
    });
    expect(out).toEqual([...Array(20).keys()].map((n) => n * 2));
    expect(peak).toBe(3);
  });
});

describe('progress line', () => {
  it('redraws one stderr line on a terminal and clears it when done; silent otherwise', () => {
    let out = '';
    const p = progressFor({ isTTY: true, write: (s: string) => void (out += s) });
    p.update('access keys of users', 3, 3);
    p.done();
    expect(out).toBe('\r\x1b[2Knhi-guard: reading access keys of users 3/3\r\x1b[2K');
    let none = '';
    const q = progressFor({ isTTY: false, write: (s: string) => void (none += s) });
    q.update('ListSecrets', 1);
    q.done();
    expect(none).toBe('');
  });
});

describe('data stores', () => {
  const ctx = { file: 'aws:123456789012/us-east-1' };
  it('HealthLake datastores: named by name (else id), tags as read, deleted ones are skipped by the collector', () => {
    const d = mapDatastore(
      {
        DatastoreId: 'abc123',
        DatastoreArn: 'arn:aws:healthlake:us-east-1:123456789012:datastore/fhir/abc123',
        DatastoreName: 'ehr-fhir',
        DatastoreStatus: 'ACTIVE',
        DatastoreTypeVersion: 'R4',
        DatastoreEndpoint: 'https://x',
      },
      [{ Key: 'data-class', Value: 'phi' }],
      ctx,
    );
    expect(d).toEqual({
      id: 'arn:aws:healthlake:us-east-1:123456789012:datastore/fhir/abc123',
      kind: 'healthlake',
      name: 'ehr-fhir',
      arn: 'arn:aws:healthlake:us-east-1:123456789012:datastore/fhir/abc123',
      tags: { 'data-class': 'phi' },
      change: 'existing',
      origin: { source: 'live', file: ctx.file, arn: 'arn:aws:healthlake:us-east-1:123456789012:datastore/fhir/abc123' },
    });
    expect(
      mapDatastore(
        {
          DatastoreId: 'x1',
          DatastoreArn: 'arn:aws:healthlake:us-east-1:123456789012:datastore/fhir/x1',
          DatastoreStatus: 'ACTIVE',
          DatastoreTypeVersion: 'R4',
          DatastoreEndpoint: 'e',
        },
        undefined,
        ctx,
      )?.name,
    ).toBe('x1');
    expect(
      mapDatastore({ DatastoreId: 'x1', DatastoreStatus: 'ACTIVE', DatastoreTypeVersion: 'R4', DatastoreEndpoint: 'e' } as never, undefined, ctx),
    ).toBeUndefined();
  });

  it('KMS keys take their first alias as name and TagKey/TagValue tags; buckets and tables get ARNs of their partition', () => {
    expect(mapKey('k1', 'arn:aws:kms:us-east-1:123456789012:key/k1', 'alias/phi', [{ TagKey: 'data-class', TagValue: 'phi' }], ctx)).toMatchObject({
      name: 'phi',
      tags: { 'data-class': 'phi' },
    });
    expect(mapKey('k1', 'arn:aws:kms:us-east-1:123456789012:key/k1', undefined, undefined, ctx).name).toBe('k1');
    expect(mapBucket('b', [], ctx, partitionOf('arn:aws-us-gov:iam::123456789012:root')).arn).toBe('arn:aws-us-gov:s3:::b');
    expect(tableArn('aws', 'eu-west-1', '123456789012', 't')).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/t');
  });

  it('the service is not offered: a host name that does not resolve, or an emulator error page (only with --endpoint)', () => {
    const page = Object.assign(new SyntaxError('Unexpected token <'), { $metadata: { httpStatusCode: 500 } });
    expect(notOffered(page, true)).toBe(true);
    expect(notOffered(page, false)).toBe(false);
    expect(notOffered(Object.assign(new Error('getaddrinfo ENOTFOUND healthlake.eu-central-1.amazonaws.com'), { code: 'ENOTFOUND' }), false)).toBe(true);
    expect(notOffered(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }), true)).toBe(false);
    expect(notOffered(Object.assign(new Error('internal'), { name: 'InternalServerException', $metadata: { httpStatusCode: 500 } }), true)).toBe(false);
  });
});
