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
    if (this.file) parts.push(middle(this.file, MAX_PART));
    if (this.jsonPath) parts.push(middle(this.jsonPath, MAX_PART));
    parts.push(clip(oneLine(this.message), MAX_PART));
    return printable(parts.join(': '));
  }
}

/**
 * Several user errors found together (every problem of a cdktf app): one line each, in order, at
 * most MAX_LINES of them and a count of the rest. Exit 2 like a single UserError.
 */
export class UserErrors extends UserError {
  readonly errors: UserError[];
  constructor(errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '), { file: errors[0]?.file });
    this.name = 'UserErrors';
    this.errors = errors;
  }

  lines(): string[] {
    const shown = this.errors.slice(0, MAX_LINES).map((e) => e.line());
    const rest = this.errors.length - shown.length;
    return rest > 0 ? [...shown, `… and ${rest} more problem${rest === 1 ? '' : 's'}`] : shown;
  }
}

/** Most lines one run writes for several errors. */
const MAX_LINES = 100;

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

/** A message for stderr: one line, escaped for a terminal (`printable`), whatever it quotes from the input. */
export function stderrLine(s: string): string {
  return printable(oneLine(s));
}

/** Longest file name, JSON path and problem in an error line; a file can hold keys and values of any length. */
const MAX_PART = 320;
/** Longest piece of the input an error line quotes (a value or a key). */
const MAX_QUOTE = 80;

/**
 * Control characters, line breaks, bidirectional overrides, the BOM and lone surrogates as `\\uXXXX` escapes: an error line
 * stays one line and reads in the order it was written, whatever a file name or key holds.
 */
export function printable(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** At most `max` characters, marked with `…` when cut (never splitting a surrogate pair). */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(s[cut - 1] ?? '')) cut--;
  return `${s.slice(0, cut)}…`;
}

/** The start and the end of a long path, `…` between (where a long JSON path says the most). */
function middle(s: string, max: number): string {
  if (s.length <= max) return s;
  const half = Math.floor((max - 1) / 2);
  return clip(s, half + 1).slice(0, -1) + '…' + s.slice(s.length - half);
}

/**
 * A value of the input as an error line may quote it: scalars JSON-quoted and cut to MAX_QUOTE
 * characters, lists and objects only named (they may be nested past any stack, or hold secrets).
 * Only for values that are never secrets (versions, action names): secrets are never quoted.
 */
export function quote(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  if (typeof v === 'string') return clip(JSON.stringify(v), MAX_QUOTE);
  return clip(String(v), MAX_QUOTE);
}

/** JSON path segment helper: $.a.b[3]["odd key"] */
export function jsonPath(parts: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += `.${clip(p, MAX_QUOTE)}`;
    else out += `[${clip(JSON.stringify(p), MAX_QUOTE)}]`;
  }
  return out;
}
