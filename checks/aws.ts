/**
 * AWS facts the loaders (plans, state, synth) and the live collector both need, written once:
 * what an account id looks like, which accounts a provider is pinned to, which KMS key references
 * name an AWS managed key, and a secret's rotation interval from its rotation rules.
 */

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;

export const isAccountId = (v: unknown): v is string => typeof v === 'string' && ACCOUNT_ID.test(v);

/** The account ids of a provider's `allowed_account_ids` (anything else in the list is left out). */
export function pinnedAccountIds(ids: unknown): string[] {
  return Array.isArray(ids) ? ids.filter(isAccountId) : [];
}

/** ARNs of AWS managed policies (`arn:aws:iam::aws:policy/...`). */
export const AWS_MANAGED_PREFIX = /^arn:aws[a-z-]*:iam::aws:policy\//;

/**
 * A KMS key reference (alias name, alias ARN) that names an AWS managed key (`alias/aws/...`,
 * such as aws/secretsmanager): not a customer-managed key.
 */
export const isAwsManagedKeyRef = (ref: string): boolean => /(^|:)alias\/aws\//.test(ref);

/** Days from a Secrets Manager schedule expression: rate(N days|hours), cron (treated as daily or less). */
export function scheduleDays(expr: string): number | null {
  const rate = /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/i.exec(expr.trim());
  if (rate) {
    const n = Number(rate[1]);
    return /^hour/i.test(rate[2]!) ? Math.max(1, Math.ceil(n / 24)) : n;
  }
  return null;
}

/**
 * A secret's rotation interval in days from its rotation rules: AutomaticallyAfterDays
 * (automatically_after_days) when positive, else the schedule expression; null when neither says.
 */
export function rotationIntervalDays(afterDays: number | null | undefined, scheduleExpression: string | null | undefined): number | null {
  if (afterDays && afterDays > 0) return afterDays;
  return scheduleExpression ? scheduleDays(scheduleExpression) : null;
}
