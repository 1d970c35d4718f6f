/**
 * Telehealth API keys: the video-visit platform key (patient sessions: phi, rotated every 30 days
 * with its own KMS key) and the SMS reminder gateway key (pii, every 60 days), read by the
 * telehealth session broker running on ECS.
 */
import type { Construct } from 'constructs';
import { RotatedSecret } from './constructs/rotated-secret.js';
import { ServiceIdentity } from './constructs/service-identity.js';
import { HospitalStack, logGroupArn, PROD_ACCOUNT, REGION, rotationLambda } from './hospital.js';

export class TelehealthApiKeysStack extends HospitalStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const video = new RotatedSecret(this, 'VideoPlatformKey', {
      name: 'telehealth/video-platform/api-key',
      description: 'API key of the video visit platform',
      governance: {
        owner: 'digital-health',
        purpose: 'create and join patient video visits',
        dataClass: 'phi',
        environment: 'prod',
        expiresOn: '2027-08-31',
        identityKind: 'service',
        ticket: 'CHG-20995',
      },
      rotationLambdaArn: rotationLambda('stmary-rotate-video-platform-key'),
      rotationDays: 30,
    });
    const sms = new RotatedSecret(this, 'SmsGatewayKey', {
      name: 'telehealth/sms-gateway/api-key',
      description: 'API key of the SMS reminder gateway',
      governance: {
        owner: 'digital-health',
        purpose: 'send visit reminders by SMS: phone numbers only and no clinical content',
        dataClass: 'pii',
        environment: 'prod',
        expiresOn: '2027-08-31',
        identityKind: 'service',
        ticket: 'CHG-20995',
      },
      rotationLambdaArn: rotationLambda('stmary-rotate-sms-gateway-key'),
      rotationDays: 60,
    });
    const broker = new ServiceIdentity(this, 'SessionBroker', {
      name: 'telehealth-session-broker',
      governance: {
        owner: 'digital-health',
        purpose: 'telehealth session broker: starts video visits and sends reminders',
        dataClass: 'phi',
        environment: 'prod',
        expiresOn: '2027-08-31',
        identityKind: 'service',
        ticket: 'CHG-20995',
      },
      principal: { kind: 'ecs-task', account: PROD_ACCOUNT, region: REGION },
      grants: [{ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroupArn('/ecs/telehealth-session-broker')] }],
    });
    video.grantRead(broker);
    sms.grantRead(broker);
  }
}
