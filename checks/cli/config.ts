/**
 * `--config FILE`: defaults for the common options, kept in the repository beside the stacks
 * (YAML or JSON). Command-line options win over the file. Paths in the file are relative to the
 * file's folder, so the same config works from any working directory.
 *
 *   policyDirs: [policies/acme]      # --policy-dir, repeatable
 *   data: policy-data.yaml           # --data
 *   waivers: [waivers.yaml]          # --waivers, repeatable
 *   failOn: high                     # --fail-on
 *   format: text                     # --format
 *   sourceRoot: .                    # --source-root
 *   region: us-east-1                # live: --region, --profile, --endpoint
 */
import path from 'node:path';
import { UserError, jsonPath } from '../errors.js';
import { SEVERITIES } from '../engine/metadata.js';
import { own } from '../dict.js';
import { isObject, readJsonOrYaml } from '../io/files.js';
import { FORMATS } from '../../reports/index.js';

/** Config key → option name (yargs camel case), and whether it holds paths. */
const KEYS: Record<string, { option: string; paths?: 'one' | 'many'; choices?: readonly string[] }> = {
  policyDirs: { option: 'policyDir', paths: 'many' },
  data: { option: 'data', paths: 'one' },
  waivers: { option: 'waivers', paths: 'many' },
  failOn: { option: 'failOn', choices: [...SEVERITIES, 'none'] },
  format: { option: 'format', choices: FORMATS },
  sourceRoot: { option: 'sourceRoot', paths: 'one' },
  region: { option: 'region' },
  profile: { option: 'profile' },
  endpoint: { option: 'endpoint' },
};

/** Reads a config file into option values (before the command line is parsed). */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  const doc = await readJsonOrYaml(file);
  if (doc === null || doc === undefined) return {};
  if (!isObject(doc)) throw new UserError('must be an object of option defaults', { file, jsonPath: '$' });
  const base = path.dirname(path.resolve(file));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const spec = own(KEYS, key);
    if (!spec) throw new UserError(`is not a known option; known: ${Object.keys(KEYS).join(', ')}`, { file, jsonPath: jsonPath([key]) });
    if (spec.paths === 'many') {
      const list = Array.isArray(value) ? value : [value];
      list.forEach((v, i) => {
        if (typeof v !== 'string' || v === '') throw new UserError('must be a path', { file, jsonPath: jsonPath(Array.isArray(value) ? [key, i] : [key]) });
      });
      out[spec.option] = (list as string[]).map((p) => path.resolve(base, p));
    } else {
      if (typeof value !== 'string' || value === '') throw new UserError('must be a non-empty string', { file, jsonPath: jsonPath([key]) });
      if (spec.choices && !spec.choices.includes(value)) throw new UserError(`must be one of ${spec.choices.join(', ')}`, { file, jsonPath: jsonPath([key]) });
      out[spec.option] = spec.paths === 'one' ? path.resolve(base, value) : value;
    }
  }
  return out;
}
