/**
 * Emergency department break-glass: when the EHR is down, the ED physician leads on call read the
 * downtime census and medication reports. Only their federated role, only with MFA, one hour per
 * session, and every use alerts the security operations center (HIPAA 164.312(a)(2)(ii)).
 */
import type { Construct } from 'constructs';
import { BreakGlassRole } from './constructs/break-glass-role.js';
import { PhiDataStore } from './constructs/phi-data-store.js';
import { HospitalStack, PROD_ACCOUNT } from './hospital.js';

export class EdBreakGlassStack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const reports = new PhiDataStore(this, 'DowntimeReports', {
      governance: {
        owner: 'clinical-informatics',
        purpose: 'EHR downtime census and medication administration reports',
        dataClass: 'phi',
        environment: 'prod',
        expiresOn: '2027-10-31',
        identityKind: 'service',
      },
      bucketName: 'stmary-ehr-downtime-reports',
    });
    const role = new BreakGlassRole(this, 'EdBreakGlass', {
      name: 'ed-break-glass',
      governance: {
        owner: 'clinical-informatics',
        purpose: 'ED emergency access to downtime reports when the EHR is unavailable',
        dataClass: 'phi',
        environment: 'prod',
        expiresOn: '2027-10-31',
        identityKind: 'break-glass',
        ticket: 'POL-ED-017',
      },
      trustedPrincipals: [`arn:aws:iam::${PROD_ACCOUNT}:role/ed-oncall-physician-leads`],
    });
    reports.grantBucket(role, 'read');
  }
}
