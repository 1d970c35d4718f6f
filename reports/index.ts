/**
 * The report registry: one pure renderer per format. The CLI's `--format` choices are its keys;
 * an unknown format is a usage error, never a silent fallback.
 */
import type { FindingsDocument } from '../checks/findings.js';
import { UserError } from '../checks/errors.js';
import { renderGithub } from './github.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export interface RenderContext {
  /** Colours allowed (a terminal, and NO_COLOR unset). */
  color: boolean;
  /**
   * Folder that report file paths are made relative to (SARIF `%SRCROOT%`, GitHub annotations).
   * Renderers never read the process state; `render()` fills in process.cwd() when absent.
   */
  sourceRoot?: string;
  /** The gate of the run (--fail-on): JUnit fails only what it fails; text says why a run with serious findings passes. */
  failOn?: string;
}

export type Renderer = (doc: FindingsDocument, ctx: RenderContext) => string;

export const RENDERERS = {
  text: (doc, ctx) => renderText(doc, { color: ctx.color, ...(ctx.failOn ? { failOn: ctx.failOn } : {}) }),
  json: (doc) => renderJson(doc),
  sarif: (doc, ctx) => renderSarif(doc, { sourceRoot: ctx.sourceRoot }),
  // Without a gate (--fail-on none, a report-only run) every finding fails its case: never a green report of findings.
  junit: (doc, ctx) => renderJunit(doc, ctx.failOn && ctx.failOn !== 'none' ? { failOn: ctx.failOn as never } : {}),
  markdown: (doc) => renderMarkdown(doc),
  github: (doc, ctx) => renderGithub(doc, { sourceRoot: ctx.sourceRoot }),
  html: (doc, ctx) => renderHtml(doc, { sourceRoot: ctx.sourceRoot }),
} satisfies Record<string, Renderer>;

export type Format = keyof typeof RENDERERS;
export const FORMATS = Object.keys(RENDERERS) as Format[];

export function render(format: string, doc: FindingsDocument, ctx: RenderContext): string {
  const r = (RENDERERS as Record<string, Renderer>)[format];
  if (!r) throw new UserError(`unknown format "${format}"; choose one of ${FORMATS.join(', ')}`);
  return r(doc, { ...ctx, sourceRoot: ctx.sourceRoot ?? process.cwd() });
}
