/**
 * Which terraform JSON document a file holds, decided in one place: a plan (`terraform show -json
 * PLANFILE`), a state (`terraform show -json` without a plan) or a raw terraform.tfstate. A
 * document of the wrong kind, an unsupported format version or something else entirely is a
 * UserError naming the file and the JSON path.
 */
import { UserError, quote } from '../errors.js';
import { isObject } from '../io/files.js';

export type TfDocumentKind = 'plan' | 'show-state' | 'tfstate';

const FORMAT_VERSION = /^[01]\.\d+$/;
export const TFSTATE_VERSION_HINT = 'nhi-guard reads terraform.tfstate version 4 and `terraform show -json` output';

export function detectTerraformDocument(doc: unknown, file: string): TfDocumentKind {
  if (!isObject(doc)) throw new UserError('must be a JSON object (terraform `show -json` output or a terraform.tfstate)', { file, jsonPath: '$' });
  const looksLikePlan = 'planned_values' in doc || 'resource_changes' in doc || 'prior_state' in doc;
  if (!('format_version' in doc)) {
    if ('version' in doc && ('lineage' in doc || 'resources' in doc || 'modules' in doc)) return 'tfstate';
    if (looksLikePlan) throw new UserError('is missing; expected `terraform show -json PLANFILE` output', { file, jsonPath: '$.format_version' });
    throw new UserError('is not a terraform plan or state (no format_version, not a terraform.tfstate)', { file, jsonPath: '$' });
  }
  const fv = doc.format_version;
  if (typeof fv !== 'string' || !FORMAT_VERSION.test(fv)) {
    throw new UserError(`${quote(fv)} is not supported; nhi-guard reads terraform JSON format 0.x and 1.x`, { file, jsonPath: '$.format_version' });
  }
  if (looksLikePlan) return 'plan';
  if ('values' in doc || Object.keys(doc).every((k) => k === 'format_version' || k === 'terraform_version')) return 'show-state';
  throw new UserError('is neither a plan (planned_values, resource_changes) nor a state (values)', { file, jsonPath: '$' });
}

/** The document must be a plan. */
export function expectPlan(doc: unknown, file: string): Record<string, unknown> {
  const kind = detectTerraformDocument(doc, file);
  if (kind !== 'plan') {
    throw new UserError(
      `is terraform state${kind === 'tfstate' ? ' (terraform.tfstate)' : ''}, not a plan: give it with --state, or run \`terraform show -json PLANFILE\``,
      { file },
    );
  }
  return doc as Record<string, unknown>;
}

/** The document must be a state: `show -json` state or a terraform.tfstate version 4. */
export function expectState(doc: unknown, file: string): { kind: 'show-state' | 'tfstate'; doc: Record<string, unknown> } {
  const kind = detectTerraformDocument(doc, file);
  if (kind === 'plan') throw new UserError('is a terraform plan, not a state: give it with --plan', { file });
  const d = doc as Record<string, unknown>;
  if (kind === 'tfstate' && d.version !== 4) {
    throw new UserError(`is terraform.tfstate version ${quote(d.version)}; ${TFSTATE_VERSION_HINT}`, { file, jsonPath: '$.version' });
  }
  return { kind, doc: d };
}
