/**
 * A moto organization for live tests: the management account (moto's default, 123456789012)
 * and three member accounts created through AWS Organizations. moto's STS AssumeRole takes the
 * account from the role ARN (`arn:aws:iam::<member>:role/...`) and returns credentials that act
 * in that account, so each member is seeded, and later read, through its assumed role.
 */
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { REGION, seedAccount, seedDataStores, TEST_CREDENTIALS } from './account.js';

export const MANAGEMENT = '123456789012';
export const ROLE_NAME = 'nhi-guard-scanner';
export const SECOND_REGION = 'eu-west-1';

export interface SeededOrg {
  members: string[];
  /** Every account: management first, then the members. */
  accounts: string[];
}

async function assume(endpoint: string, account: string) {
  const sts = new STSClient({ region: REGION, endpoint, credentials: TEST_CREDENTIALS });
  try {
    const r = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${ROLE_NAME}`, RoleSessionName: 'seed' }));
    const c = r.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  } finally {
    sts.destroy();
  }
}

/**
 * The management account holds the seeded NHI estate; each member a PHI bucket, table and key, the
 * internal `reporting` role reading them, a secret in two regions and a PHI table in the second
 * region that nobody is granted (`m<i>-patients-eu`: a PHI store without NHI-LP-008).
 */
export async function seedOrganization(endpoint: string): Promise<SeededOrg> {
  const org = new OrganizationsClient({ region: REGION, endpoint, credentials: TEST_CREDENTIALS });
  const members: string[] = [];
  try {
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (const name of ['radiology', 'pharmacy', 'billing']) {
      const r = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.org` }));
      members.push(r.CreateAccountStatus!.AccountId!);
    }
  } finally {
    org.destroy();
  }
  await seedAccount(endpoint);
  await seedDataStores(endpoint, { prefix: 'mgmt-' });
  for (const [i, account] of members.entries()) {
    const credentials = await assume(endpoint, account);
    await seedDataStores(endpoint, { credentials, prefix: `m${i}-` });
    const ddb = new DynamoDBClient({ region: SECOND_REGION, endpoint, credentials });
    try {
      await ddb.send(
        new CreateTableCommand({
          TableName: `m${i}-patients-eu`,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          Tags: [
            { Key: 'data-class', Value: 'phi' },
            { Key: 'owner', Value: `team-${i}` },
          ],
        }),
      );
    } finally {
      ddb.destroy();
    }
    for (const region of [REGION, SECOND_REGION]) {
      const sm = new SecretsManagerClient({ region, endpoint, credentials });
      try {
        await sm.send(
          new CreateSecretCommand({
            Name: `m${i}/hl7-token`,
            SecretString: 'CANARY-ORG-5b1d-not-printed',
            Tags: [
              { Key: 'owner', Value: `team-${i}` },
              { Key: 'data-class', Value: 'phi' },
            ],
          }),
        );
      } finally {
        sm.destroy();
      }
    }
  }
  return { members, accounts: [MANAGEMENT, ...members] };
}
