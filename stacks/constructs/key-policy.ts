import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/** The account the stack's AWS provider is pinned to (allowed_account_ids with one id), if any. */
function pinnedAccount(scope: Construct): string | undefined {
  for (const c of TerraformStack.of(scope).node.children) {
    if (c instanceof AwsProvider && c.allowedAccountIds?.length === 1) return c.allowedAccountIds[0];
  }
  return undefined;
}

/**
 * The key policy of a key that protects PHI (NHI-ROT-009): the account administers the key, and
 * uses it for data only through the service that stores the data (kms:ViaService), never by a
 * direct kms:Decrypt of whoever IAM allows. The default key policy AWS attaches when none is
 * written lets every identity of the account that IAM allows use the key.
 */
export function phiKeyPolicy(scope: Construct, viaServices: string[]): string {
  // The pinned account when there is one (the policy is then known at synth), else the caller's.
  const account = pinnedAccount(scope) ?? new DataAwsCallerIdentity(scope, 'Caller').accountId;
  const root = `arn:aws:iam::${account}:root`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'KeyAdministration',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: [
          'kms:Create*',
          'kms:Describe*',
          'kms:Enable*',
          'kms:List*',
          'kms:Put*',
          'kms:Update*',
          'kms:Revoke*',
          'kms:Disable*',
          'kms:Get*',
          'kms:Delete*',
          'kms:TagResource',
          'kms:UntagResource',
          'kms:ScheduleKeyDeletion',
          'kms:CancelKeyDeletion',
        ],
        Resource: '*',
      },
      {
        Sid: 'DataUseThroughTheStoringService',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringLike: { 'kms:ViaService': viaServices.map((s) => `${s}.*.amazonaws.com`) } },
      },
    ],
  });
}
