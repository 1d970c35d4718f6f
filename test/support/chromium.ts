/** Headless Chromium (Debian's package) for tests that render an HTML report for real. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumBin } from './tools.js';

export const CHROMIUM_INSTALL_COMMAND = 'npm run setup -- --need=chromium  (or, as root: apt-get update && apt-get install -y chromium)';

function chromiumPath(): string {
  const bin = chromiumBin();
  if (!existsSync(bin))
    throw new Error(`chromium is not installed (looked for ${bin}; set CHROMIUM_BIN to another path); install it with: ${CHROMIUM_INSTALL_COMMAND}`);
  return bin;
}

/** Headless Chromium with a fresh profile and no background network; output of --dump-dom or the screenshot. */
export function chromium(args: string[], page: string): string {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'nhi-chromium-'));
  const r = spawnSync(
    chromiumPath(),
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      ...args,
      `file://${page}`,
    ],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`chromium exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}
