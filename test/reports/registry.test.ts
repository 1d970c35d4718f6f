import { describe, expect, it } from 'vitest';
import { UserError } from '../../checks/errors.js';
import { FORMATS, RENDERERS, render } from '../../reports/index.js';
import { makeDoc } from './fixture.js';

describe('report registry', () => {
  it('offers every format', () => {
    expect(Object.keys(RENDERERS).sort()).toEqual(['github', 'html', 'json', 'junit', 'markdown', 'sarif', 'text']);
    expect([...FORMATS].sort()).toEqual(['github', 'html', 'json', 'junit', 'markdown', 'sarif', 'text']);
  });

  it('renderers are pure: same document and context, same output, document untouched', () => {
    const doc = makeDoc();
    const before = JSON.stringify(doc);
    for (const f of FORMATS) {
      const a = render(f, doc, { color: false, sourceRoot: '/work/repo' });
      const b = render(f, makeDoc(), { color: false, sourceRoot: '/work/repo' });
      expect(a, f).toBe(b);
      expect(a.length, f).toBeGreaterThan(0);
      expect(a.endsWith('\n'), f).toBe(true);
    }
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('an unknown format is a UserError naming the choices', () => {
    expect(() => render('html5', makeDoc(), { color: false })).toThrow(UserError);
    expect(() => render('html5', makeDoc(), { color: false })).toThrow(/unknown format "html5"; choose one of .*sarif/);
  });
});
