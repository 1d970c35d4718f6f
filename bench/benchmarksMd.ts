/**
 * BENCHMARKS.md holds the tables of the last `npm run bench` between two markers; bench/run.ts
 * replaces what is between them with the run's Markdown, and leaves the prose around them (the
 * analysis of the figures, written by hand) as it is.
 */
export const BEGIN =
  '<!-- bench:begin: written by `npm run bench` (bench/run.ts) from bench/results/latest.json; edits between the markers are overwritten -->';
export const END = '<!-- bench:end -->';

/**
 * The text of BENCHMARKS.md with the generated part replaced by `generated` (the run's Markdown,
 * its title lowered to a second-level heading). Throws when the markers are missing, repeated or
 * out of order: a hand-edited file is never overwritten as a whole.
 */
export function spliceBenchmarks(text: string, generated: string): string {
  const b = text.indexOf(BEGIN);
  const e = text.indexOf(END);
  if (b < 0 || e < 0 || e < b || text.indexOf(BEGIN, b + 1) >= 0 || text.indexOf(END, e + 1) >= 0) {
    throw new Error(`BENCHMARKS.md needs exactly one pair of markers, in order:\n${BEGIN}\n${END}`);
  }
  const body = generated
    .trim()
    .replace(/^# /, '## ')
    .replace(/^(#{2,5}) /gm, (m, h: string, offset: number) => (offset === 0 ? m : `#${h} `));
  return `${text.slice(0, b + BEGIN.length)}\n\n${body}\n\n${text.slice(e)}`;
}
