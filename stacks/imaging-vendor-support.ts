/**
 * Imaging vendor support: Meridian Imaging Systems supports the PACS remotely. They assume a role
 * from their own account with the agreed external ID, read de-identified support exports and the
 * PACS gateway logs, and the access expires with the quarterly support renewal (vendor: 90 days).
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import type { Construct } from 'constructs';
import { governanceTags, type Governance } from './constructs/governance.js';
import { VendorAccess } from './constructs/vendor-access.js';
import { HospitalStack, logGroupArn, PACS_VENDOR_ACCOUNT } from './hospital.js';
import { located } from './constructs/source-location.js';

export class ImagingVendorSupportStack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const governance: Governance = {
      owner: 'imaging-it',
      purpose: 'Meridian Imaging Systems remote PACS support: de-identified exports and gateway logs',
      dataClass: 'internal',
      environment: 'prod',
      expiresOn: '2027-02-15',
      identityKind: 'vendor',
      ticket: 'BAA-2026-014',
    };
    const exports = located(
      new S3Bucket(this, 'SupportExports', {
        bucket: 'stmary-pacs-vendor-exports',
        tags: governanceTags({
          ...governance,
          purpose: 'de-identified DICOM headers and logs shared with the PACS vendor',
          identityKind: 'service',
          expiresOn: '2027-06-30',
        }),
      }),
    );
    located(
      new S3BucketPublicAccessBlock(this, 'SupportExportsPublicAccessBlock', {
        bucket: exports.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
    );
    new VendorAccess(this, 'MeridianSupport', {
      name: 'pacs-vendor-meridian-support',
      governance,
      vendorAccount: PACS_VENDOR_ACCOUNT,
      vendorRoleArns: [`arn:aws:iam::${PACS_VENDOR_ACCOUNT}:role/meridian-customer-support`],
      externalId: 'stmary-pacs-7f3c91d2',
      grants: [
        { actions: ['s3:GetObject'], resources: [`${exports.arn}/support/*`] },
        { actions: ['s3:ListBucket'], resources: [exports.arn] },
        { actions: ['logs:GetLogEvents', 'logs:FilterLogEvents'], resources: [logGroupArn('/stmary/pacs/gateway')] },
      ],
    });
  }
}
