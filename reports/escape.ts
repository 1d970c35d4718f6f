/**
 * One escaping function per output kind, used by every renderer for every string that comes from
 * the input (names, owners, tags, paths, messages, gap fields):
 *
 *   text       terminals and plain text (text, inventory, access and drift reports, stderr):
 *              control characters (ESC included), line breaks, bidirectional overrides and
 *              isolates, line and paragraph separators and lone surrogates become `\uXXXX`
 *   github     workflow command data and properties: text, then % CR LF (and : , in properties)
 *              percent-encoded, so no value can end the command or start another (`%0A` in a
 *              value stays the four characters)
 *   mdCell     Markdown text in a table cell or a line: text, then no pipe, no HTML, no emphasis
 *   mdCode     Markdown inline code (outside tables) that survives backticks in the value
 *   mdCellCode Markdown inline code inside a table cell (pipes escaped as GFM requires there)
 *   xml        JUnit XML and HTML text and attribute values: text, then the characters XML 1.0
 *              cannot carry at all dropped; the XML builder escapes & < > " (so `<script>` and
 *              `]]>` stay text)
 *   SARIF and JSON need none beyond JSON itself.
 */
import { printable } from '../checks/errors.js';

/** Plain text for a terminal or a text file. */
export const text = printable;

export function githubData(s: string): string {
  return printable(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function githubProperty(s: string): string {
  return githubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Text safe inside a table cell or a line: no pipes, no newlines, no raw HTML, no emphasis. */
export function mdCell(s: string): string {
  return printable(s.replace(/\r?\n+/g, ' '))
    .replace(/[\\`*_[\]~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .trim();
}

function fenced(v: string): string {
  const ticks = (v.match(/`+/g) ?? []).reduce((m, t) => Math.max(m, t.length), 0);
  const fence = '`'.repeat(ticks + 1);
  const pad = v.startsWith('`') || v.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${v}${pad}${fence}`;
}

/** Inline code (outside tables) that survives backticks in the value. */
export function mdCode(s: string): string {
  return fenced(printable(s.replace(/\r?\n+/g, ' ')));
}

/** Inline code inside a table cell: GFM splits cells at every unescaped `|`, code spans included. */
export function mdCellCode(s: string): string {
  return fenced(printable(s.replace(/\r?\n+/g, ' ')).replace(/\|/g, '\\|'));
}

/** XML 1.0 cannot carry most control characters, even escaped: after `text` none is left; drop any that is. */
export function xml(s: string): string {
  return printable(s).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

/** Lines of XML text: each line escaped as `xml`, the line breaks between them kept. */
export function xmlLines(lines: string[]): string {
  return lines.map(xml).join('\n');
}
