/**
 * Claims automation: a Lambda function that builds X12 837 claim files from the billing system's
 * export, drops them into the outbound claims bucket and submits them to the clearing house with
 * credentials that rotate every 30 days.
 */
import type { Construct } from 'constructs';
import type { Governance } from './constructs/governance.js';
import { PhiDataStore } from './constructs/phi-data-store.js';
import { RotatedSecret } from './constructs/rotated-secret.js';
import { ServiceIdentity } from './constructs/service-identity.js';
import { HospitalStack, logGroupArn, PROD_ACCOUNT, rotationLambda } from './hospital.js';

export class ClaimsAutomationStack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const base: Governance = {
      owner: 'revenue-cycle-it',
      purpose: 'submit 837 professional and institutional claims to the clearing house',
      dataClass: 'phi',
      environment: 'prod',
      expiresOn: '2027-09-30',
      identityKind: 'automation',
      ticket: 'CHG-21108',
    };
    const outbound = new PhiDataStore(this, 'ClaimsOutbound', {
      governance: { ...base, purpose: 'outbound 837 claim files', identityKind: 'service' },
      bucketName: 'stmary-claims-outbound',
    });
    const clearinghouse = new RotatedSecret(this, 'ClearinghouseCredentials', {
      name: 'claims/clearinghouse/sftp',
      description: 'SFTP credentials for the claims clearing house',
      governance: { ...base, purpose: 'clearing house SFTP credentials for claim submission' },
      rotationLambdaArn: rotationLambda('stmary-rotate-clearinghouse-sftp'),
      rotationDays: 30,
    });
    const submitter = new ServiceIdentity(this, 'ClaimsSubmitter', {
      name: 'claims-837-submitter',
      governance: base,
      principal: { kind: 'lambda', account: PROD_ACCOUNT },
      grants: [{ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroupArn('/aws/lambda/claims-837-submitter')] }],
    });
    outbound.grantBucket(submitter, 'read-write');
    clearinghouse.grantRead(submitter);
  }
}
