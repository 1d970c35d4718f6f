/**
 * Tool set-up, run by `npm start`, `npm test` and `npm run bench` before they work. Idempotent and
 * fast when everything is present; prints what it did. Installs what it can:
 *   - opa v1.x: PATH, then $OPA_BIN, then .tools/bin/opa; else `go install` of the pinned version.
 *   - moto_server (AWS API emulator for the tests): PATH, else a .venv with moto[server].
 *   - checkov (benchmark peer, `npm run bench` only): .tools/checkov-venv with the pinned checkov.
 *   - chromium (renders the HTML report in a test): $CHROMIUM_BIN or /usr/bin/chromium; else, as root, apt-get.
 *   - regal (the Rego linter, `npm run lint` only): $REGAL_BIN, .tools/bin/regal, PATH; else built with
 *     Go from the module pinned in scripts/regal/ (go.mod and go.sum).
 * A tool that cannot be installed is an error naming the command that would install it.
 *
 * `--need opa,moto` limits the tools (default: opa; `npm test` asks for all).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { candidates, isSupportedVersion, OPA_INSTALL_COMMAND, OPA_VERSION, opaVersionOf, PROJECT_ROOT, TOOLS_BIN } from '../checks/engine/opaBinary.js';
import { REGAL_MODULE_DIR, REGAL_VERSION, findRegal, regalVersionOf } from './regal.js';
import { CHECKOV_BIN, CHECKOV_VENV, CHECKOV_VERSION, chromiumBin, MOTO_VERSION, motoServerPath, VENV_DIR } from '../test/support/tools.js';

const log = (s: string) => process.stdout.write(`setup: ${s}\n`);

class SetupError extends Error {}

function ensureOpa(): void {
  for (const c of candidates()) {
    if (!existsSync(c.path)) continue;
    const v = opaVersionOf(c.path);
    if (v && isSupportedVersion(v)) {
      const pin = v === OPA_VERSION ? 'pinned' : `pinned is ${OPA_VERSION}; bundles are cached per version`;
      log(`opa ${v} (${pin}) from ${c.from}: ${c.path}`);
      return;
    }
    log(`ignoring ${c.path}: ${v ? `version ${v} is not 1.x` : 'does not run'}`);
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) throw new SetupError(`opa not found and Go is missing; install Go, then run: GOBIN=${TOOLS_BIN} ${OPA_INSTALL_COMMAND}`);
  mkdirSync(TOOLS_BIN, { recursive: true });
  log(`installing opa ${OPA_VERSION}: GOBIN=${TOOLS_BIN} ${OPA_INSTALL_COMMAND} (a few minutes, once)`);
  const r = spawnSync('go', ['install', `github.com/open-policy-agent/opa@v${OPA_VERSION}`], {
    env: { ...process.env, GOBIN: TOOLS_BIN, CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const bin = path.join(TOOLS_BIN, 'opa');
  const v = existsSync(bin) ? opaVersionOf(bin) : null;
  if (r.status !== 0 || v !== OPA_VERSION) throw new SetupError(`installing opa failed; run it by hand: GOBIN=${TOOLS_BIN} ${OPA_INSTALL_COMMAND}`);
  log(`opa ${v} installed into ${bin}`);
}

function ensureMoto(): void {
  const found = motoServerPath();
  if (found) {
    log(`moto_server: ${found}`);
    return;
  }
  installInVenv('moto_server', VENV_DIR, `moto[server]==${MOTO_VERSION}`, '');
  const now = motoServerPath();
  if (!now) throw new SetupError(`moto_server still missing after install; run: ${venvCommand(VENV_DIR, `moto[server]==${MOTO_VERSION}`)}`);
  log(`moto_server installed: ${now}`);
}

/** checkov (the peer the benchmark compares against), only for `npm run bench`. */
function ensureCheckov(): void {
  const spec = `checkov==${CHECKOV_VERSION}`;
  if (existsSync(CHECKOV_BIN) && spawnSync(CHECKOV_BIN, ['--version'], { encoding: 'utf8', timeout: 120_000 }).status === 0) {
    log(`checkov: ${CHECKOV_BIN}`);
    return;
  }
  installInVenv('checkov', CHECKOV_VENV, spec, ' (a few minutes, once)');
  if (!existsSync(CHECKOV_BIN)) throw new SetupError(`checkov still missing after install; run: ${venvCommand(CHECKOV_VENV, spec)}`);
  log(`checkov installed: ${CHECKOV_BIN}`);
}

const venvCommand = (venv: string, spec: string) => `python3 -m venv ${venv} && ${venv}/bin/pip install '${spec}'`;

/** A Python tool into a venv of its own (pip from the registry); fails with the command to run by hand. */
function installInVenv(tool: string, venv: string, spec: string, note: string): void {
  const cmd = venvCommand(venv, spec);
  const py = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!py) throw new SetupError(`${tool} not found and Python is missing; install Python 3, then run: ${cmd}`);
  log(`installing ${spec} into ${venv}: ${cmd}${note}`);
  try {
    execFileSync(py, ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', spec], { stdio: 'inherit' });
  } catch {
    throw new SetupError(`installing ${tool} failed; run it by hand: ${cmd}`);
  }
}

/** Debian chromium (the HTML report test renders the nightly report headless): $CHROMIUM_BIN or /usr/bin/chromium. */
function ensureChromium(): void {
  const bin = chromiumBin();
  const cmd = 'apt-get update && apt-get install -y chromium';
  if (existsSync(bin)) {
    log(`chromium: ${bin}`);
    return;
  }
  if (process.getuid?.() !== 0) throw new SetupError(`chromium not found at ${bin} (set CHROMIUM_BIN to use another); install it as root: ${cmd}`);
  log(`installing chromium: ${cmd}`);
  try {
    execFileSync('sh', ['-c', cmd], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    throw new SetupError(`installing chromium failed; run it by hand: ${cmd}`);
  }
  if (!existsSync(bin)) throw new SetupError(`chromium still missing at ${bin} after install; run: ${cmd}`);
  log(`chromium installed: ${bin}`);
}

/** Regal, the Rego linter of `npm run lint`: built from the pinned module of scripts/regal/. */
function ensureRegal(): void {
  const found = findRegal();
  if (found) {
    log(`regal ${REGAL_VERSION}: ${found}`);
    return;
  }
  const bin = path.join(TOOLS_BIN, 'regal');
  const args = ['build', '-ldflags', `-X github.com/styrainc/regal/pkg/version.Version=${REGAL_VERSION}`, '-o', bin, 'github.com/styrainc/regal'];
  const cmd = `cd ${path.relative(PROJECT_ROOT, REGAL_MODULE_DIR)} && CGO_ENABLED=0 go ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`;
  if (spawnSync('go', ['version'], { encoding: 'utf8' }).status !== 0) throw new SetupError(`regal not found and Go is missing; install Go, then run: ${cmd}`);
  mkdirSync(TOOLS_BIN, { recursive: true });
  log(`building regal ${REGAL_VERSION}: ${cmd} (a few minutes, once)`);
  const r = spawnSync('go', args, { cwd: REGAL_MODULE_DIR, env: { ...process.env, CGO_ENABLED: '0' }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !existsSync(bin) || regalVersionOf(bin) !== REGAL_VERSION) throw new SetupError(`building regal failed; run it by hand: ${cmd}`);
  log(`regal ${REGAL_VERSION} built into ${bin}`);
}

const TOOLS: Record<string, () => void> = { opa: ensureOpa, moto: ensureMoto, checkov: ensureCheckov, chromium: ensureChromium, regal: ensureRegal };

function main(): number {
  const arg = process.argv.find((a) => a.startsWith('--need='));
  const need = arg ? arg.slice('--need='.length).split(',').filter(Boolean) : ['opa'];
  try {
    for (const t of need) {
      const f = TOOLS[t];
      if (!f) throw new SetupError(`unknown tool ${t}; known: ${Object.keys(TOOLS).join(', ')}`);
      f();
    }
    return 0;
  } catch (e) {
    if (e instanceof SetupError) {
      process.stderr.write(`setup: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.chdir(PROJECT_ROOT);
process.exitCode = main();
