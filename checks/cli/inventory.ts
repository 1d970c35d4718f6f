/**
 * `nhi-guard inventory`: the NHI inventory of any declared source (synth, plan, state) as a table
 * or as the Inventory JSON. Governance tags are read through the configured tag keys (policy data
 * defaults, or --data); no policy is evaluated, so opa is not needed.
 */
import path from 'node:path';
import { BUILTIN_POLICY_DIR } from '../engine/index.js';
import { resolvePolicyConfig } from '../engine/policyData.js';
import { enrich } from '../enrich/index.js';
import { UserError } from '../errors.js';
import { isObject, readJson, writeFileAtomic } from '../io/files.js';
import { emptyInventory, type Credential, type Identity, type Inventory } from '../model.js';
import { loadSources, mergeInto } from '../run.js';
import { ownAccountsOf, sourcesOf } from './check.js';
import { namedAccounts } from '../loaders/ownAccount.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';
import { assertComplete } from './output.js';
import { EXIT, parseNow, type Io } from './io.js';
import { text } from '../../reports/escape.js';

function credentialsOf(inv: Inventory, i: Identity): Credential[] {
  return inv.credentials.filter((c) => c.identity === i.id);
}

function rotationText(c: Credential): string {
  if (!c.rotation) return '-';
  if (!c.rotation.enabled) return 'off';
  return c.rotation.intervalDays ? `${c.rotation.intervalDays}d` : 'on';
}

function expiryText(e: { raw?: string; valid: boolean; daysLeft?: number } | undefined): string {
  if (!e?.raw) return '-';
  if (!e.valid) return `${e.raw} (invalid)`;
  return e.daysLeft === undefined ? e.raw : `${e.raw} (${e.daysLeft}d)`;
}

/** One row per identity and per secret; columns padded for a terminal. */
export function inventoryTable(inv: Inventory): string {
  const header = ['IDENTITY', 'KIND', 'OWNER', 'EXPIRY', 'DATA CLASS', 'CREDENTIALS', 'ROTATION', 'POLICIES', 'CHANGE'];
  const rows: string[][] = [];
  for (const i of inv.identities) {
    const creds = credentialsOf(inv, i);
    const viaGroups = inv.groups.filter((g) => i.groups.includes(g.id)).reduce((n, g) => n + g.policies.length, 0);
    rows.push([
      i.name ?? `${i.id} (name known after apply)`,
      i.kind,
      i.governance?.owner ?? i.tags.owner ?? '-',
      expiryText(i.governance?.expiry),
      i.governance?.dataClass ?? '-',
      creds.length ? creds.map((c) => `${c.kind}${c.status ? `:${c.status}` : ''}`).join(',') : '-',
      creds.length ? creds.map(rotationText).join(',') : '-',
      String(i.policies.length + viaGroups),
      i.change,
    ]);
  }
  for (const c of inv.credentials.filter((x) => x.kind === 'secret')) {
    rows.push([
      c.name ?? `${c.id} (name known after apply)`,
      'secret',
      c.governance?.owner ?? c.tags.owner ?? '-',
      expiryText(c.governance?.expiry),
      c.governance?.dataClass ?? '-',
      c.value?.present ? (c.value.literal ? 'value (literal in code)' : 'value') : '-',
      rotationText(c),
      '-',
      c.change,
    ]);
  }
  // Names, owners and tags come from the input: escaped for a terminal before the columns are measured.
  for (const r of rows) for (let k = 0; k < r.length; k++) r[k] = text(r[k]!);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]) =>
    r
      .map((x, k) => x.padEnd(widths[k]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  out.push('');
  out.push(
    `${inv.identities.length} identities, ${inv.credentials.length} credentials, ${inv.policies.length} policies, ${inv.unknowns.length} unknown until apply`,
  );
  for (const g of inv.gaps ?? [])
    out.push(
      text(
        `INCOMPLETE: could not read ${g.account ? `account ${g.account} ` : ''}${g.service} ${g.operation}${g.target ? ` ${g.target}` : ''}${g.region ? ` (${g.region})` : ''}: ${g.error}`,
      ),
    );
  return out.join('\n') + '\n';
}

export function inventoryCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'inventory',
    describe: 'list the non-human identities, credentials and policies of the given sources',
    builder: (y) =>
      withOptions(y, 'inventory')
        .example('$0 inventory --synth cdktf.out', 'every declared identity with its owner, expiry and credentials')
        .example('$0 inventory --plan plan.json --format json --output inventory.json', 'the Inventory JSON of a plan'),
    handler: async (argv) => {
      const a: ArgsOf<'inventory'> = argv;
      const sources = sourcesOf(a, io);
      if (sources.length === 0) throw new UserError('nothing to list: give --synth DIR, --plan FILE, --state FILE, --snapshot FILE or --live aws');
      const now = parseNow(a.now);
      const defaultsFile = path.join(BUILTIN_POLICY_DIR, 'data.json');
      const bundleData = await readJson(defaultsFile);
      if (!isObject(bundleData)) throw new UserError('must be a JSON object', { file: defaultsFile, jsonPath: '$' });
      const config = await resolvePolicyConfig(bundleData, a.data);
      const named = namedAccounts(ownAccountsOf(a.ownAccount), config.ownAccounts);
      const merged = emptyInventory();
      for (const spec of sources) {
        for (const inv of await loadSources(spec, { named })) mergeInto(merged, await enrich(inv, { config, now }));
      }
      const text = a.format === 'json' ? JSON.stringify(merged, null, 2) + '\n' : inventoryTable(merged);
      if (a.output) await writeFileAtomic(a.output, text);
      else io.stdout(text);
      assertComplete(merged);
      setExit(EXIT.ok);
    },
  });
}
