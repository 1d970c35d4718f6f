/** The GovernanceAspect fails synth with the construct path and what to fix. */
import { App, Testing, TerraformStack } from 'cdktf';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyGovernance, GovernanceAspect, governanceProblems } from '../../stacks/constructs/governance-aspect.js';
import type { Governance } from '../../stacks/constructs/governance.js';
import { ServiceIdentity } from '../../stacks/constructs/service-identity.js';
import { VendorAccess } from '../../stacks/constructs/vendor-access.js';
import { buildApp } from '../../stacks/main.js';
import { ACCOUNT, gov, newStack, NOW, synth } from './helpers.js';

const grant = { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] };

function problemsFor(governance: Governance): string[] {
  return synth(
    (s) => new ServiceIdentity(s, 'Engine', { name: 'engine', governance, principal: { kind: 'lambda', account: ACCOUNT }, grants: [grant] }),
    'clinic',
  ).problems;
}

function vendorProblems(expiresOn: string): string[] {
  return synth(
    (s) =>
      new VendorAccess(s, 'Pacs', {
        name: 'pacs',
        governance: gov({ identityKind: 'vendor', expiresOn, ticket: 'BAA-1' }),
        vendorAccount: '444455556666',
        externalId: 'ext-1234',
        grants: [grant],
      }),
  ).problems;
}

describe('GovernanceAspect', () => {
  it('passes a complete, valid identity', () => {
    expect(problemsFor(gov())).toEqual([]);
  });

  it('missing owner', () => {
    expect(problemsFor(gov({ owner: ' ' }))).toEqual(['clinic/Engine: owner is missing: name the accountable team']);
  });

  it('invalid dataClass', () => {
    expect(problemsFor(gov({ dataClass: 'secret' as never }))).toEqual(['clinic/Engine: dataClass must be one of phi, pii, internal, public']);
  });

  it('expiry in the past', () => {
    expect(problemsFor(gov({ expiresOn: '2026-11-01' }))).toEqual([
      'clinic/Engine: expiresOn 2026-11-01 is in the past: offboard the identity or renew it with its owner',
    ]);
  });

  it('malformed expiry and beyond the service lifetime', () => {
    expect(problemsFor(gov({ expiresOn: '2027-02-30' }))).toEqual(['clinic/Engine: expiresOn must be a date YYYY-MM-DD']);
    expect(problemsFor(gov({ expiresOn: '2027-11-23' }))[0]).toMatch(/366 days ahead, more than the 365 allowed for a service identity/);
  });

  it('vendor expiry 120 days ahead fails; 90 days passes', () => {
    expect(vendorProblems('2027-03-22')).toEqual([
      'test/Pacs: expiresOn 2027-03-22 is 120 days ahead, more than the 90 allowed for a vendor identity: set it at most 90 days from today and renew it with its owner',
    ]);
    expect(vendorProblems('2027-02-20')).toEqual([]);
  });

  it('an identity with no grants is reported', () => {
    const { problems } = synth((s) => new ServiceIdentity(s, 'Idle', { name: 'idle', governance: gov(), principal: { kind: 'lambda', account: ACCOUNT } }));
    expect(problems).toEqual(['test/Idle: the identity has no grants: remove it, or grant the actions it calls']);
  });

  it('records an error annotation on the construct', () => {
    const stack = newStack();
    const id = new ServiceIdentity(stack, 'Engine', {
      name: 'engine',
      governance: gov({ owner: '' }),
      principal: { kind: 'lambda', account: ACCOUNT },
      grants: [grant],
    });
    applyGovernance(stack, new GovernanceAspect(NOW));
    Testing.synth(stack);
    expect(id.node.metadata.some((m) => m.type === '@cdktf/error' && String(m.data).includes('owner is missing'))).toBe(true);
  });

  it('governanceProblems is a pure function of metadata and now', () => {
    expect(governanceProblems({}, NOW)).toHaveLength(6);
  });

  it('is applied to every stack of an app (cdktf runs aspects per stack) and names the full path', () => {
    const app = new App({ outdir: mkdtempSync(path.join(os.tmpdir(), 'nhi-aspect-')) });
    for (const name of ['one', 'two']) {
      const stack = new TerraformStack(app, name);
      new ServiceIdentity(stack, 'Engine', {
        name: `engine-${name}`,
        governance: gov({ owner: '' }),
        principal: { kind: 'lambda', account: ACCOUNT },
        grants: [grant],
      });
    }
    const aspect = applyGovernance(app, new GovernanceAspect(NOW));
    const all = ['one/Engine: owner is missing: name the accountable team', 'two/Engine: owner is missing: name the accountable team'];
    // Before synth, the whole app at once; synth itself stops at the first failing stack.
    expect(aspect.collect(app)).toEqual(all);
    expect(() => app.synth()).toThrow();
    expect(aspect.problems).toEqual([all[0]]);
  });

  it('the example app is valid today, and names the vendor once its 90 days are over', () => {
    const today = buildApp(mkdtempSync(path.join(os.tmpdir(), 'nhi-app-')), NOW);
    today.app.synth();
    expect(today.aspect.problems).toEqual([]);
    const later = buildApp(mkdtempSync(path.join(os.tmpdir(), 'nhi-app-')), new Date('2027-03-01T00:00:00Z'));
    expect(() => later.app.synth()).toThrow();
    expect(later.aspect.problems).toEqual([
      'imaging-vendor-support/MeridianSupport: expiresOn 2027-02-15 is in the past: offboard the identity or renew it with its owner',
    ]);
  });
});
