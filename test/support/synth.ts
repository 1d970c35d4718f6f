/** Synthesizes the example app once per test process into a temporary folder. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../stacks/main.js';

let dir: string | undefined;

export function synthExamples(): string {
  if (dir) return dir;
  dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-synth-'));
  const { app, aspect } = buildApp(dir, new Date(process.env.NHI_GUARD_NOW ?? '2026-11-22T00:00:00Z'));
  app.synth();
  if (aspect.problems.length) throw new Error(aspect.problems.join('\n'));
  return dir;
}
