import type { FindingsDocument } from '../checks/findings.js';

/** The findings document itself, stable key order, two-space indent. */
export function renderJson(doc: FindingsDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
