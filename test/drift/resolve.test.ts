/** The declaration resolved against the live account before the drift rules compare (checks/drift/resolve.ts). */
import { describe, expect, it } from 'vitest';
import { matchInventories } from '../../checks/drift/match.js';
import { hasReference, resolveDeclared } from '../../checks/drift/resolve.js';
import { emptyInventory, type Identity, type Inventory, type Policy, type Statement } from '../../checks/model.js';

const STACK = 'lab-results-exchange';
const synth = (address: string) => ({ source: 'synth' as const, address, stack: STACK, file: `/out/stacks/${STACK}/cdk.tf.json` });
const allow = (resources: string[], extra: Partial<Statement> = {}): Statement => ({
  effect: 'Allow',
  actions: ['s3:getobject'],
  resources,
  conditions: [],
  ...extra,
});
const role = (id: string, name: string, source: 'synth' | 'live', statements: Statement[], extra: Partial<Identity> = {}): Identity => ({
  id,
  kind: 'role',
  name,
  tags: {},
  policies: [],
  groups: [],
  change: source === 'live' ? 'existing' : 'create',
  origin: source === 'live' ? { source } : synth(`aws_iam_role.${name}`),
  trust: { known: true, document: { statements } },
  ...extra,
});
const policy = (id: string, name: string, statements: Statement[], origin: Policy['origin']): Policy => ({
  id,
  name,
  type: 'inline',
  document: { known: true, document: { statements } },
  change: 'create',
  origin,
});
const inv = (parts: Partial<Inventory>): Inventory => ({ ...emptyInventory(), ...parts });

function resolved(declared: Inventory, live: Inventory): Inventory {
  return resolveDeclared(declared, live, matchInventories(declared, live));
}
const resourcesOf = (inv: Inventory, id: string) => inv.policies.find((p) => p.id === id)!.document.document!.statements.map((s) => s.resources);

describe('resolveDeclared', () => {
  const live = inv({
    accountId: '111122223333',
    region: 'us-east-1',
    identities: [role('iam-role:deployer', 'deployer', 'live', [], { arn: 'arn:aws:iam::111122223333:role/ci/deployer', path: '/ci/' })],
    credentials: [
      {
        id: 'secret:lab/token',
        kind: 'secret',
        name: 'lab/token',
        arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:lab/token-AbC123',
        tags: {},
        change: 'existing',
        origin: { source: 'live' },
      },
    ],
  });
  const declared = inv({
    identities: [
      role(
        `${STACK}/aws_iam_role.Deployer`,
        'deployer',
        'synth',
        [
          {
            effect: 'Allow',
            actions: ['sts:assumerole'],
            principals: { aws: ['${aws_iam_role.Deployer.arn}'] },
            conditions: [{ operator: 'StringEquals', key: 'aws:sourceaccount', values: ['${data.aws_caller_identity.current.account_id}'] }],
          },
        ],
        { origin: synth('aws_iam_role.Deployer') },
      ),
    ],
    credentials: [
      {
        id: `${STACK}/aws_secretsmanager_secret.Token`,
        kind: 'secret',
        name: 'lab/token',
        tags: {},
        change: 'create',
        origin: synth('aws_secretsmanager_secret.Token'),
      },
    ],
    dataStores: [
      { id: `${STACK}/aws_s3_bucket.Results`, kind: 's3', name: 'stmary-lab-results', tags: {}, change: 'create', origin: synth('aws_s3_bucket.Results') },
      { id: `${STACK}/aws_kms_key.Key`, kind: 'kms', name: 'results key', tags: {}, change: 'create', origin: synth('aws_kms_key.Key') },
      {
        id: `${STACK}/aws_dynamodb_table.Messages`,
        kind: 'dynamodb',
        name: 'stmary-messages',
        tags: {},
        change: 'create',
        origin: synth('aws_dynamodb_table.Messages'),
      },
    ],
    policies: [
      policy(
        `${STACK}/aws_iam_role_policy.P`,
        'p',
        [
          allow([
            '${aws_s3_bucket.Results.arn}/*',
            'arn:aws:s3:::${aws_s3_bucket.Results.bucket}',
            '${aws_kms_key.Key.arn}',
            '${aws_dynamodb_table.Messages.arn}',
          ]),
          allow(['${aws_secretsmanager_secret.Token.arn}', '${aws_s3_bucket.Unknown.arn}', '${aws_sqs_queue.Elsewhere.arn}', '${jsonencode(local.x)}']),
          allow(['arn:aws:s3:::home/${aws:username}/*', '${aws_iam_role.Deployer.name}']),
        ],
        synth('aws_iam_role_policy.P'),
      ),
    ],
  });

  it('replaces references with the live values of the matched elements, or what the declaration fixes', () => {
    const out = resolved(declared, live);
    expect(resourcesOf(out, `${STACK}/aws_iam_role_policy.P`)).toEqual([
      // A bucket's ARN is its name; a table's is fixed by the account and region; a KMS key's id is known only live.
      [
        'arn:aws:s3:::stmary-lab-results/*',
        'arn:aws:s3:::stmary-lab-results',
        'arn:aws:kms:us-east-1:111122223333:key/*',
        'arn:aws:dynamodb:us-east-1:111122223333:table/stmary-messages',
      ],
      // The matched secret's live ARN; what no declaration names is a pattern of its type; an expression is unknown.
      ['arn:aws:secretsmanager:us-east-1:111122223333:secret:lab/token-AbC123', 'arn:aws:s3:::*', 'arn:aws:sqs:us-east-1:111122223333:*', '*'],
      // IAM policy variables are part of the document.
      ['arn:aws:s3:::home/${aws:username}/*', 'deployer'],
    ]);
    const trust = out.identities[0]!.trust!.document!.statements[0]!;
    expect(trust.principals).toEqual({ aws: ['arn:aws:iam::111122223333:role/ci/deployer'] });
    expect(trust.conditions[0]!.values).toEqual(['111122223333']);
    // The declared Inventory itself is left as it was.
    expect(resourcesOf(declared, `${STACK}/aws_iam_role_policy.P`)[0]![0]).toBe('${aws_s3_bucket.Results.arn}/*');
  });

  it('resolves within the stack of the reference, and without a live account uses patterns', () => {
    const other = inv({
      dataStores: [
        {
          id: 'other/aws_dynamodb_table.Messages',
          kind: 'dynamodb',
          name: 'other-table',
          tags: {},
          change: 'create',
          origin: { source: 'synth', address: 'aws_dynamodb_table.Messages', stack: 'other' },
        },
      ],
      policies: [
        policy('other/aws_iam_role_policy.P', 'p', [allow(['${aws_dynamodb_table.Messages.arn}', '${aws_kms_key.Key.arn}'])], {
          source: 'synth',
          address: 'aws_iam_role_policy.P',
          stack: 'other',
        }),
      ],
    });
    const both = inv({ dataStores: [...declared.dataStores, ...other.dataStores], policies: [...declared.policies, ...other.policies] });
    expect(resourcesOf(resolved(both, inv({})), 'other/aws_iam_role_policy.P')).toEqual([['arn:aws:dynamodb:*:*:table/other-table', 'arn:aws:kms:*:*:key/*']]);
  });

  it("a plan that states only the reference of an expression leaves the live value open below (V, V/*, V:*), never 'contains'", () => {
    const planDoc = (referencesOnly: boolean) =>
      inv({
        dataStores: [
          {
            id: 'aws_s3_bucket.Results',
            kind: 's3',
            name: 'stmary-lab-results',
            tags: {},
            change: 'create',
            origin: { source: 'plan', address: 'aws_s3_bucket.Results', file: 'plan.json' },
          },
        ],
        policies: [
          {
            ...policy('aws_iam_role_policy.P', 'p', [allow(['${aws_s3_bucket.Results.arn}', 'arn:aws:s3:::${aws_s3_bucket.Results.bucket}/*'])], {
              source: 'plan',
              address: 'aws_iam_role_policy.P',
              file: 'plan.json',
            }),
            document: {
              known: true,
              document: { statements: [allow(['${aws_s3_bucket.Results.arn}', 'arn:aws:s3:::${aws_s3_bucket.Results.bucket}/*'])] },
              ...(referencesOnly ? { referencesOnly } : {}),
            },
          },
        ],
      });
    const st = (referencesOnly: boolean) => resolved(planDoc(referencesOnly), live).policies[0]!.document.document!.statements[0]!;
    // The resources are the live values; the bare reference is marked open below.
    expect(st(true).resources).toEqual(['arn:aws:s3:::stmary-lab-results', 'arn:aws:s3:::stmary-lab-results/*']);
    expect(st(true).referenceResources).toEqual(['arn:aws:s3:::stmary-lab-results']);
    // With the expression as written (the configuration beside the plan), every entry is exact.
    expect(st(false).referenceResources).toBeUndefined();
  });

  it('lists the condition values that stayed a pattern, so the rules read their wildcards whatever the operator', () => {
    const cond = (values: string[]) => [{ operator: 'StringEquals', key: 'kms:viaservice', values }];
    const d = inv({
      ...declared,
      policies: [
        policy(
          `${STACK}/aws_iam_role_policy.C`,
          'c',
          [allow(['*'], { conditions: cond(['${aws_kms_key.Key.arn}', '${aws_secretsmanager_secret.Token.arn}', '*']) })],
          synth('aws_iam_role_policy.C'),
        ),
      ],
    });
    const c = resolved(d, live).policies[0]!.document.document!.statements[0]!.conditions[0]!;
    expect(c.values).toEqual(['arn:aws:kms:us-east-1:111122223333:key/*', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:lab/token-AbC123', '*']);
    // The key's ARN is known only live (a pattern); the secret resolved exactly; the written "*" is a character.
    expect(c.patterns).toEqual(['arn:aws:kms:us-east-1:111122223333:key/*']);
  });

  it('tells terraform references from IAM policy variables', () => {
    expect(hasReference('${aws_s3_bucket.b.arn}/*')).toBe(true);
    expect(hasReference('arn:aws:s3:::b/${aws:username}/*')).toBe(false);
    expect(hasReference('${*}')).toBe(false);
    expect(hasReference('${jsonencode(local.x)}')).toBe(true);
  });
});
