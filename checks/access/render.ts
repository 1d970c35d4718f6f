/**
 * Renderers of the access map document: text (terminal), JSON, Markdown (a pull-request comment:
 * the delta against the baseline first) and a self-contained HTML page. Pure functions of the
 * document; every string from it is escaped for its format.
 */
import { printable } from '../errors.js';
import { CSS, accessLastUsed, accessSection, build, h, storeHeading } from '../../reports/html.js';
import { cell } from '../../reports/markdown.js';
import type { AccessDelta, AccessDeltaItem, AccessEntry, AccessMapDocument } from './document.js';

export const ACCESS_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type AccessFormat = (typeof ACCESS_FORMATS)[number];

const VIA: Record<AccessEntry['via'], string> = { 'identity-policy': 'own policy', 'resource-policy': 'resource policy', 'role-chain': 'role chain' };

function deltaLine(d: AccessDeltaItem, verb: string, delta?: AccessDelta): string {
  if (delta?.against === 'declaration') {
    return verb === 'gives'
      ? `live state gives ${d.principal} ${d.levels.join(' and ')} on ${d.store} beyond the declaration, through ${d.route}`
      : `declared, not in live state: ${d.principal} ${d.levels.join(' and ')} on ${d.store}, through ${d.route}`;
  }
  return `this change ${verb} ${d.principal} ${d.levels.join(' and ')} on ${d.store} through ${d.route}`;
}

const againstText = (d: AccessDelta) => (d.against === 'declaration' ? 'the declaration' : 'the baseline');

export function renderAccessText(doc: AccessMapDocument): string {
  const out: string[] = [];
  if (doc.delta) {
    out.push(`Access changes against ${doc.delta.baseline}: ${doc.delta.gained.length} gained, ${doc.delta.lost.length} lost`);
    for (const d of doc.delta.gained) out.push(`  + ${deltaLine(d, 'gives', doc.delta)}`);
    for (const d of doc.delta.lost) out.push(`  - ${deltaLine(d, 'takes from', doc.delta)}`);
    out.push('');
  }
  for (const s of doc.stores) {
    out.push(storeHeading(s));
    if (s.reaches.length === 0) out.push('  nobody reaches it');
    for (const e of s.reaches) {
      out.push(`  ${e.principal.label}  ${e.levels.join('+')}  via ${VIA[e.via]}  owner ${e.principal.owner ?? '-'}  last used ${accessLastUsed(e.principal)}`);
      out.push(`      ${e.route}`);
    }
    out.push('');
  }
  out.push(`${doc.stores.length} data stores of data-class phi or pii; evaluated at ${doc.now.slice(0, 10)} by nhi-guard ${doc.tool.version}`);
  return out.map(printable).join('\n') + '\n';
}

export function renderAccessMarkdown(doc: AccessMapDocument): string {
  const out: string[] = ['<!-- nhi-guard-access -->', `## nhi-guard: PHI access map (${doc.stores.length} data stores)`, ''];
  if (doc.delta) {
    const { gained, lost } = doc.delta;
    out.push(`### Access changes against ${againstText(doc.delta)}: ${gained.length} gained, ${lost.length} lost`, '');
    if (gained.length + lost.length === 0)
      out.push(
        doc.delta.against === 'declaration'
          ? 'Live state gives nobody access to a data store of data-class phi or pii beyond the declaration.'
          : 'This change gives nobody new access to a data store of data-class phi or pii.',
        '',
      );
    for (const d of gained) out.push(`- 🟧 ${cell(deltaLine(d, 'gives', doc.delta))}`);
    for (const d of lost) out.push(`- ✅ ${cell(deltaLine(d, 'takes from', doc.delta))}`);
    if (gained.length + lost.length) out.push('');
  }
  for (const s of doc.stores) {
    out.push(`### ${cell(storeHeading(s))}`, '');
    if (s.reaches.length === 0) {
      out.push('Nobody reaches it.', '');
      continue;
    }
    out.push('| Principal | Access | Via | Path | Owner | Last used |', '|---|---|---|---|---|---|');
    for (const e of s.reaches) {
      out.push(
        `| ${cell(e.principal.label)} | ${e.levels.join(', ')} | ${VIA[e.via]} | ${cell(e.route)} | ${cell(e.principal.owner ?? '-')} | ${cell(accessLastUsed(e.principal))} |`,
      );
    }
    out.push('');
  }
  out.push(`Evaluated at ${doc.now.slice(0, 10)} by nhi-guard ${doc.tool.version}.`);
  return out.join('\n') + '\n';
}

export function renderAccessHtml(doc: AccessMapDocument): string {
  const body = [
    h(
      'main',
      null,
      h('h1', null, 'nhi-guard: PHI access map'),
      h(
        'p',
        { class: 'meta' },
        `${doc.stores.length} data stores of data-class phi or pii; evaluated at ${doc.now.slice(0, 10)} by nhi-guard ${doc.tool.version}`,
      ),
      ...(doc.delta
        ? [
            h('h2', null, `Access changes against ${againstText(doc.delta)}: ${doc.delta.gained.length} gained, ${doc.delta.lost.length} lost`),
            h(
              'ul',
              null,
              ...doc.delta.gained.map((d) => h('li', null, deltaLine(d, 'gives', doc.delta))),
              ...doc.delta.lost.map((d) => h('li', null, deltaLine(d, 'takes from', doc.delta))),
            ),
          ]
        : []),
      h('h2', null, 'Who reaches each data store'),
      ...accessSection(doc.stores),
    ),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
${build([h('title', null, `nhi-guard PHI access map ${doc.now.slice(0, 10)}`)])}
<style>${CSS}</style>
</head>
<body>
${build(body)}
</body>
</html>
`;
}

export function renderAccess(format: AccessFormat, doc: AccessMapDocument): string {
  switch (format) {
    case 'json':
      return JSON.stringify(doc, null, 2) + '\n';
    case 'markdown':
      return renderAccessMarkdown(doc);
    case 'html':
      return renderAccessHtml(doc);
    case 'text':
      return renderAccessText(doc);
  }
}
