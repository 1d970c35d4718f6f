/**
 * RotatedSecret: a Secrets Manager secret that a rotation Lambda owns end to end. It never takes a
 * secret value (the rotation function sets the first one), rotates automatically at most every
 * 90 days (30 for data-class phi, NHI-ROT-001/002), and a phi secret is encrypted with its own
 * customer-managed KMS key with key rotation on (NHI-ROT-006).
 */
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { phiKeyPolicy } from './key-policy.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation/index.js';
import { Construct } from 'constructs';
import { rotationDaysProblems, secretNameProblems, SECRET_DESCRIPTION_MAX, tagProblems } from './aws-limits.js';
import type { GovernedRole } from './governed-role.js';
import { reportProblem, reportProblems } from './problems.js';
import { governanceTags, type Governance, type Governed, type TagKeys } from './governance.js';
import { recordSourceLocation } from './source-location.js';

export const ROTATION_MAX_DAYS = 90;
export const ROTATION_MAX_DAYS_PHI = 30;

export interface RotatedSecretProps {
  /** Secret name, e.g. `telehealth/video-vendor/api-key`. */
  name: string;
  description?: string;
  governance: Governance;
  /** ARN of the rotation Lambda that creates and rotates the value. */
  rotationLambdaArn: string;
  /** Days between rotations: default and maximum 90, or 30 for data-class phi (Secrets Manager allows 1..1000). */
  rotationDays?: number;
  /** Customer-managed key for non-phi secrets (phi secrets always get their own key). */
  kmsKeyArn?: string;
  /** Days Secrets Manager keeps a deleted secret (7..30, default 7). */
  recoveryWindowInDays?: number;
  tagKeys?: TagKeys;
}

/** Keys that would carry a secret value; refused even from untyped (JavaScript) callers. */
const VALUE_KEYS = ['secretString', 'secretBinary', 'secretValue', 'value', 'password'];

export class RotatedSecret extends Construct implements Governed {
  readonly governance: Governance;
  readonly secret: SecretsmanagerSecret;
  readonly rotation: SecretsmanagerSecretRotation;
  readonly kmsKey?: KmsKey;
  readonly rotationDays: number;

  constructor(scope: Construct, id: string, props: RotatedSecretProps) {
    super(scope, id);
    recordSourceLocation(this);
    // Every problem is recorded (not thrown), so synth names them all at once with this path.
    const problems: string[] = [];
    for (const k of VALUE_KEYS) {
      if (k in (props as unknown as Record<string, unknown>))
        problems.push(`${k} is not accepted: a secret value in code sits in the repository and in state; the rotation Lambda sets it`);
    }
    this.governance = props.governance;
    const phi = props.governance.dataClass === 'phi';
    const max = phi ? ROTATION_MAX_DAYS_PHI : ROTATION_MAX_DAYS;
    const days = props.rotationDays ?? max;
    const aws = rotationDaysProblems(days);
    problems.push(...aws);
    if (aws.length === 0 && days > max) problems.push(`rotationDays ${days} must be at most ${max}${phi ? ' for a data-class phi secret' : ''} (NHI-ROT-002)`);
    this.rotationDays = days;
    if (typeof props.rotationLambdaArn !== 'string' || props.rotationLambdaArn.trim() === '')
      problems.push('rotationLambdaArn is required: the Lambda that rotates the secret');
    const recovery = props.recoveryWindowInDays ?? 7;
    if (!Number.isInteger(recovery) || recovery < 7 || recovery > 30)
      problems.push(`recoveryWindowInDays ${recovery} must be 7..30 (the range Secrets Manager allows)`);
    problems.push(...secretNameProblems(props.name));
    if (props.description !== undefined && props.description.length > SECRET_DESCRIPTION_MAX)
      problems.push(`description is ${props.description.length} characters, more than the ${SECRET_DESCRIPTION_MAX} Secrets Manager allows`);
    const tags = governanceTags(props.governance, props.tagKeys);
    problems.push(...tagProblems(tags));
    reportProblems(this, problems);

    let kmsKeyId = props.kmsKeyArn;
    if (phi) {
      this.kmsKey = new KmsKey(this, 'Key', {
        description: `encrypts secret ${props.name} (data-class phi)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: phiKeyPolicy(this, ['secretsmanager']),
        tags,
      });
      kmsKeyId = this.kmsKey.arn;
    }
    this.secret = new SecretsmanagerSecret(this, 'Secret', {
      name: props.name,
      ...(props.description ? { description: props.description } : {}),
      ...(kmsKeyId ? { kmsKeyId } : {}),
      recoveryWindowInDays: recovery,
      tags,
    });
    this.rotation = new SecretsmanagerSecretRotation(this, 'Rotation', {
      secretId: this.secret.id,
      rotationLambdaArn: props.rotationLambdaArn,
      rotationRules: { automaticallyAfterDays: days },
    });
  }

  get secretArn(): string {
    return this.secret.arn;
  }

  /** Lets `identity` read the value (and decrypt it through Secrets Manager only). */
  grantRead(identity: GovernedRole): void {
    if (this.governance.dataClass === 'phi' && identity.governance.dataClass !== 'phi') {
      reportProblem(identity, `data-class ${identity.governance.dataClass} identity cannot read phi secret ${this.node.path} (NHI-LP-008)`);
      return;
    }
    identity.grant({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.secret.arn] });
    if (this.kmsKey) {
      identity.grant({
        actions: ['kms:Decrypt'],
        resources: [this.kmsKey.arn],
        conditions: [{ test: 'StringLike', variable: 'kms:ViaService', values: ['secretsmanager.*.amazonaws.com'] }],
      });
    }
  }
}
