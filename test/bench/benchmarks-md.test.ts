import { describe, expect, it } from 'vitest';
import { BEGIN, END, spliceBenchmarks } from '../../bench/benchmarksMd.js';

describe('spliceBenchmarks', () => {
  const page = `# Benchmarks\n\nIntro.\n\n${BEGIN}\n\nold table\n\n${END}\n\n## Analysis\n\nKept.\n`;

  it('replaces only what is between the markers, headings one level down', () => {
    const out = spliceBenchmarks(page, '# nhi-guard benchmark (2026-12-03)\n\n## Targets\n\n| a |\n');
    expect(out).toBe(`# Benchmarks\n\nIntro.\n\n${BEGIN}\n\n## nhi-guard benchmark (2026-12-03)\n\n### Targets\n\n| a |\n\n${END}\n\n## Analysis\n\nKept.\n`);
    expect(out).not.toContain('old table');
  });

  it('is stable: splicing the same run twice gives the same page', () => {
    const once = spliceBenchmarks(page, '# run\n\n## T\n');
    expect(spliceBenchmarks(once, '# run\n\n## T\n')).toBe(once);
  });

  it('refuses a page without one ordered pair of markers', () => {
    expect(() => spliceBenchmarks('# Benchmarks\n', '# run')).toThrow(/exactly one pair of markers/);
    expect(() => spliceBenchmarks(`${END}\n${BEGIN}\n`, '# run')).toThrow(/markers/);
    expect(() => spliceBenchmarks(`${BEGIN}\n${END}\n${BEGIN}\n${END}\n`, '# run')).toThrow(/markers/);
  });
});
