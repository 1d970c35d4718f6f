/**
 * bench/live.ts at a small scale against moto on 127.0.0.1: the seeded account is read whole by
 * both sides of the comparison (the snapshot and the bare API calls count the same roles, users,
 * keys and secrets), so the benchmark's ratio compares the same work. Never timed: the machine is
 * shared; bench/run.ts measures the full scale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareCalls, seedScale, snapshotOnce } from '../../bench/live.js';
import type { LiveOptions } from '../../checks/live/options.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { useTestCredentials } from '../live/account.js';

const SCALE = { roles: 23, users: 7, secrets: 11 };
let moto: MotoServer;
let opts: LiveOptions;

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto({ managedPolicies: false });
  await seedScale(moto.url, SCALE);
  opts = { region: 'us-east-1', endpoint: moto.url, concurrency: 8, reportPollMs: 100 };
}, 180_000);

afterAll(async () => {
  await moto?.stop();
});

describe('live collection benchmark (small scale, counts only)', () => {
  it('the snapshot reads every seeded role, user, key and secret, without gaps', async () => {
    const s = await snapshotOnce(opts);
    expect({ roles: s.roles, users: s.users, accessKeys: s.accessKeys, secrets: s.secrets, gaps: s.gaps }).toEqual({
      roles: 23,
      users: 7,
      accessKeys: 7,
      secrets: 11,
      gaps: 0,
    });
  }, 120_000);

  it('the bare API calls fetch the same elements', async () => {
    const b = await bareCalls(opts);
    expect({ roles: b.roles, users: b.users, accessKeys: b.accessKeys, secrets: b.secrets }).toEqual({ roles: 23, users: 7, accessKeys: 7, secrets: 11 });
  }, 120_000);
});
