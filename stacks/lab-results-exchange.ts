/**
 * Lab results exchange: the integration engine (an ECS task) that delivers HL7 ORU results from
 * an external lab into the results bucket. Compliant: owned, expiring, scoped to one bucket.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import type { Construct } from 'constructs';
import { governanceTags } from './constructs/governance.js';
import { ServiceIdentity } from './constructs/service-identity.js';
import { HospitalStack } from './hospital.js';
import { located } from './constructs/source-location.js';

export class LabResultsExchangeStack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const results = located(
      new S3Bucket(this, 'ResultsBucket', {
        bucket: 'stmary-lab-results-inbound',
        tags: governanceTags({
          owner: 'integration-platform',
          purpose: 'inbound lab results: HL7 ORU',
          dataClass: 'phi',
          environment: 'prod',
          expiresOn: '2027-09-30',
          identityKind: 'service',
        }),
      }),
    );
    new ServiceIdentity(this, 'LabResultsEngine', {
      name: 'lab-results-exchange',
      governance: {
        owner: 'integration-platform',
        purpose: 'deliver lab results from Northside Reference Lab into the results bucket',
        dataClass: 'phi',
        environment: 'prod',
        expiresOn: '2027-09-30',
        identityKind: 'service',
        ticket: 'CHG-20417',
      },
      principal: { service: 'ecs-tasks.amazonaws.com', sourceAccount: '111122223333' },
      grants: [
        { actions: ['s3:PutObject', 's3:GetObject'], resources: [`${results.arn}/*`] },
        { actions: ['s3:ListBucket'], resources: [results.arn] },
      ],
    });
  }
}
