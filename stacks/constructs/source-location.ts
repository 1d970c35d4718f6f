/**
 * Where a governed construct is declared: the stack file and line of the `new ServiceIdentity(...)`
 * (or RotatedSecret, PhiDataStore, ...) call, recorded at construction from the call stack, since
 * cdktf 0.21 writes no stack traces into its construct metadata. At synth, SourceLocationAspect
 * writes it into every terraform resource the construct made, as `"//": {"source": {"file",
 * "line"}}` beside cdktf's own `metadata`; the checker's synth loader reads it so that SARIF,
 * GitHub annotations and the Markdown comment point at the `.ts` line instead of cdk.tf.json.
 *
 * The frame taken is the first one in a file outside `stacks/constructs/` (the library), so a
 * construct made inside another construct is located where the outermost one is declared. A
 * resource made directly in a stack file is recorded with `located(new S3Bucket(...))`.
 *
 * The file is written relative to the project root (the folder of the nearest `cdktf.json` above
 * the declaring file), with `/` separators, so the synthesized output is the same on every
 * machine; the checker resolves it against the project root again (checks/loaders/synth.ts).
 * A file under no cdktf.json stays absolute.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TerraformResource } from 'cdktf';
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

export interface SourceLocation {
  /** Absolute path of the declaring file. */
  file: string;
  /** 1-based line of the declaring call. */
  line: number;
}

const LIBRARY_DIR = path.dirname(fileURLToPath(import.meta.url));
const locations = new WeakMap<IConstruct, SourceLocation>();

/** `at X (/a/b.ts:12:5)`, `at /a/b.ts:12:5`, `at file:///a/b.ts:12:5`: the file and line of one frame. */
function frameLocation(frame: string): SourceLocation | undefined {
  const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(frame);
  if (!m) return undefined;
  let file = m[1]!;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  if (!path.isAbsolute(file)) return undefined;
  return { file, line: Number(m[2]) };
}

/** The first frame of the current call stack outside this library and node_modules. */
export function callerLocation(): SourceLocation | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const frame of stack.split('\n').slice(1)) {
    const loc = frameLocation(frame);
    if (!loc || loc.file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if (loc.file.startsWith(LIBRARY_DIR + path.sep)) continue;
    return loc;
  }
  return undefined;
}

/** Records where `construct` is declared (call from its constructor). */
export function recordSourceLocation(construct: IConstruct): void {
  const loc = callerLocation();
  if (loc) locations.set(construct, loc);
}

/**
 * A resource made directly in a stack file, without a governed construct, recorded where it is
 * declared: `const role = located(new IamRole(this, 'Engine', {...}))`.
 */
export function located<T extends IConstruct>(construct: T): T {
  recordSourceLocation(construct);
  return construct;
}

/** The location recorded for the construct or its nearest ancestor. */
export function sourceLocationOf(construct: IConstruct): SourceLocation | undefined {
  for (const c of [...construct.node.scopes].reverse()) {
    const loc = locations.get(c);
    if (loc) return loc;
  }
  return undefined;
}

/** The folder of the nearest cdktf.json at or above `dir`, if any. */
export function projectRootOf(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'cdktf.json'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The declaring file as recorded: relative to the project root with `/` separators, else absolute. */
export function recordedFile(file: string, roots = new Map<string, string | undefined>()): string {
  const dir = path.dirname(file);
  if (!roots.has(dir)) roots.set(dir, projectRootOf(dir));
  const root = roots.get(dir);
  if (root === undefined) return file;
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

/** Writes the recorded location into each terraform resource under a located construct. */
export class SourceLocationAspect implements IAspect {
  private readonly roots = new Map<string, string | undefined>();

  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const loc = sourceLocationOf(node);
    if (loc) node.addOverride('//.source', { file: recordedFile(loc.file, this.roots), line: loc.line });
  }
}
