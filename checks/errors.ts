/**
 * Errors as types; only checks/cli turns them into exit codes.
 *
 * UserError    -> exit 2: bad input or usage. One line, naming the file and JSON path.
 * IncompleteError -> exit 3: part of a live scan could not be read.
 * anything else -> internal error (exit 2 with a bug notice, never a silent pass).
 */
export class UserError extends Error {
  readonly file?: string;
  readonly jsonPath?: string;
  constructor(problem: string, opts: { file?: string; jsonPath?: string } = {}) {
    super(problem);
    this.name = 'UserError';
    this.file = opts.file;
    this.jsonPath = opts.jsonPath;
  }

  /** The single stderr line: `file: $.path: problem`. */
  line(): string {
    const parts: string[] = [];
    if (this.file) parts.push(this.file);
    if (this.jsonPath) parts.push(this.jsonPath);
    parts.push(oneLine(this.message));
    return parts.join(': ');
  }
}

export class IncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteError';
  }
}

/** A failure of the policy engine (opa build, wasm evaluation), not of the user's input. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** JSON path segment helper: $.a.b[3]["odd key"] */
export function jsonPath(parts: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}
