/** Locations of the test tools installed by scripts/setup.ts. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../checks/engine/opaBinary.js';

export const MOTO_VERSION = '5.2.1';
export const VENV_DIR = path.join(PROJECT_ROOT, '.venv');

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/** moto_server from $MOTO_SERVER, PATH or the project's .venv. */
export function motoServerPath(): string | null {
  if (process.env.MOTO_SERVER && existsSync(process.env.MOTO_SERVER)) return process.env.MOTO_SERVER;
  return onPath('moto_server') ?? (existsSync(path.join(VENV_DIR, 'bin', 'moto_server')) ? path.join(VENV_DIR, 'bin', 'moto_server') : null);
}

/** checkov, the peer `npm run bench` compares against, in its own venv. */
export const CHECKOV_VERSION = '3.3.30';
export const CHECKOV_VENV = path.join(PROJECT_ROOT, '.tools', 'checkov-venv');
export const CHECKOV_BIN = path.join(CHECKOV_VENV, 'bin', 'checkov');

/** Debian's chromium (the HTML report test renders the nightly report headless): $CHROMIUM_BIN or /usr/bin/chromium. */
export function chromiumBin(): string {
  return process.env.CHROMIUM_BIN || '/usr/bin/chromium';
}
