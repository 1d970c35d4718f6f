/**
 * A repository with existing debt (the bundled stacks: the legacy HL7 stack and an expired vendor
 * role) and a pull request against it that adds one finding and fixes another, together with edits
 * that must not change any finding's identity: a reordered document, a stack folder moved to another
 * file, a break-glass session shortened within the limit, an expired role's date moved (still expired).
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthExamples } from './synth.js';

type Json = Record<string, any>;

const readJsonFile = (f: string): Json => JSON.parse(readFileSync(f, 'utf8')) as Json;
const writeJsonFile = (f: string, v: unknown) => writeFileSync(f, JSON.stringify(v, null, 2) + '\n');

/** The object with its keys in reverse order, recursively for the resource blocks. */
function reversed(o: Json, depth: number): Json {
  const out: Json = {};
  for (const k of Object.keys(o).reverse()) out[k] = depth > 0 && o[k] && typeof o[k] === 'object' && !Array.isArray(o[k]) ? reversed(o[k], depth - 1) : o[k];
  return out;
}

export interface DebtRepo {
  /** cdktf output of the default branch. */
  base: string;
  /** cdktf output of the pull request. */
  change: string;
}

/** Fresh copies under a temporary folder (the caller may change them). */
export function debtRepo(): DebtRepo {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nhi-debt-'));
  const base = path.join(root, 'base');
  const change = path.join(root, 'change');
  cpSync(synthExamples(), base, { recursive: true });
  cpSync(base, change, { recursive: true });
  editChange(change);
  return { base, change };
}

function stackFile(dir: string, stack: string): string {
  const manifest = readJsonFile(path.join(dir, 'manifest.json'));
  return path.join(dir, manifest.stacks[stack].synthesizedStackPath);
}

function editStack(dir: string, stack: string, edit: (doc: Json) => void): void {
  const f = stackFile(dir, stack);
  const doc = readJsonFile(f);
  edit(doc);
  writeJsonFile(f, doc);
}

function roleOf(doc: Json, name: string): Json {
  const r = Object.values(doc.resource.aws_iam_role as Json).find((x: Json) => x.name === name);
  if (!r) throw new Error(`no role ${name}`);
  return r as Json;
}

function editChange(dir: string): void {
  // Adds one finding: the lab exchange role loses its purpose tag (NHI-OWN-002, medium).
  editStack(dir, 'lab-results-exchange', (d) => void delete roleOf(d, 'lab-results-exchange').tags.purpose);
  // Fixes one: the HL7 engine role gets an expiry date (NHI-EXP-001 on the role is resolved).
  editStack(dir, 'legacy-hl7', (d) => void (roleOf(d, 'hl7-interface-engine').tags['expires-on'] = '2027-06-30'));
  // Unrelated edits: the expired vendor role's date moves (still expired: the message's date and day
  // count change), a service role's session is lengthened within what AWS allows (3600 to 43200
  // seconds; no rule judges a service role's session, and the break-glass role is at the minimum).
  // A value AWS refuses would make the change a plan that cannot apply.
  editStack(dir, 'legacy-hl7', (d) => void (roleOf(d, 'pacs-vendor-support').tags['expires-on'] = '2026-07-31'));
  editStack(dir, 'patient-portal', (d) => void (roleOf(d, 'patient-portal-api').max_session_duration = 7200));
  // Re-ordering: every stack's resources in reverse order.
  const manifest = readJsonFile(path.join(dir, 'manifest.json'));
  for (const name of Object.keys(manifest.stacks)) editStack(dir, name, (d) => void (d.resource = reversed(d.resource, 1)));
  // A renamed file: the legacy stack's folder moves.
  const legacy = manifest.stacks['legacy-hl7'];
  renameSync(path.join(dir, legacy.workingDirectory), path.join(dir, 'stacks', 'legacy-hl7-moved'));
  legacy.workingDirectory = 'stacks/legacy-hl7-moved';
  legacy.synthesizedStackPath = 'stacks/legacy-hl7-moved/cdk.tf.json';
  legacy.stackMetadataPath = 'stacks/legacy-hl7-moved/metadata.json';
  writeJsonFile(path.join(dir, 'manifest.json'), reversed(manifest, 0));
}
