/**
 * Accountability in drift (checks/drift/run.ts withDeclaredOwners, checks/findings.ts): a finding
 * about a data store itself (NHI-LP-010 through its resource policy, say) is filed under the
 * store's owner tag, and in drift under the owner the declaration gives the matched store, never
 * the live tag.
 */
import { describe, expect, it } from 'vitest';
import { withDeclaredOwners } from '../../checks/drift/run.js';
import { matchInventories } from '../../checks/drift/match.js';
import { enrich } from '../../checks/enrich/index.js';
import { loadEngine } from '../../checks/engine/index.js';
import { findingsDocument } from '../../checks/findings.js';
import { emptyInventory, type DataStore, type Inventory } from '../../checks/model.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const bucket = (source: 'state' | 'live', owner: string): DataStore => ({
  id: source === 'live' ? 'arn:aws:s3:::stmary-lab-results' : 'aws_s3_bucket.results',
  kind: 's3',
  name: 'stmary-lab-results',
  arn: 'arn:aws:s3:::stmary-lab-results',
  tags: { owner, 'data-class': 'phi' },
  change: source === 'live' ? 'existing' : 'no-op',
  origin: source === 'live' ? { source } : { source, address: 'aws_s3_bucket.results' },
});

describe('owners of findings about a data store', () => {
  it('a store finding is filed under the store owner; in drift the declared owner wins over the live tag', async () => {
    const engine = await loadEngine();
    const opts = { config: engine.config, now: NOW };
    const declared = await enrich({ ...emptyInventory(), dataStores: [bucket('state', 'lab-systems')] }, opts);
    const live = await enrich({ ...emptyInventory(), dataStores: [bucket('live', 'someone-in-the-console')] }, opts);
    const raw = [{ ruleId: 'NHI-LP-010', severity: 'high' as const, resource: 'arn:aws:s3:::stmary-lab-results', message: 'an outsider reaches it' }];
    const doc = (inventory: Inventory) => findingsDocument({ raw, rules: engine.rules, inventory, source: 'drift', now: NOW });
    expect(doc(live).findings[0]!.owner).toBe('someone-in-the-console');
    const owned = withDeclaredOwners(live, declared, matchInventories(declared, live));
    expect(doc(owned).findings[0]!.owner).toBe('lab-systems');
    // Without a declaration for the store, its live tag stays.
    expect(withDeclaredOwners(live, emptyInventory(), matchInventories(emptyInventory(), live)).dataStores[0]!.owner).toBe('someone-in-the-console');
  });
});
