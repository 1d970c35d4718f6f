/**
 * nhi-guard's own scanner role: the nightly drift job (GitHub Actions, main branch of the
 * nhi-guard repository) assumes it to read identities, keys and secret metadata. Read-only; it
 * passes nhi-guard's own policies.
 */
import type { Construct } from 'constructs';
import { ScannerRole } from './constructs/scanner-role.js';
import { GITHUB_ORG, HospitalStack, PROD_ACCOUNT } from './hospital.js';

export class NhiGuardScannerStack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new ScannerRole(this, 'Scanner', {
      account: PROD_ACCOUNT,
      governance: {
        owner: 'security-engineering',
        purpose: 'nhi-guard nightly drift scan: read-only inventory of identities and keys and secret metadata',
        dataClass: 'internal',
        environment: 'prod',
        expiresOn: '2027-06-30',
        identityKind: 'automation',
        ticket: 'SEC-4410',
      },
      trustedBy: { githubActions: { account: PROD_ACCOUNT, repository: `${GITHUB_ORG}/nhi-guard`, ref: 'refs/heads/main' } },
    });
  }
}
