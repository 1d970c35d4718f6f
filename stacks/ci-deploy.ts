/**
 * CI deploy role: the platform-infra repository's production environment deploys through GitHub
 * Actions OIDC (no stored keys). Trust names the repository and environment exactly; permissions
 * cover the terraform state, its lock table and the two application updates the pipeline performs.
 */
import type { Construct } from 'constructs';
import { ServiceIdentity } from './constructs/service-identity.js';
import { GITHUB_ORG, HospitalStack, PROD_ACCOUNT, REGION } from './hospital.js';

export class CiDeployStack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new ServiceIdentity(this, 'PlatformDeploy', {
      name: 'ci-platform-infra-deploy',
      governance: {
        owner: 'platform-engineering',
        purpose: 'GitHub Actions deploys of platform-infra to production',
        dataClass: 'internal',
        environment: 'prod',
        expiresOn: '2027-06-30',
        identityKind: 'automation',
        ticket: 'CHG-21302',
      },
      principal: { kind: 'github-actions', account: PROD_ACCOUNT, repository: `${GITHUB_ORG}/platform-infra`, environment: 'production' },
      grants: [
        { actions: ['s3:GetObject', 's3:PutObject'], resources: ['arn:aws:s3:::stmary-terraform-state/platform-infra/*'] },
        { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::stmary-terraform-state'] },
        {
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
          resources: [`arn:aws:dynamodb:${REGION}:${PROD_ACCOUNT}:table/terraform-locks`],
        },
        { actions: ['lambda:UpdateFunctionCode', 'lambda:GetFunction'], resources: [`arn:aws:lambda:${REGION}:${PROD_ACCOUNT}:function:claims-837-submitter`] },
        {
          actions: ['ecs:UpdateService', 'ecs:DescribeServices'],
          resources: [`arn:aws:ecs:${REGION}:${PROD_ACCOUNT}:service/telehealth/telehealth-session-broker`],
        },
      ],
    });
  }
}
