// Types of bin/launch.mjs for the TypeScript that imports it (scripts/build.ts).
export const DIST_CLI: string;
export function freshBundle(): string | null;
export function bundleCli(outdir: string): Promise<{ inputs: Record<string, unknown> }>;
export function buildBundle(): Promise<string>;
export function loadCli(): Promise<{ main(argv: string[]): Promise<number> }>;
