/**
 * Property-based fuzzing (fast-check) of the loaders and the IAM policy parsing: no input ever
 * escapes as anything but a schema-valid Inventory or a UserError whose line() is one line naming
 * the file. Inputs are structure-aware: the real fixtures with JSON values put at random paths
 * (or keys removed), plus random JSON documents and random policy statements.
 *
 * Fixed seed and a short run in CI; a longer run with NHI_GUARD_FUZZ_RUNS=5000 (and a different
 * NHI_GUARD_FUZZ_SEED) when hunting.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../checks/errors.js';
import { buildInventory } from '../../checks/loaders/inventoryBuilder.js';
import { planRecords } from '../../checks/loaders/plan.js';
import { documentFromDataSource, documentFromText, documentOf } from '../../checks/loaders/policyDocument.js';
import { loadSnapshot } from '../../checks/loaders/snapshot.js';
import { stateRecords } from '../../checks/loaders/state.js';
import { loadSynth } from '../../checks/loaders/synth.js';
import type { Value } from '../../checks/loaders/values.js';
import { emptyInventory, type Inventory } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { ESTATE_DELETE_PLAN, ESTATE_PLAN, ESTATE_TFSTATE, FIXTURES } from '../support/estate.js';
import { deepObjectText, ODD_STRINGS, pathsOf, setAt } from '../support/hostile.js';

const RUNS = Number(process.env.NHI_GUARD_FUZZ_RUNS ?? 120);
const SEED = Number(process.env.NHI_GUARD_FUZZ_SEED ?? 20261122);
const params = (scale = 1) => ({ numRuns: Math.max(10, Math.round(RUNS * scale)), seed: SEED, endOnFailure: true });

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as unknown;
const FIX = {
  plan: read(ESTATE_PLAN),
  deletePlan: read(ESTATE_DELETE_PLAN),
  show: read(path.join(FIXTURES, 'state', 'estate-show.json')),
  tfstate: read(ESTATE_TFSTATE),
  snapshot: read(path.join(FIXTURES, 'snapshots', 'handmade-estate-drift.json')),
};

/** Values worth putting anywhere: wrong types, odd strings, deep and empty containers. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, '', [], {}, [null], { '': null }) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 1, arbitrary: fc.constant(JSON.parse(deepObjectText(80)) as unknown) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** One to three edits of a document: a value put at one of its paths, or a key/element removed. */
function mutated(doc: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(doc, 14);
  const edit = fc.record({ at: fc.integer({ min: 0, max: paths.length - 1 }), value: hostileValue, remove: fc.boolean() });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    let d = doc;
    for (const e of edits) {
      const p = paths[e.at]!;
      try {
        d = setAt(d, p, e.value, e.remove && p.length > 0);
      } catch {
        // An earlier edit removed the parent of this path: skip it.
      }
    }
    return d;
  });
}

/** The property: a schema-valid Inventory, or a one-line UserError naming the file. */
function expectLoadsOrUserError(file: string, load: () => Inventory): void {
  let inv: Inventory;
  try {
    inv = load();
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
    const line = e.line();
    expect(line.startsWith(file), line.slice(0, 200)).toBe(true);
    expect(line).not.toMatch(/[\n\r]/);
    expect(line.length).toBeLessThan(1100);
    return;
  }
  const problem = check('inventory', inv);
  expect(problem, JSON.stringify(problem)).toBeNull();
}

async function expectLoadsOrUserErrorAsync(file: string, load: () => Promise<Inventory>): Promise<void> {
  let result: Inventory | UserError;
  try {
    result = await load();
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
    result = e;
  }
  expectLoadsOrUserError(file, () => {
    if (result instanceof UserError) throw result;
    return result;
  });
}

describe('terraform loaders: mutated fixtures', () => {
  const planLoad = (doc: unknown) => () => buildInventory(planRecords(doc, 'plan.json'), [{ kind: 'plan', file: 'plan.json' }]);
  const stateLoad = (doc: unknown) => () => buildInventory(stateRecords(doc, 'state.json'), [{ kind: 'state', file: 'state.json' }]);

  it('the unmutated fixtures load into valid Inventories', () => {
    expectLoadsOrUserError('plan.json', planLoad(FIX.plan));
    expectLoadsOrUserError('state.json', stateLoad(FIX.show));
    expectLoadsOrUserError('state.json', stateLoad(FIX.tfstate));
  });

  it('plan (create)', () => {
    fc.assert(
      fc.property(mutated(FIX.plan), (doc) => expectLoadsOrUserError('plan.json', planLoad(doc))),
      params(),
    );
  });
  it('plan (delete and replace)', () => {
    fc.assert(
      fc.property(mutated(FIX.deletePlan), (doc) => expectLoadsOrUserError('plan.json', planLoad(doc))),
      params(0.5),
    );
  });
  it('state (show -json)', () => {
    fc.assert(
      fc.property(mutated(FIX.show), (doc) => expectLoadsOrUserError('state.json', stateLoad(doc))),
      params(),
    );
  });
  it('terraform.tfstate v4', () => {
    fc.assert(
      fc.property(mutated(FIX.tfstate), (doc) => expectLoadsOrUserError('state.json', stateLoad(doc))),
      params(),
    );
  });
  it('random JSON documents as plan and as state', () => {
    const doc = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record(
        { format_version: fc.constantFrom('1.2', '0.1', 1, null), planned_values: fc.jsonValue(), resource_changes: fc.jsonValue(), values: fc.jsonValue() },
        { requiredKeys: ['format_version'] },
      ),
    );
    fc.assert(
      fc.property(doc, (d) => {
        expectLoadsOrUserError('plan.json', planLoad(d));
        expectLoadsOrUserError('state.json', stateLoad(d));
      }),
      params(),
    );
  });
});

describe('synth and snapshot loaders (through files)', () => {
  const synthStack = {
    resource: {
      aws_iam_role: {
        r: {
          name: 'r',
          assume_role_policy: '{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
          tags: { owner: 'team', 'expires-on': '2027-01-01' },
        },
      },
      aws_iam_role_policy: { p: { role: '${aws_iam_role.r.name}', policy: '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' } },
      aws_iam_user: { u: { name: 'u' } },
      aws_iam_access_key: { k: { user: '${aws_iam_user.u.name}' } },
      aws_secretsmanager_secret: { s: { name: 's' } },
      aws_secretsmanager_secret_rotation: { rot: { secret_id: '${aws_secretsmanager_secret.s.id}', rotation_rules: { automatically_after_days: 30 } } },
    },
    data: {
      aws_iam_policy_document: {
        d: { statement: [{ actions: ['s3:GetObject'], resources: ['*'], condition: [{ test: 'StringEquals', variable: 'aws:x', values: ['y'] }] }] },
      },
    },
  };
  let k = 0;

  it('cdk.tf.json stacks', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(synthStack), async (stack) => {
        const d = path.join(dir, `synth-${k++}`);
        mkdirSync(path.join(d, 's'), { recursive: true });
        writeFileSync(path.join(d, 'manifest.json'), JSON.stringify({ stacks: { a: { name: 'a', synthesizedStackPath: 's/cdk.tf.json' } } }));
        const file = path.join(d, 's', 'cdk.tf.json');
        writeFileSync(file, JSON.stringify(stack));
        await expectLoadsOrUserErrorAsync(file, () => loadSynth(d));
        rmSync(d, { recursive: true, force: true });
      }),
      params(0.5),
    );
  });

  it('snapshots', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(FIX.snapshot), async (snap) => {
        const file = path.join(dir, `snapshot-${k++}.json`);
        writeFileSync(file, JSON.stringify(snap));
        await expectLoadsOrUserErrorAsync(file, () => loadSnapshot(file));
        rmSync(file, { force: true });
      }),
      params(0.5),
    );
  });
});

describe('IAM policy documents: never a throw, always a valid DocRef', () => {
  /** A DocRef is checked by placing it in an otherwise empty Inventory. */
  function expectValidDocRef(ref: ReturnType<typeof documentOf>): void {
    expect(typeof ref.known).toBe('boolean');
    const inv = emptyInventory([{ kind: 'plan', file: 'p.json' }]);
    inv.policies.push({ id: 'p', name: 'p', type: 'inline', document: ref, change: 'create', origin: { source: 'plan', file: 'p.json' } });
    const problem = check('inventory', inv);
    expect(problem, `${JSON.stringify(problem)} for ${JSON.stringify(ref).slice(0, 300)}`).toBeNull();
  }

  const stringOrList = (s: fc.Arbitrary<string>) => fc.oneof(s, fc.array(s, { maxLength: 3 }));
  const principal = fc.oneof(
    fc.constant('*'),
    fc.dictionary(
      fc.constantFrom('AWS', 'Service', 'Federated', 'CanonicalUser', 'aws', 'Bogus'),
      stringOrList(fc.constantFrom('*', 'arn:aws:iam::123456789012:root', 'ec2.amazonaws.com')),
    ),
    hostileValue,
  );
  const statement = fc.record(
    {
      Sid: fc.oneof(fc.string(), hostileValue),
      Effect: fc.oneof(fc.constantFrom('Allow', 'Deny'), hostileValue),
      Action: fc.oneof(stringOrList(fc.constantFrom('*', 's3:*', 'iam:PassRole', 'S3:Get*')), hostileValue),
      NotAction: stringOrList(fc.string()),
      Resource: fc.oneof(stringOrList(fc.constantFrom('*', 'arn:aws:s3:::b/*')), hostileValue),
      NotResource: hostileValue,
      Principal: principal,
      NotPrincipal: principal,
      Condition: fc.oneof(fc.dictionary(fc.string(), fc.dictionary(fc.string(), fc.oneof(stringOrList(fc.string()), hostileValue))), hostileValue),
    },
    { requiredKeys: [] },
  );
  const document = fc.oneof(
    fc.record(
      { Version: fc.oneof(fc.constant('2012-10-17'), hostileValue), Statement: fc.oneof(statement, fc.array(statement, { maxLength: 4 }), hostileValue) },
      { requiredKeys: [] },
    ),
    hostileValue,
  );

  it('documentOf (decoded JSON)', () => {
    fc.assert(
      fc.property(document, (d) => expectValidDocRef(documentOf(d))),
      params(2),
    );
  });

  it('documentFromText (JSON text, URL-encoded text, garbage)', () => {
    const text = fc.oneof(
      document.map((d) => JSON.stringify(d) ?? 'undefined'),
      document.map((d) => encodeURIComponent(JSON.stringify(d) ?? '')),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom('%7B%ZZ', '%7b', '{"Statement":', ' ', '${aws_iam_role.x.arn}', deepObjectText(100_000)),
    );
    fc.assert(
      fc.property(text, (t) => expectValidDocRef(documentFromText(t))),
      params(2),
    );
  });

  it('documentFromDataSource (aws_iam_policy_document blocks)', () => {
    const values = fc.jsonValue({ maxDepth: 4 }).map((v) => ({ statement: v as Value, version: '2012-10-17' }));
    const block = fc.record({
      statement: fc.array(
        fc.record(
          { effect: hostileValue, actions: hostileValue, resources: hostileValue, principals: hostileValue, condition: hostileValue, sid: hostileValue },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(fc.oneof(values, block as fc.Arbitrary<{ statement: unknown }>), (v) =>
        expectValidDocRef(documentFromDataSource(v as Record<string, Value>)),
      ),
      params(2),
    );
  });
});
