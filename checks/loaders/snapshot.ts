/**
 * A live snapshot (`nhi-guard snapshot --live aws --output FILE`): an Inventory with source `live`,
 * validated against checks/schemas/inventory.schema.json. Bad input is a UserError naming the file
 * and the JSON path (exit 2). Elements keep their ids; their origin file becomes the snapshot file.
 */
import { UserError, jsonPath, quote } from '../errors.js';
import { readJson } from '../io/files.js';
import type { Inventory } from '../model.js';
import { assertValid } from '../schemas/index.js';

export async function loadSnapshot(file: string): Promise<Inventory> {
  const doc = await readJson(file);
  assertValid('inventory', doc, file);
  const inv = doc as Inventory;
  if (inv.inputs.length === 0) throw new UserError('is not a live snapshot: inputs is empty', { file, jsonPath: '$.inputs' });
  inv.inputs.forEach((i, k) => {
    if (i.kind !== 'live')
      throw new UserError(`is not a live snapshot: input kind is "${i.kind}" (write one with nhi-guard snapshot --live aws)`, {
        file,
        jsonPath: jsonPath(['inputs', k, 'kind']),
      });
  });
  const groups: Array<[string, Array<{ origin: { source: string } }>]> = [
    ['identities', inv.identities],
    ['groups', inv.groups],
    ['policies', inv.policies],
    ['credentials', inv.credentials],
    ['dataStores', inv.dataStores],
    ['plainCredentials', inv.plainCredentials ?? []],
    ['compute', inv.compute ?? []],
  ];
  for (const [name, list] of groups) {
    list.forEach((el, k) => {
      if (el.origin.source !== 'live') throw new UserError(`must be "live" in a snapshot`, { file, jsonPath: jsonPath([name, k, 'origin', 'source']) });
    });
  }
  const seen = new Set<string>();
  for (const [name, list] of groups) {
    (list as unknown as Array<{ id: string }>).forEach((el, k) => {
      if (seen.has(el.id)) throw new UserError(`duplicate element id ${quote(el.id)}`, { file, jsonPath: jsonPath([name, k, 'id']) });
      seen.add(el.id);
    });
  }
  inv.inputs = [{ kind: 'live', file }];
  for (const [, list] of groups) for (const el of list) (el.origin as { file?: string }).file = file;
  return inv;
}
