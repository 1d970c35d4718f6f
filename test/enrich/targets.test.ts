/** Statement.resourceTargets: which data stores of the Inventory a Resource entry points at. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addResourceTargets, arnReaches, referencedAddresses, storeArn, targetsOfEntry } from '../../checks/enrich/targets.js';
import { globMatch } from '../../checks/glob.js';
import { emptyInventory, type DataStore, type Origin, type Policy } from '../../checks/model.js';

const store = (address: string, kind: DataStore['kind'], name: string | null, extra: Partial<DataStore> = {}): DataStore => ({
  id: extra.origin?.stack ? `${extra.origin.stack}/${address}` : address,
  kind,
  name,
  tags: {},
  change: 'create',
  origin: { source: 'plan', address },
  ...extra,
});

const plan: Origin = { source: 'plan', address: 'aws_iam_role_policy.read' };

describe('referencedAddresses', () => {
  it('reads the resource addresses of ${...} placeholders, with module prefixes and instance keys', () => {
    expect(referencedAddresses('${aws_s3_bucket.phi.arn}/*')).toEqual(['aws_s3_bucket.phi']);
    expect(referencedAddresses('${module.m["a"].aws_dynamodb_table.t.arn}')).toEqual(['module.m["a"].aws_dynamodb_table.t']);
    expect(referencedAddresses('${aws_s3_bucket.b["x"].arn}/${aws_s3_bucket.c.id}')).toEqual(['aws_s3_bucket.b["x"]', 'aws_s3_bucket.c']);
    expect(referencedAddresses('arn:aws:s3:::plain/*')).toEqual([]);
  });
});

describe('globMatch', () => {
  it('matches IAM patterns in full and as a prefix, case-insensitively', () => {
    expect(globMatch('arn:aws:s3:::b*', 'arn:aws:s3:::bucket', 'full')).toBe(true);
    expect(globMatch('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', 'full')).toBe(false);
    expect(globMatch('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/', 'prefix')).toBe(true);
    expect(globMatch('arn:aws:s3:::bucket-2/*', 'arn:aws:s3:::bucket/', 'prefix')).toBe(false);
    expect(globMatch('ARN:AWS:S3:::B?CKET', 'arn:aws:s3:::bucket', 'full')).toBe(true);
  });

  it('agrees with a regular expression on full matches (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', ':', '*', '?');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(fc.constantFrom('a', 'b', '/', ':'), { maxLength: 8 }), (p, t) => {
        const pattern = p.join('');
        const text = t.join('');
        const re = new RegExp(
          `^${pattern
            .replace(/[/:]/g, (c) => `\\${c}`)
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
          's',
        );
        expect(globMatch(pattern, text, 'full')).toBe(re.test(text));
      }),
    );
  });
});

describe('ARNs of stores', () => {
  it('are known ARNs, or derived from names where AWS builds them from names', () => {
    expect(storeArn(store('aws_s3_bucket.b', 's3', 'records'))).toMatchObject({ service: 's3', resource: 'records', region: '', account: '' });
    expect(storeArn(store('aws_dynamodb_table.t', 'dynamodb', 'msgs'), '123456789012')).toMatchObject({ resource: 'table/msgs', account: '123456789012' });
    expect(storeArn(store('aws_rds_cluster.c', 'rds', 'ehr'))).toMatchObject({ resource: 'cluster:ehr' });
    expect(storeArn(store('aws_db_instance.d', 'rds', 'ehr'))).toMatchObject({ resource: 'db:ehr' });
    expect(storeArn(store('aws_kms_key.k', 'kms', 'encrypts x'))).toBeUndefined();
    expect(storeArn(store('aws_kms_key.k', 'kms', null, { arn: 'arn:aws:kms:us-east-1:123456789012:key/abc' }))).toMatchObject({
      service: 'kms',
      resource: 'key/abc',
    });
  });

  it('are reached by the ARN, sub-resources and wildcards, not by a longer name', () => {
    const bucket = storeArn(store('aws_s3_bucket.b', 's3', 'records'))!;
    expect(arnReaches('arn:aws:s3:::records', bucket)).toBe(true);
    expect(arnReaches('arn:aws:s3:::records/*', bucket)).toBe(true);
    expect(arnReaches('arn:aws:s3:::rec*', bucket)).toBe(true);
    expect(arnReaches('arn:aws:s3:::*/*', bucket)).toBe(true);
    expect(arnReaches('arn:aws:s3:::records-archive/*', bucket)).toBe(false);
    const table = storeArn(store('aws_dynamodb_table.t', 'dynamodb', 'msgs'))!;
    expect(arnReaches('arn:aws:dynamodb:*:*:table/msgs', table)).toBe(true);
    expect(arnReaches('arn:aws:dynamodb:us-east-1:123456789012:table/msgs/index/*', table)).toBe(true);
    expect(arnReaches('arn:aws:dynamodb:us-east-1:123456789012:table/msgs2', table)).toBe(false);
    const known = storeArn(store('aws_dynamodb_table.t', 'dynamodb', 'msgs'), '123456789012')!;
    expect(arnReaches('arn:aws:dynamodb:us-east-1:210987654321:table/msgs', known)).toBe(false);
  });
});

describe('targetsOfEntry', () => {
  const phi = store('aws_s3_bucket.phi', 's3', 'records');
  const other = store('aws_s3_bucket.other', 's3', 'exports');
  const each = [store('aws_s3_bucket.each["a"]', 's3', 'a'), store('aws_s3_bucket.each["b"]', 's3', 'b')];

  it('follows terraform references to the store they name', () => {
    expect(targetsOfEntry('${aws_s3_bucket.phi.arn}/*', plan, [phi, other])).toEqual(['aws_s3_bucket.phi']);
    expect(targetsOfEntry('${aws_s3_bucket.each.arn}', plan, each)).toEqual(['aws_s3_bucket.each["a"]', 'aws_s3_bucket.each["b"]']);
    expect(targetsOfEntry('${aws_s3_bucket.each["b"].arn}', plan, each)).toEqual(['aws_s3_bucket.each["b"]']);
    expect(targetsOfEntry('${aws_sqs_queue.q.arn}', plan, [phi])).toEqual([]);
  });

  it('keeps synth references within their stack', () => {
    const a = store('aws_s3_bucket.phi', 's3', 'records', { origin: { source: 'synth', address: 'aws_s3_bucket.phi', stack: 'a' } });
    const b = store('aws_s3_bucket.phi', 's3', 'records-b', { origin: { source: 'synth', address: 'aws_s3_bucket.phi', stack: 'b' } });
    expect(targetsOfEntry('${aws_s3_bucket.phi.arn}', { source: 'synth', stack: 'b', address: 'aws_iam_role_policy.p' }, [a, b])).toEqual([
      'b/aws_s3_bucket.phi',
    ]);
  });

  it('matches ARNs, and never treats "*" as a target', () => {
    expect(targetsOfEntry('arn:aws:s3:::records/*', plan, [phi, other])).toEqual(['aws_s3_bucket.phi']);
    expect(targetsOfEntry('arn:aws:s3:::*', plan, [phi, other])).toEqual(['aws_s3_bucket.phi', 'aws_s3_bucket.other']);
    expect(targetsOfEntry('*', plan, [phi, other])).toEqual([]);
  });
});

describe('addResourceTargets', () => {
  it('sets the targets of each statement, once per entry and store, and skips deleted stores', () => {
    const inv = emptyInventory();
    inv.dataStores.push(store('aws_s3_bucket.phi', 's3', 'records'), store('aws_s3_bucket.gone', 's3', 'gone', { change: 'delete' }));
    const p: Policy = {
      id: 'aws_iam_role_policy.read',
      name: 'read',
      type: 'inline',
      change: 'create',
      origin: plan,
      document: {
        known: true,
        document: {
          statements: [
            {
              effect: 'Allow',
              actions: ['s3:getobject'],
              resources: ['${aws_s3_bucket.phi.arn}', '${aws_s3_bucket.phi.arn}', 'arn:aws:s3:::gone/*'],
              conditions: [],
            },
            { effect: 'Allow', actions: ['logs:putlogevents'], resources: ['*'], conditions: [] },
          ],
        },
      },
    };
    inv.policies.push(p);
    addResourceTargets(inv);
    const [s1, s2] = p.document.document!.statements;
    expect(s1!.resourceTargets).toEqual([{ resource: '${aws_s3_bucket.phi.arn}', dataStore: 'aws_s3_bucket.phi' }]);
    expect(s2!.resourceTargets).toBeUndefined();
  });
});

describe('the store index of addResourceTargets', () => {
  // Stores of every ARN shape: known ARNs, names that prefix each other, unknown region/account.
  const stores: DataStore[] = [
    store('aws_s3_bucket.a', 's3', 'records'),
    store('aws_s3_bucket.b', 's3', 'records-archive'),
    store('aws_s3_bucket.c', 's3', 'Rec'),
    store('aws_s3_bucket.d', 's3', null, { arn: 'arn:aws:s3:::records/x' }),
    store('aws_dynamodb_table.t', 'dynamodb', 'msgs'),
    store('aws_dynamodb_table.u', 'dynamodb', null, { arn: 'arn:aws:dynamodb:us-east-1:123456789012:table/msgs' }),
    store('aws_db_instance.e', 'rds', 'ehr'),
    store('aws_kms_key.k', 'kms', null, { arn: 'arn:aws:kms:us-east-1:123456789012:key/abc' }),
  ];
  const piece = fc.constantFrom(
    'arn:aws:s3:::',
    'arn:aws:dynamodb:us-east-1:123456789012:',
    'arn:aws:dynamodb:*:*:',
    'arn:aws:rds:*:*:',
    'arn:aws:*:',
    'arn:',
    'table/',
    'db:',
    'records',
    'rec',
    'REC',
    'msgs',
    'ehr',
    '-archive',
    '/',
    'x',
    '*',
    '?',
    ':',
  );

  it('finds exactly the stores that targetsOfEntry finds among all of them (property)', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (parts) => {
        const entry = parts.join('');
        const inv = emptyInventory();
        inv.dataStores.push(...stores);
        const p: Policy = {
          id: 'p',
          name: 'p',
          type: 'inline',
          change: 'create',
          origin: plan,
          document: { known: true, document: { statements: [{ effect: 'Allow', actions: ['s3:getobject'], resources: [entry], conditions: [] }] } },
        };
        inv.policies.push(p);
        addResourceTargets(inv);
        const indexed = (p.document.document!.statements[0]!.resourceTargets ?? []).map((t) => t.dataStore);
        expect(indexed).toEqual(targetsOfEntry(entry, plan, stores));
      }),
      { seed: 8, numRuns: 2000 },
    );
  });
});
