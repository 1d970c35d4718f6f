/**
 * Waivers declared in the stacks travel as terraform outputs: the `Waiver` construct writes an
 * output whose value is `{ nhiGuardWaiver: { ruleId, resource, owner, reason, expiresOn, ticket?,
 * construct } }`. Outputs survive synth, plan and state alike, so a pipeline that checks only the
 * plan still sees the waivers reviewed next to the code. Outputs of any other shape are ignored.
 */
import { dictFrom } from '../dict.js';
import { isObject } from '../io/files.js';
import type { DeclaredWaiver, Origin } from '../model.js';

export const WAIVER_OUTPUT_KEY = 'nhiGuardWaiver';

/**
 * Declared waivers from a map of outputs: `{name: {value}}` as in cdk.tf.json `output`, a plan's
 * planned_values.outputs, `show -json` state values.outputs and tfstate v4 outputs.
 */
export function waiversFromOutputs(outputs: unknown, origin: Omit<Origin, 'address' | 'constructPath'>): DeclaredWaiver[] {
  if (!isObject(outputs)) return [];
  const out: DeclaredWaiver[] = [];
  for (const [name, o] of Object.entries(outputs)) {
    // An output marked sensitive is never read: its text could be a secret, and a waiver is
    // reviewed in the open (the Waiver construct never marks its output sensitive).
    if (!isObject(o) || o.sensitive === true || !isObject(o.value) || !Object.hasOwn(o.value, WAIVER_OUTPUT_KEY)) continue;
    const raw = o.value[WAIVER_OUTPUT_KEY];
    // A non-object is kept as it is: the waiver rules report it as malformed.
    const fields: Record<string, unknown> = isObject(raw) ? dictFrom<unknown>(raw) : { value: raw };
    const construct = typeof fields.construct === 'string' ? fields.construct : undefined;
    delete fields.construct;
    out.push({ fields, origin: { ...origin, address: `output.${name}`, ...(construct ? { constructPath: construct } : {}) } });
  }
  return out;
}
