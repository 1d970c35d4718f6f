/** Declared-to-live matching (a fact, computed in TypeScript; the drift rules judge it). */
import { describe, expect, it } from 'vitest';
import { matchInventories } from '../../checks/drift/match.js';
import { regionsNotRead } from '../../checks/drift/unread.js';
import { emptyInventory, type Credential, type Identity, type Inventory, type Policy } from '../../checks/model.js';

const identity = (id: string, kind: 'role' | 'user', name: string | null, policies: string[] = [], source: 'state' | 'live' = 'state'): Identity => ({
  id,
  kind,
  name,
  tags: {},
  policies: policies.map((policy) => ({ policy })),
  groups: [],
  change: 'existing',
  origin: { source },
});
const policy = (id: string, name: string, type: Policy['type'], source: 'state' | 'live', arn?: string): Policy => ({
  id,
  name,
  type,
  ...(arn ? { arn } : {}),
  document: { known: false },
  change: 'existing',
  origin: { source },
});
const cred = (id: string, kind: Credential['kind'], name: string | null, source: 'state' | 'live', extra: Partial<Credential> = {}): Credential => ({
  id,
  kind,
  name,
  tags: {},
  change: 'existing',
  origin: { source },
  ...extra,
});
const inv = (parts: Partial<Inventory>): Inventory => ({ ...emptyInventory(), ...parts });

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

describe('matchInventories', () => {
  it('matches identities by kind and name, never a role with a user of the same name', () => {
    const declared = inv({
      identities: [identity('aws_iam_role.etl', 'role', 'etl'), identity('aws_iam_user.ci', 'user', 'ci'), identity('aws_iam_role.gone', 'role', 'gone')],
    });
    const live = inv({ identities: [identity('iam-role:etl', 'role', 'etl', [], 'live'), identity('iam-role:ci', 'role', 'ci', [], 'live')] });
    const m = matchInventories(declared, live);
    expect(m.identities).toEqual([{ declared: 'aws_iam_role.etl', live: 'iam-role:etl' }]);
    expect(m.unnamed).toEqual([]);
  });

  it('lists declarations named only at apply as unnamed instead of guessing', () => {
    const declared = inv({
      identities: [identity('aws_iam_role.etl', 'role', null), { ...identity('aws_iam_role.old', 'role', null), change: 'delete' }],
      credentials: [cred('aws_secretsmanager_secret.s', 'secret', null, 'state')],
    });
    const live = inv({ identities: [identity('iam-role:etl-2026', 'role', 'etl-2026', [], 'live')] });
    const m = matchInventories(declared, live);
    expect(m.identities).toEqual([]);
    expect(m.unnamed).toEqual([
      { id: 'aws_iam_role.etl', type: 'role' },
      { id: 'aws_secretsmanager_secret.s', type: 'secret' },
    ]);
  });

  it('pairs policies within a matched identity: inline and customer managed by name, AWS managed by ARN', () => {
    const declared = inv({
      identities: [identity('aws_iam_role.etl', 'role', 'etl', ['aws_iam_role_policy.read', 'aws_iam_policy.audit', ADMIN])],
      policies: [
        policy('aws_iam_role_policy.read', 'read', 'inline', 'state'),
        policy('aws_iam_policy.audit', 'audit', 'managed', 'state', 'arn:aws:iam::1:policy/audit'),
        policy(ADMIN, 'AdministratorAccess', 'aws-managed', 'state', ADMIN),
      ],
    });
    const live = inv({
      identities: [identity('iam-role:etl', 'role', 'etl', ['inline:role:etl:read', 'inline:role:etl:extra', 'arn:aws:iam::1:policy/audit', ADMIN], 'live')],
      policies: [
        policy('inline:role:etl:read', 'read', 'inline', 'live'),
        policy('inline:role:etl:extra', 'extra', 'inline', 'live'),
        policy('arn:aws:iam::1:policy/audit', 'audit', 'managed', 'live', 'arn:aws:iam::1:policy/audit'),
        policy(ADMIN, 'AdministratorAccess', 'aws-managed', 'live', ADMIN),
      ],
    });
    expect(matchInventories(declared, live).policies).toEqual([
      { declared: 'aws_iam_role_policy.read', live: 'inline:role:etl:read' },
      { declared: 'aws_iam_policy.audit', live: 'arn:aws:iam::1:policy/audit' },
      { declared: ADMIN, live: ADMIN },
    ]);
  });

  it('matches groups by name and pairs their policies', () => {
    const group = (id: string, name: string, policies: string[], source: 'state' | 'live') => ({
      id,
      name,
      policies: policies.map((policy) => ({ policy })),
      origin: { source },
    });
    const declared = inv({
      groups: [group('aws_iam_group.readers', 'readers', ['aws_iam_group_policy.read'], 'state'), group('aws_iam_group.gone', 'gone', [], 'state')],
      policies: [policy('aws_iam_group_policy.read', 'read', 'inline', 'state')],
    });
    const live = inv({
      groups: [group('iam-group:readers', 'readers', ['inline:group:readers:read', ADMIN], 'live')],
      policies: [policy('inline:group:readers:read', 'read', 'inline', 'live'), policy(ADMIN, 'AdministratorAccess', 'aws-managed', 'live', ADMIN)],
    });
    const m = matchInventories(declared, live);
    expect(m.groups).toEqual([{ declared: 'aws_iam_group.readers', live: 'iam-group:readers' }]);
    expect(m.policies).toEqual([{ declared: 'aws_iam_group_policy.read', live: 'inline:group:readers:read' }]);
  });

  it('matches secrets by name and access keys by key id, or by user when the id is known only after apply', () => {
    const declared = inv({
      identities: [identity('aws_iam_user.ci', 'user', 'ci'), identity('aws_iam_user.ops', 'user', 'ops')],
      credentials: [
        cred('aws_secretsmanager_secret.db', 'secret', 'db', 'state'),
        cred('aws_iam_access_key.ci', 'access-key', 'AKIACI', 'state', { identity: 'aws_iam_user.ci' }),
        cred('aws_iam_access_key.ops', 'access-key', null, 'state', { identity: 'aws_iam_user.ops' }),
        cred('aws_iam_access_key.orphan', 'access-key', null, 'state', { identity: 'aws_iam_user.nobody' }),
      ],
    });
    const live = inv({
      identities: [identity('iam-user:ci', 'user', 'ci', [], 'live'), identity('iam-user:ops', 'user', 'ops', [], 'live')],
      credentials: [
        cred('secret:db', 'secret', 'db', 'live'),
        cred('access-key:AKIACI', 'access-key', 'AKIACI', 'live', { identity: 'iam-user:ci' }),
        cred('access-key:AKIAOPS2', 'access-key', 'AKIAOPS2', 'live', { identity: 'iam-user:ops', createDate: '2026-02-01T00:00:00Z' }),
        cred('access-key:AKIAOPS1', 'access-key', 'AKIAOPS1', 'live', { identity: 'iam-user:ops', createDate: '2026-01-01T00:00:00Z' }),
      ],
    });
    const m = matchInventories(declared, live);
    expect(m.credentials).toEqual([
      { declared: 'aws_secretsmanager_secret.db', live: 'secret:db' },
      { declared: 'aws_iam_access_key.ci', live: 'access-key:AKIACI' },
      { declared: 'aws_iam_access_key.ops', live: 'access-key:AKIAOPS1' },
    ]);
    expect(m.unnamed).toEqual([{ id: 'aws_iam_access_key.orphan', type: 'access-key' }]);
  });
  it('matches secrets by ARN, or by name within their region; a region-less name two regions have is ambiguous', () => {
    const arn = (region: string) => `arn:aws:secretsmanager:${region}:111122223333:secret:hl7/feed-AbC123`;
    const live = inv({
      credentials: [
        cred('secret:hl7/feed@us-east-1', 'secret', 'hl7/feed', 'live', { arn: arn('us-east-1') }),
        cred('secret:hl7/feed@eu-west-1', 'secret', 'hl7/feed', 'live', { arn: arn('eu-west-1') }),
      ],
    });
    const pairs = (d: Credential) => {
      const m = matchInventories(inv({ credentials: [d] }), live);
      return { pairs: m.credentials.map((p) => p.live), ambiguous: m.ambiguous ?? [] };
    };
    // The state knows the ARN; a synth or plan knows the region of its provider.
    expect(pairs(cred('aws_secretsmanager_secret.feed', 'secret', 'hl7/feed', 'state', { arn: arn('eu-west-1') }))).toEqual({
      pairs: ['secret:hl7/feed@eu-west-1'],
      ambiguous: [],
    });
    expect(pairs(cred('aws_secretsmanager_secret.feed', 'secret', 'hl7/feed', 'state', { region: 'us-east-1' }))).toEqual({
      pairs: ['secret:hl7/feed@us-east-1'],
      ambiguous: [],
    });
    // Declared in a region where the name does not exist: missing, not paired with another region's secret.
    expect(pairs(cred('aws_secretsmanager_secret.feed', 'secret', 'hl7/feed', 'state', { region: 'us-west-2' }))).toEqual({ pairs: [], ambiguous: [] });
    expect(pairs(cred('aws_secretsmanager_secret.feed', 'secret', 'hl7/feed', 'state'))).toEqual({
      pairs: [],
      ambiguous: [{ declared: 'aws_secretsmanager_secret.feed', live: ['secret:hl7/feed@eu-west-1', 'secret:hl7/feed@us-east-1'] }],
    });
    // A live secret without an ARN is in the region read; with one candidate of unknown region, the name decides.
    const noArn = inv({ region: 'us-east-1', credentials: [cred('secret:hl7/feed', 'secret', 'hl7/feed', 'live')] });
    expect(
      matchInventories(inv({ credentials: [cred('aws_secretsmanager_secret.feed', 'secret', 'hl7/feed', 'state', { region: 'us-east-1' })] }), noArn)
        .credentials.length,
    ).toBe(1);
    expect(
      matchInventories(inv({ credentials: [cred('aws_secretsmanager_secret.feed', 'secret', 'hl7/feed', 'state', { region: 'eu-west-1' })] }), noArn)
        .credentials.length,
    ).toBe(0);
    const unplaced = inv({ credentials: [cred('secret:hl7/feed', 'secret', 'hl7/feed', 'live')] });
    expect(
      matchInventories(inv({ credentials: [cred('aws_secretsmanager_secret.feed', 'secret', 'hl7/feed', 'state', { region: 'eu-west-1' })] }), unplaced)
        .credentials.length,
    ).toBe(1);
    // With the name in one region only, a region-less declaration matches it.
    const one = matchInventories(
      inv({ credentials: [cred('aws_secretsmanager_secret.feed', 'secret', 'hl7/feed', 'state')] }),
      inv({ credentials: [live.credentials[0]!] }),
    );
    expect(one.credentials).toEqual([{ declared: 'aws_secretsmanager_secret.feed', live: 'secret:hl7/feed@us-east-1' }]);
  });

  describe('unread: declarations whose live side lies in a gap', () => {
    const gap = (service: string, operation: string, extra: Record<string, string> = {}) => ({ service, operation, error: 'AccessDenied: no', ...extra });
    const secretIn = (name: string, region: string | undefined, source: 'state' | 'live' = 'state') =>
      cred(source === 'state' ? `aws_secretsmanager_secret.${name}` : `secret:${name}@${region}`, 'secret', name, source, region ? { region } : {});
    const declared = inv({
      identities: [identity('aws_iam_role.etl', 'role', 'etl'), identity('aws_iam_user.ci', 'user', 'ci'), identity('aws_iam_user.ops', 'user', 'ops')],
      credentials: [
        secretIn('eu', 'eu-west-1'),
        secretIn('us', 'us-east-1'),
        secretIn('anywhere', undefined),
        cred('aws_iam_access_key.ci', 'access-key', null, 'state', { identity: 'aws_iam_user.ci' }),
        cred('aws_iam_access_key.ops', 'access-key', null, 'state', { identity: 'aws_iam_user.ops' }),
      ],
    });
    const live = (gaps: Inventory['gaps'], parts: Partial<Inventory> = {}) =>
      inv({ accountId: '123456789012', region: 'us-east-1', regions: ['us-east-1', 'eu-west-1'], gaps, ...parts });
    const unread = (l: Inventory) => (matchInventories(declared, l).unread ?? []).map((u) => `${u.declared} <- ${u.gap}`).sort();

    it("a region's Secrets Manager listing: that region's secrets and the ones of unknown region", () => {
      expect(unread(live([gap('secretsmanager', 'ListSecrets', { region: 'eu-west-1' })]))).toEqual([
        'aws_secretsmanager_secret.anywhere <- secretsmanager ListSecrets (eu-west-1)',
        'aws_secretsmanager_secret.eu <- secretsmanager ListSecrets (eu-west-1)',
      ]);
    });

    it('a secret listed before the listing failed is matched, not unread', () => {
      const l = live([gap('secretsmanager', 'ListSecrets', { region: 'eu-west-1' })], { credentials: [secretIn('eu', 'eu-west-1', 'live')] });
      expect(unread(l)).toEqual(['aws_secretsmanager_secret.anywhere <- secretsmanager ListSecrets (eu-west-1)']);
    });

    it("the IAM listing: every identity and access key; one user's keys: that user's keys only", () => {
      expect(unread(live([gap('iam', 'GetAccountAuthorizationDetails')]))).toEqual([
        'aws_iam_access_key.ci <- iam GetAccountAuthorizationDetails',
        'aws_iam_access_key.ops <- iam GetAccountAuthorizationDetails',
        'aws_iam_role.etl <- iam GetAccountAuthorizationDetails',
        'aws_iam_user.ci <- iam GetAccountAuthorizationDetails',
        'aws_iam_user.ops <- iam GetAccountAuthorizationDetails',
      ]);
      expect(unread(live([gap('iam', 'ListAccessKeys', { target: 'ci' })]))).toEqual(['aws_iam_access_key.ci <- iam ListAccessKeys of ci']);
    });

    it('an account not assumed: everything; a gap of another account, or about one listed element, hides nothing', () => {
      expect(unread(live([gap('sts', 'AssumeRole', { account: '123456789012' })]))).toHaveLength(8);
      expect(unread(live([gap('secretsmanager', 'ListSecrets', { region: 'eu-west-1', account: '210987654321' })]))).toEqual([]);
      expect(
        unread(live([gap('s3', 'GetBucketTagging', { region: 'eu-west-1', target: 'b' }), gap('iam', 'GetAccessKeyLastUsed', { target: 'AKIA' })])),
      ).toEqual([]);
      expect(matchInventories(declared, live(undefined)).unread).toBeUndefined();
    });

    it('a region the live side did not read is a gap of the run for the secrets declared there', () => {
      const one = live(undefined, { regions: undefined });
      const gaps = regionsNotRead(declared, one);
      expect(gaps.map((g) => `${g.service} ${g.operation} ${g.region} ${g.account}`)).toEqual(['secretsmanager ListSecrets eu-west-1 123456789012']);
      expect(gaps[0]!.error).toMatch(/add --region eu-west-1 or --all-regions/);
      expect(unread({ ...one, gaps })).toEqual([
        'aws_secretsmanager_secret.anywhere <- secretsmanager ListSecrets (eu-west-1)',
        'aws_secretsmanager_secret.eu <- secretsmanager ListSecrets (eu-west-1)',
      ]);
      // Both regions read, or a live side that does not say which it read: nothing added.
      expect(regionsNotRead(declared, live(undefined))).toEqual([]);
      expect(regionsNotRead(declared, inv({ accountId: '123456789012' }))).toEqual([]);
    });
  });
});
