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
