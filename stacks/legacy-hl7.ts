/**
 * Legacy HL7 interface engine, declared before nhi-guard's constructs existed, with the debt a
 * real estate carries: an administrator wildcard, no owner, no expiry, a vendor role whose
 * contract ended, and an IAM user with a long-lived access key that the engine's Windows service
 * reads from a config file (the engine predates instance roles on that host). Written with raw
 * provider resources on purpose: the checker must see it. The access key is covered by a waiver
 * until the host migration; the rest of the debt stays visible.
 */
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user/index.js';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy/index.js';
import type { Construct } from 'constructs';
import { Waiver } from './constructs/waiver.js';
import { HospitalStack } from './hospital.js';
import { located } from './constructs/source-location.js';

const ec2Trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export class LegacyHl7Stack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const engine = located(
      new IamRole(this, 'InterfaceEngineRole', {
        name: 'hl7-interface-engine',
        assumeRolePolicy: ec2Trust,
        tags: { purpose: 'HL7 v2 interface engine: ADT ORM ORU feeds', 'data-class': 'phi', environment: 'prod' },
      }),
    );
    located(
      new IamRolePolicy(this, 'InterfaceEngineAdmin', {
        name: 'hl7-interface-engine-admin',
        role: engine.name,
        policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    located(
      new IamRole(this, 'OldPacsVendorRole', {
        name: 'pacs-vendor-support',
        assumeRolePolicy: ec2Trust,
        tags: {
          owner: 'imaging-it',
          purpose: 'PACS vendor remote support - contract ended',
          'data-class': 'phi',
          environment: 'prod',
          'identity-kind': 'vendor',
          'expires-on': '2026-06-30',
        },
      }),
    );
    const engineUser = located(
      new IamUser(this, 'InterfaceEngineUser', {
        name: 'hl7-interface-engine',
        tags: { purpose: 'HL7 interface engine SFTP drop to the reference lab', 'data-class': 'phi', environment: 'prod' },
      }),
    );
    located(
      new IamUserPolicy(this, 'InterfaceEngineUserS3', {
        name: 'hl7-interface-engine-s3',
        user: engineUser.name,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
              Resource: ['arn:aws:s3:::stmary-hl7-archive', 'arn:aws:s3:::stmary-hl7-archive/*'],
            },
          ],
        }),
      }),
    );
    const key = located(new IamAccessKey(this, 'InterfaceEngineUserKey', { user: engineUser.name }));
    // The one piece of debt accepted for now: the engine cannot use a role until its host moves.
    new Waiver(this, 'InterfaceEngineKeyWaiver', {
      ruleId: 'NHI-ROT-003',
      resource: key,
      owner: 'integration-platform',
      reason:
        'The HL7 engine on the legacy Windows host reads a static key; it moves to an instance role with the host migration (rotated by hand every 30 days until then).',
      expiresOn: '2027-02-15',
      ticket: 'SEC-2291',
    });
  }
}
