/** File reading and writing with user-facing errors and atomic replacement. */
import { randomBytes } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { UserError, oneLine, quote } from '../errors.js';

const MB = 1024 * 1024;
/** Largest input file read unless NHI_GUARD_MAX_INPUT_MB says otherwise (plans of very large estates stay well below). */
const DEFAULT_MAX_INPUT_MB = 512;

/** The input size limit in bytes: NHI_GUARD_MAX_INPUT_MB (whole megabytes), else the default. */
function maxInputBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.NHI_GUARD_MAX_INPUT_MB?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MAX_INPUT_MB * MB;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) {
    throw new UserError(`NHI_GUARD_MAX_INPUT_MB ${quote(raw)} must be a whole number of megabytes, at least 1 (default ${DEFAULT_MAX_INPUT_MB})`);
  }
  return Number(raw) * MB;
}

/** A JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a text file of at most the input size limit. A regular file over the limit is refused
 * before it is read; anything else (a device, a pipe) is read up to the limit and no further, so
 * memory stays bounded. A UTF-8 byte order mark is dropped; UTF-16 and binary content are refused.
 */
export async function readText(file: string): Promise<string> {
  const limit = maxInputBytes();
  const tooBig = (size?: number) =>
    new UserError(
      `is ${size === undefined ? 'more than the limit' : `${Math.ceil(size / MB)} MB, more than the limit`} of ${limit / MB} MB (NHI_GUARD_MAX_INPUT_MB)`,
      { file },
    );
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    throw new UserError(fsProblem(e, 'cannot read'), { file });
  }
  let buf: Buffer;
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new UserError('is a folder, expected a file', { file });
    if (st.isFile()) {
      if (st.size > limit) throw tooBig(st.size);
      buf = await handle.readFile();
      if (buf.length > limit) throw tooBig(buf.length);
    } else {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const { bytesRead, buffer } = await handle.read(Buffer.alloc(Math.min(4 * MB, limit + 1)), 0, Math.min(4 * MB, limit + 1), null);
        if (bytesRead === 0) break;
        total += bytesRead;
        if (total > limit) throw tooBig();
        chunks.push(buffer.subarray(0, bytesRead));
      }
      buf = Buffer.concat(chunks);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(fsProblem(e, 'cannot read'), { file });
  } finally {
    await handle.close().catch(() => undefined);
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new UserError('is UTF-16 text; nhi-guard reads UTF-8 (PowerShell: `terraform show -json tf.plan | Out-File -Encoding utf8 plan.json`)', { file });
  }
  if (buf.includes(0)) throw new UserError('is binary, expected JSON text', { file });
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  try {
    return buf.toString('utf8', start);
  } catch {
    throw new UserError('is too large to read as text', { file });
  }
}

/** Parses JSON text; a syntax error names the line and column, never the text around it. */
export function parseJson(text: string, file: string): unknown {
  if (text.trim() === '') throw new UserError('is empty, expected a JSON document', { file });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`is not valid JSON (${jsonSyntaxWhere(text, e)})`, { file });
  }
}

export async function readJson(file: string): Promise<unknown> {
  return parseJson(await readText(file), file);
}

function jsonSyntaxWhere(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(msg);
  if (m) {
    const pos = Number(m[1]);
    if (pos >= text.trimEnd().length) return 'truncated: unexpected end of input';
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    return `syntax error at line ${line} column ${col}`;
  }
  if (/Unexpected end/.test(msg)) return 'truncated: unexpected end of input';
  return 'syntax error';
}

export function fsProblem(e: unknown, verb: string): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return `${verb}: permission denied`;
    case 'ELOOP':
      return `${verb}: symbolic link loop`;
    case 'EISDIR':
      return 'is a folder, expected a file';
    case 'ENOTDIR':
      return 'is not a folder';
    default:
      return `${verb}: ${code ?? 'unknown error'}`;
  }
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes a file atomically: a temporary file in the same folder, fsync, then rename over the
 * target. A reader sees the old or the new content, never a part; a crash leaves the old file.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UserError(fsProblem(e, 'cannot create the folder'), { file: dir });
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx', 0o644);
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new UserError(fsProblem(e, 'cannot write'), { file });
  }
  await removeStaleTemps(dir, path.basename(file));
}

/** True while a process with this pid exists (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Temporary files of earlier writes to the same target whose process is gone (killed mid-write):
 * removed, best effort. A temporary file of a live process is its write in progress: kept.
 */
async function removeStaleTemps(dir: string, base: string): Promise<void> {
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(n.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    await fs.rm(path.join(dir, n), { force: true }).catch(() => undefined);
  }
}

/** Deepest YAML nesting read: settings and waivers are a few levels deep. */
export const MAX_YAML_DEPTH = 256;

/**
 * An upper bound of the nesting depth of a YAML text, without parsing it: flow brackets outside
 * quotes and comments, plus, per line, the indentation and the compact `- - ` entries. The parser
 * recurses per level, and deep enough input exhausts the stack where V8 cannot recover cleanly.
 */
export function yamlDepthBound(text: string): number {
  let flow = 0;
  let maxFlow = 0;
  let maxBlock = 0;
  let quote: '"' | "'" | null = null;
  let lineStart = true;
  let indent = 0;
  let dashes = 0;
  /** The last character outside a quote that is not a blank, on this line ('' at its start). */
  let prev = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      dashes = 0;
      prev = '';
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '\t') {
        indent++;
        continue;
      }
      if (c === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        dashes++;
        maxBlock = Math.max(maxBlock, indent + dashes);
        i++;
        continue;
      }
      lineStart = false;
      maxBlock = Math.max(maxBlock, indent + dashes);
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    // A quote opens a quoted scalar only where a scalar starts (an apostrophe inside a plain
    // scalar, as in "don't", is text and must not hide the brackets after it).
    if ((c === '"' || c === "'") && (prev === '' || ':-[{,?'.includes(prev))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') maxFlow = Math.max(maxFlow, ++flow);
    else if ((c === ']' || c === '}') && flow > 0) flow--;
    if (c !== ' ' && c !== '\t') prev = c;
  }
  // The top level itself is one level (a mapping or list at indentation 0).
  return maxFlow + maxBlock + 1;
}

/** A JSON or YAML document (by extension: .yaml/.yml are YAML), with the file named in errors. */
export async function readJsonOrYaml(file: string): Promise<unknown> {
  const text = await readText(file);
  if (!/\.ya?ml$/i.test(file)) return parseJson(text, file);
  if (yamlDepthBound(text) > MAX_YAML_DEPTH) throw new UserError(`is nested more than ${MAX_YAML_DEPTH} levels deep`, { file, jsonPath: '$' });
  try {
    // Loaded on first use: most runs read no YAML.
    const YAML = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    return YAML.parse(text, { maxAliasCount: 100 });
  } catch (e) {
    // The parser's first line names the problem and the position; whatever follows a colon (an
    // alias name, a token) is the file's own text, which may be a secret: it is never quoted.
    const first = oneLine(String((e as Error)?.message ?? e).split('\n')[0] ?? '');
    throw new UserError(`is not valid YAML (${first.replace(/:\s.*$/, '').replace(/:$/, '')})`, { file });
  }
}
