/**
 * The SDK's adaptive retries (exponential backoff with jitter, client-side rate limiting under
 * throttling), bounded in total time as well as in attempts: once the time since an operation's
 * first attempt plus the next backoff would pass the budget, it is not retried again and its last
 * error becomes the gap. A malformed or slow answer can never keep one call busy for longer than
 * the budget, however the SDK classifies it. An answer that `final` recognizes is not retried at
 * all: with --endpoint, an emulator that does not emulate the service (moto has no HealthLake)
 * answers an error page that no further attempt changes (checks/live/recorder.ts notOffered).
 */
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

export class BudgetedRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'adaptive';
  private readonly base: AdaptiveRetryStrategy;
  private readonly started = new WeakMap<RetryToken, number>();

  constructor(
    maxAttempts: number,
    /** Most milliseconds from an operation's first attempt to the start of its last. */
    readonly budgetMs: number,
    private readonly clock: () => number = () => performance.now(),
    /** Errors that no retry changes: the operation fails at once with them. */
    private readonly final: (error: unknown) => boolean = () => false,
  ) {
    this.base = new AdaptiveRetryStrategy(() => Promise.resolve(maxAttempts));
  }

  async acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    const token = await this.base.acquireInitialRetryToken(scope);
    this.started.set(token, this.clock());
    return token;
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if (this.final(errorInfo.error)) throw new Error('not retried: the answer does not change');
    const start = this.started.get(token) ?? this.clock();
    const next = (await this.base.refreshRetryTokenForRetry(token as StandardRetryToken, errorInfo)) as StandardRetryToken;
    // The SDK rethrows the operation's last error when no token is given.
    if (this.clock() - start + next.getRetryDelay() > this.budgetMs) throw new Error('the retry time budget is spent');
    this.started.set(next, start);
    return next;
  }

  recordSuccess(token: RetryToken): void {
    this.base.recordSuccess(token as StandardRetryToken);
  }
}

/** The time budget of one operation's retries: its attempts' timeouts, at most a minute, at least 2 s. */
export function retryBudgetMs(timeoutMs: number, maxAttempts: number): number {
  return Math.max(2_000, Math.min(60_000, timeoutMs * maxAttempts));
}
