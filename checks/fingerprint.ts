/**
 * A finding's fingerprint: what recognises it across runs (baselines, history, PR comments) while
 * its dates and counts change. See checks/baseline.ts for how runs are compared.
 */
import { createHash } from 'node:crypto';
import type { Finding } from './findings.js';

/** Versioned recipe: change the suffix if the fingerprint ever changes meaning. */
export const FINGERPRINT_VERSION = 'v1';

/**
 * The message with what changes by itself masked: ISO dates and times, and standalone numbers
 * shorter than an account id (day counts, seconds, counts). Digits inside words, ARNs and paths stay.
 */
export function evidenceOf(message: string): string {
  return message
    .replace(/\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, '<date>')
    .replace(/(?<![\w:/.-])\d{1,11}(?:\.\d+)?(?![\w:/-])/g, '<n>');
}

/** The fields a fingerprint is made of (for tests and for readers that want to know). */
export function fingerprintParts(f: Pick<Finding, 'ruleId' | 'identity' | 'message' | 'resource'>): string[] {
  const r = f.resource;
  // The name when known; a resource named only after apply is known by its address.
  const name = r.name && r.name !== r.address ? r.name : (r.address ?? r.arn ?? r.name);
  return [FINGERPRINT_VERSION, f.ruleId, f.identity ?? '', r.type, r.stack ?? '', name, evidenceOf(f.message)];
}

export function fingerprint(f: Pick<Finding, 'ruleId' | 'identity' | 'message' | 'resource'>): string {
  return createHash('sha256').update(fingerprintParts(f).join('\u0000'), 'utf8').digest('hex').slice(0, 32);
}
