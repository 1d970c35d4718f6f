/**
 * What every part of live collection shares: the gaps (what could not be read), paging with a
 * bound, one-line error texts and a bounded-concurrency map. No AWS client is created here.
 */
import { clip, UserError } from '../errors.js';
import type { Gap } from '../model.js';
import type { Progress } from './progress.js';

/** Upper bound of pages read from one paginated API (a runaway NextToken loop stops here). */
export const MAX_PAGES = 10_000;
const MAX_ERROR_CHARS = 300;

/** The error of a failed call as one short line: code and message, never a request or response body. */
export function errorText(e: unknown): string {
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = err?.Code ?? err?.name ?? 'Error';
  let msg = (err?.message ?? String(e)).replace(/\s+/g, ' ').trim();
  // SDK deserialization errors point at the hidden raw response; the pointer is noise in a report.
  msg = msg.replace(/\s*Deserialization error: to see the raw response.*$/i, '');
  const status = err?.$metadata?.httpStatusCode;
  const text = `${code}${status ? ` (HTTP ${status})` : ''}: ${msg}`;
  return clip(text, MAX_ERROR_CHARS);
}

function isCredentialsError(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return name === 'CredentialsProviderError' || name === 'TokenProviderError';
}

/**
 * The service has no endpoint here, so it holds nothing here: the regional host name does not
 * resolve (AWS offers HealthLake in a few regions only), or, with `--endpoint`, the
 * AWS-compatible endpoint does not emulate the service (moto has no HealthLake): it answers a List
 * call that names no resource with HTTP 404, 500 or 501 and a body that is no error of the
 * service's protocol (an HTML page).
 */
export function notOffered(e: unknown, emulated: boolean): boolean {
  const err = e as { code?: string; message?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  if (err?.code === 'ENOTFOUND' || /getaddrinfo ENOTFOUND/.test(err?.message ?? '')) return true;
  const status = err?.$metadata?.httpStatusCode;
  return emulated && (status === 404 || status === 500 || status === 501) && (err?.name === 'SyntaxError' || err?.name === 'UnknownError');
}

/** Records what could not be read; one per account (gaps of every region of it). */
export class Recorder {
  readonly gaps: Gap[] = [];
  /** `emulated`: an AWS-compatible endpoint (--endpoint) instead of AWS. */
  constructor(
    readonly progress: Progress,
    private readonly emulated = false,
  ) {}

  /** A failed call becomes a gap; missing or unusable credentials are a setup problem, not a part of the account: exit 2. */
  gap(service: string, operation: string, e: unknown, where: { region?: string; target?: string } = {}): void {
    if (isCredentialsError(e)) throw new UserError(`no usable AWS credentials (${errorText(e)}); set a --profile or the AWS_* environment variables`);
    const g: Gap = { service, operation, error: errorText(e) };
    if (where.region) g.region = where.region;
    if (where.target) g.target = where.target;
    this.gaps.push(g);
  }

  /** Every page of a paginator; a failure keeps the pages read so far and records a gap (none when the service is not offered there). */
  async pages<T>(service: string, operation: string, it: () => AsyncIterable<T>, region?: string, quietIfNotOffered = false): Promise<T[]> {
    const out: T[] = [];
    let previous: string | undefined;
    try {
      for await (const page of it()) {
        // A page equal to the one before is a pagination loop (a token the service answers with itself).
        const text = JSON.stringify({ ...(page as object), $metadata: undefined });
        if (text === previous) throw new Error('the service answered the same page again (a pagination loop)');
        previous = text;
        out.push(page);
        this.progress.update(region ? `${operation} (${region})` : operation, out.length);
        if (out.length >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages`);
      }
    } catch (e) {
      if (!(quietIfNotOffered && out.length === 0 && notOffered(e, this.emulated))) this.gap(service, operation, e, region ? { region } : {});
    }
    return out;
  }

  /** Calls `fn` per item, at most `limit` at once; a failure of one item is a gap naming it, and the others go on. */
  async each<T, R>(items: readonly T[], limit: number, label: string, fn: (item: T) => Promise<R>, fail: (item: T, e: unknown) => R): Promise<R[]> {
    let done = 0;
    return mapLimit(items, limit, async (item) => {
      let r: R;
      try {
        r = await fn(item);
      } catch (e) {
        r = fail(item, e);
      }
      this.progress.update(label, ++done, items.length);
      return r;
    });
  }
}

/**
 * `fn` over `items` with at most `limit` calls in flight; results keep the input order. The first
 * error rejects once the running calls have ended, and no further item starts.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}
