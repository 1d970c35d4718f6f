/** Retries bounded in total time as well as in attempts: a fake clock, the SDK's own strategy underneath. */
import { describe, expect, it } from 'vitest';
import type { SdkError } from '@smithy/types';
import { BudgetedRetryStrategy, retryBudgetMs } from '../../checks/live/retryBudget.js';

const transient = { errorType: 'TRANSIENT' as const };

describe('BudgetedRetryStrategy', () => {
  it('retries while the budget lasts, then refuses (the SDK rethrows the last error)', async () => {
    let now = 0;
    const s = new BudgetedRetryStrategy(50, 10_000, () => now);
    let token = await s.acquireInitialRetryToken('iam');
    let retries = 0;
    for (;;) {
      now += 3_000; // every attempt takes 3 s (a slow or malformed answer)
      try {
        token = await s.refreshRetryTokenForRetry(token, transient);
      } catch (e) {
        expect((e as Error).message).toMatch(/retry time budget/);
        break;
      }
      retries++;
    }
    // Attempts start at 0, 3, 6 and 9 s (plus backoff): the one after 9 s would start past 10 s.
    expect(retries).toBeGreaterThanOrEqual(2);
    expect(retries).toBeLessThanOrEqual(3);
    expect(now).toBeLessThanOrEqual(12_000);
  });

  it('keeps the attempt count bound of the SDK underneath', async () => {
    const now = 0;
    const s = new BudgetedRetryStrategy(3, 1e9, () => now);
    let token = await s.acquireInitialRetryToken('sts');
    token = await s.refreshRetryTokenForRetry(token, transient);
    token = await s.refreshRetryTokenForRetry(token, transient);
    await expect(s.refreshRetryTokenForRetry(token, transient)).rejects.toThrow();
  });

  it('each operation has its own budget, from its own first attempt', async () => {
    let now = 0;
    const s = new BudgetedRetryStrategy(10, 5_000, () => now);
    const a = await s.acquireInitialRetryToken('a');
    now = 5_001;
    const b = await s.acquireInitialRetryToken('b');
    await expect(s.refreshRetryTokenForRetry(a, transient)).rejects.toThrow(/budget/);
    await expect(s.refreshRetryTokenForRetry(b, transient)).resolves.toBeDefined();
  });

  it('an answer recognized as final is not retried; any other still is', async () => {
    const page = { name: 'SyntaxError', message: '<html>', $metadata: { httpStatusCode: 500 } } as SdkError;
    const s = new BudgetedRetryStrategy(
      5,
      1e9,
      () => 0,
      (e) => e === page,
    );
    const token = await s.acquireInitialRetryToken('healthlake');
    await expect(s.refreshRetryTokenForRetry(token, { ...transient, error: page })).rejects.toThrow(/not retried/);
    await expect(
      s.refreshRetryTokenForRetry(token, { ...transient, error: { name: 'InternalFailure', message: 'other', $metadata: { httpStatusCode: 500 } } }),
    ).resolves.toBeDefined();
  });

  it('the budget follows the attempts timeouts within 2 s and a minute', () => {
    expect(retryBudgetMs(500, 5)).toBe(2_500);
    expect(retryBudgetMs(100, 5)).toBe(2_000);
    expect(retryBudgetMs(30_000, 5)).toBe(60_000);
  });
});
