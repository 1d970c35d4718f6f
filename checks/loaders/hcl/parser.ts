/**
 * The `.tf` files of one terraform module folder, parsed with tree-sitter's HCL grammar (the
 * terraform dialect, `@tree-sitter-grammars/tree-sitter-hcl`, run as WebAssembly by
 * `web-tree-sitter`: no native build, synchronous parsing once loaded, and a position for every
 * node, which the source locations of findings need). Why this parser: docs/hcl.md.
 *
 * Only the top-level blocks the evaluator reads are indexed: resources and data sources (with
 * their file and line range), locals, variables, module calls and providers. A block the grammar
 * cannot read (an ERROR node inside it) keeps its position but no attributes: nothing is guessed
 * from a broken tree.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Language, Node, Parser, Tree } from 'web-tree-sitter';

/** Largest .tf file read (a generated file larger than this is skipped) and most files per folder. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_FILES = 2_000;

export interface HclRange {
  /** Absolute path of the .tf file. */
  file: string;
  /** 1-based first and last line of the block. */
  line: number;
  endLine: number;
}

export interface HclBlock {
  /** Block type (`resource`, `statement`, `inline_policy`...). */
  type: string;
  labels: string[];
  /** Attribute expressions by name (prototype-free). */
  attrs: Map<string, Node>;
  /** Nested blocks in order. */
  blocks: HclBlock[];
  range: HclRange;
  /** True when the grammar could not read part of the block: its attributes are not used. */
  broken: boolean;
}

export interface HclModule {
  dir: string;
  /** `aws_iam_role.x` and `data.aws_iam_policy_document.y` -> block. */
  resources: Map<string, HclBlock>;
  locals: Map<string, Node>;
  variables: Map<string, HclBlock>;
  outputs: Map<string, HclBlock>;
  modules: Map<string, HclBlock>;
  providers: HclBlock[];
}

/** The tree-sitter runtime and the terraform grammar, loaded once per process. */
let loaded: Promise<Language> | undefined;

/** The `.tf` files of a folder (not its subfolders), sorted; none when it is not a readable folder. */
export function tfFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.tf'))
    .sort()
    .slice(0, MAX_FILES)
    .map((n) => path.join(dir, n))
    .filter((f) => {
      try {
        const st = statSync(f);
        return st.isFile() && st.size <= MAX_FILE_BYTES;
      } catch {
        return false;
      }
    });
}

/** Children without the nulls web-tree-sitter's types allow. */
export const kids = (n: Node): Node[] => n.children.filter((c): c is Node => c !== null);
export const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => c !== null);

const rangeOf = (file: string, n: Node): HclRange => ({ file, line: n.startPosition.row + 1, endLine: n.endPosition.row + 1 });

/** The text of a block label (`"aws_iam_role"`) or identifier. */
function labelText(n: Node): string {
  if (n.type === 'identifier') return n.text;
  const lit = kids(n).find((c) => c.type === 'template_literal');
  return lit ? lit.text : '';
}

function blockOf(file: string, n: Node): HclBlock {
  const type = kids(n).find((c) => c.type === 'identifier')?.text ?? '';
  const labels = kids(n)
    .filter((c, i) => i > 0 && (c.type === 'string_lit' || c.type === 'identifier'))
    .map(labelText);
  const out: HclBlock = { type, labels, attrs: new Map(), blocks: [], range: rangeOf(file, n), broken: n.hasError };
  const body = kids(n).find((c) => c.type === 'body');
  if (!body || out.broken) return out;
  for (const c of kids(body)) {
    if (c.type === 'attribute') {
      const name = kids(c).find((x) => x.type === 'identifier')?.text;
      const expr = kids(c).find((x) => x.type === 'expression');
      if (name && expr) out.attrs.set(name, expr);
    } else if (c.type === 'block') out.blocks.push(blockOf(file, c));
  }
  return out;
}

/** A loaded parser: module folders and template texts into trees, all freed by dispose(). */
export class HclParser {
  private readonly trees: Tree[] = [];

  constructor(private readonly parser: Parser) {}

  /** Parses the .tf files of `dir`; undefined when it has none. */
  parseModule(dir: string): HclModule | undefined {
    const files = tfFiles(dir);
    if (files.length === 0) return undefined;
    const mod: HclModule = { dir, resources: new Map(), locals: new Map(), variables: new Map(), outputs: new Map(), modules: new Map(), providers: [] };
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const tree = this.parser.parse(text);
      if (!tree) continue;
      this.trees.push(tree);
      const body = kids(tree.rootNode).find((c) => c.type === 'body');
      for (const n of body ? kids(body) : []) {
        if (n.type !== 'block') continue;
        const b = blockOf(file, n);
        const [a, c] = b.labels;
        if (b.type === 'resource' && a && c) mod.resources.set(`${a}.${c}`, b);
        else if (b.type === 'data' && a && c) mod.resources.set(`data.${a}.${c}`, b);
        else if (b.type === 'locals') for (const [k, v] of b.attrs) mod.locals.set(k, v);
        else if (b.type === 'variable' && a) mod.variables.set(a, b);
        else if (b.type === 'output' && a) mod.outputs.set(a, b);
        else if (b.type === 'module' && a) mod.modules.set(a, b);
        else if (b.type === 'provider') mod.providers.push(b);
      }
    }
    return mod;
  }

  /** The text of a template file (templatefile()) as one template expression node. */
  parseTemplate(text: string): Node | undefined {
    let marker = 'NHI_GUARD_TEMPLATE';
    while (text.includes(marker)) marker += '_';
    const tree = this.parser.parse(`t = <<${marker}\n${text}${text.endsWith('\n') ? '' : '\n'}${marker}\n`);
    if (!tree) return undefined;
    this.trees.push(tree);
    const body = kids(tree.rootNode).find((c) => c.type === 'body');
    const attr = body ? kids(body).find((c) => c.type === 'attribute') : undefined;
    const expr = attr ? kids(attr).find((c) => c.type === 'expression') : undefined;
    return expr && !expr.hasError ? expr : undefined;
  }

  dispose(): void {
    for (const t of this.trees.splice(0)) t.delete();
  }
}

export async function hclParser(): Promise<HclParser> {
  const { Parser: P, Language: L } = await import('web-tree-sitter');
  const language = await (loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const runtime = require.resolve('web-tree-sitter/tree-sitter.wasm');
    await P.init({ locateFile: () => runtime });
    return L.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'));
  })());
  const parser = new P();
  parser.setLanguage(language);
  return new HclParser(parser);
}
