import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

/** St. Mary's Regional Health: the accounts and names the example stacks share. */
export const REGION = 'us-east-1';
/** Production workloads account. */
export const PROD_ACCOUNT = '111122223333';
/** Meridian Imaging Systems, the PACS vendor, operates from this account. */
export const PACS_VENDOR_ACCOUNT = '444455556666';
export const GITHUB_ORG = 'stmarys-health';
/** EKS cluster `portal-prod` IAM OIDC issuer. */
export const PORTAL_EKS_ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/5C0D7E11A9B24F6E8D3A1B2C3D4E5F60';

export const rotationLambda = (name: string): string => `arn:aws:lambda:${REGION}:${PROD_ACCOUNT}:function:${name}`;
export const logGroupArn = (name: string): string => `arn:aws:logs:${REGION}:${PROD_ACCOUNT}:log-group:${name}:*`;

/**
 * A stack of the hospital's production account: the AWS provider is pinned to that account
 * (allowed_account_ids), which also tells the checker which account is "own" for trust rules.
 */
export class HospitalStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: REGION, allowedAccountIds: [PROD_ACCOUNT] });
  }
}
