/**
 * Patient-portal backend: the portal API runs on EKS (IRSA: one service account, through the
 * cluster's OIDC provider) and reads and writes secure messages in a DynamoDB table; a notifier on
 * ECS reads new messages to email "you have a new message" (without content).
 */
import type { Construct } from 'constructs';
import type { Governance } from './constructs/governance.js';
import { PhiDataStore } from './constructs/phi-data-store.js';
import { ServiceIdentity } from './constructs/service-identity.js';
import { HospitalStack, logGroupArn, PORTAL_EKS_ISSUER, PROD_ACCOUNT, REGION } from './hospital.js';

export class PatientPortalStack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const base: Governance = {
      owner: 'patient-portal-team',
      purpose: 'patient portal secure messages',
      dataClass: 'phi',
      environment: 'prod',
      expiresOn: '2027-10-31',
      identityKind: 'service',
      ticket: 'CHG-21230',
    };
    const messages = new PhiDataStore(this, 'Messages', {
      governance: base,
      table: { name: 'stmary-portal-messages', hashKey: 'patientId', rangeKey: 'messageId' },
    });
    const api = new ServiceIdentity(this, 'PortalApi', {
      name: 'patient-portal-api',
      governance: { ...base, purpose: 'portal API on EKS portal/portal-api: read and send secure messages' },
      principal: { kind: 'eks-service-account', account: PROD_ACCOUNT, issuer: PORTAL_EKS_ISSUER, namespace: 'portal', serviceAccount: 'portal-api' },
    });
    messages.grantTable(api, 'read-write');
    const notifier = new ServiceIdentity(this, 'Notifier', {
      name: 'patient-portal-notifier',
      governance: { ...base, purpose: 'new-message e-mail notifier on ECS: reads message metadata' },
      principal: { kind: 'ecs-task', account: PROD_ACCOUNT, region: REGION },
      grants: [{ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroupArn('/ecs/patient-portal-notifier')] }],
    });
    messages.grantTable(notifier, 'read');
  }
}
