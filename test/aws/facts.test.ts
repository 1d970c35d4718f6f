/** The AWS facts the loaders and the live collector share (checks/aws.ts). */
import { describe, expect, it } from 'vitest';
import { isAwsManagedKeyRef, pinnedAccountIds, rotationIntervalDays } from '../../checks/aws.js';

describe('AWS facts', () => {
  it('rotation interval: AutomaticallyAfterDays when positive, else the schedule expression, else unknown', () => {
    expect(rotationIntervalDays(30, 'rate(10 days)')).toBe(30);
    expect(rotationIntervalDays(0, 'rate(10 days)')).toBe(10);
    expect(rotationIntervalDays(undefined, 'rate(36 hours)')).toBe(2);
    expect(rotationIntervalDays(null, 'cron(0 12 * * ? *)')).toBeNull();
    expect(rotationIntervalDays(undefined, undefined)).toBeNull();
  });

  it('an AWS managed key is named by an alias/aws/ alias or alias ARN; a customer alias that mentions aws is not', () => {
    expect(isAwsManagedKeyRef('alias/aws/secretsmanager')).toBe(true);
    expect(isAwsManagedKeyRef('arn:aws:kms:eu-west-1:111122223333:alias/aws/secretsmanager')).toBe(true);
    expect(isAwsManagedKeyRef('alias/phi/aws/records')).toBe(false);
    expect(isAwsManagedKeyRef('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(false);
  });

  it('pinned accounts: the 12-digit ids of allowed_account_ids, nothing else', () => {
    expect(pinnedAccountIds(['111122223333', '12345', 111122223333, null, '210987654321'])).toEqual(['111122223333', '210987654321']);
    expect(pinnedAccountIds('111122223333')).toEqual([]);
    expect(pinnedAccountIds(undefined)).toEqual([]);
  });
});
