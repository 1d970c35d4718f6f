/** The nesting guard in front of the YAML parser: deep documents are refused before parsing. */
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MAX_YAML_DEPTH, yamlDepthBound } from '../../checks/io/files.js';

/** The real nesting depth of a parsed value. */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (v && typeof v === 'object') return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

describe('yamlDepthBound', () => {
  const docs = [
    'a: 1',
    'waivers:\n  - ruleId: NHI-LP-001\n    reason: "it is [not] nested {at all}"\n    tags: [a, [b, {c: d}]]\n',
    '- - - - x\n',
    'a:\n  b:\n    c:\n      - [1, [2, [3]]]\n',
    "reason: don't [[[[x]]]]\n",
    '# [[[[[[ a comment\nk: v # {{{{\n',
    "q: 'it''s [ok]'\n",
  ];

  it('is never below the depth the parser finds', () => {
    for (const d of docs) expect(yamlDepthBound(d), d).toBeGreaterThanOrEqual(depthOf(YAML.parse(d)));
  });

  it('sees deep flow, block and compact nesting, and brackets after an apostrophe in plain text', () => {
    const n = MAX_YAML_DEPTH + 1;
    expect(yamlDepthBound('['.repeat(n) + ']'.repeat(n))).toBeGreaterThan(MAX_YAML_DEPTH);
    expect(yamlDepthBound('- '.repeat(n) + 'x')).toBeGreaterThan(MAX_YAML_DEPTH);
    expect(yamlDepthBound(Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'))).toBeGreaterThan(MAX_YAML_DEPTH);
    expect(yamlDepthBound(`reason: don't ${'['.repeat(n)}`)).toBeGreaterThan(MAX_YAML_DEPTH);
    expect(yamlDepthBound(`q: "[${'['.repeat(n)}"`)).toBeLessThan(5); // inside a quoted scalar: text
  });
});
