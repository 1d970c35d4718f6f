// Preloaded into a measured child (`node --import .../rss-hook.mjs`): on exit, writes the process's
// peak resident set size in bytes to $NHI_BENCH_RSS_FILE. Used by bench/run.ts for the CLI run.
import { writeFileSync } from 'node:fs';

const out = process.env.NHI_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
  });
}
