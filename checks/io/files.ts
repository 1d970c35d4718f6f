/** File reading and writing with user-facing errors and atomic replacement. */
import { randomBytes } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/** Largest input file read (plans of very large estates stay well below this). */
export const MAX_INPUT_BYTES = 1024 * 1024 * 1024;

/** A JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function readText(file: string): Promise<string> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (e) {
    throw new UserError(fsProblem(e, 'cannot read'), { file });
  }
  if (st.isDirectory()) throw new UserError('is a folder, expected a file', { file });
  if (st.size > MAX_INPUT_BYTES) throw new UserError(`is ${st.size} bytes, more than the ${MAX_INPUT_BYTES} read`, { file });
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (e) {
    throw new UserError(fsProblem(e, 'cannot read'), { file });
  }
  if (buf.includes(0)) throw new UserError('is binary, expected JSON text', { file });
  return buf.toString('utf8');
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
}
