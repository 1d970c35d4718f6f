/** opa's version is remembered per binary (path, size, inode, mtime) and asked again when the binary changes. */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { opaVersionMemo } from '../../checks/engine/opaBinary.js';

describe('opaVersionMemo', () => {
  it('answers from the memo while the binary is unchanged, and asks a changed binary again', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-opa-memo-'));
    const cache = path.join(dir, 'cache');
    const bin = path.join(dir, 'opa');
    writeFileSync(bin, '#!/bin/sh\necho "Version: 1.2.3"\n');
    chmodSync(bin, 0o755);
    expect(opaVersionMemo(bin, cache)).toBe('1.2.3');
    expect(Object.values(JSON.parse(readFileSync(path.join(cache, 'opa-versions.json'), 'utf8')) as Record<string, string>)).toEqual(['1.2.3']);
    // Not runnable any more, but unchanged otherwise: the memo answers without starting it.
    chmodSync(bin, 0o644);
    expect(opaVersionMemo(bin, cache)).toBe('1.2.3');
    // Replaced by another build (other size and time): asked again.
    writeFileSync(bin, '#!/bin/sh\necho "Version: 1.22.20"\n');
    chmodSync(bin, 0o755);
    expect(opaVersionMemo(bin, cache)).toBe('1.22.20');
    // A damaged memo is no error: the binary is asked.
    writeFileSync(path.join(cache, 'opa-versions.json'), '{not json');
    expect(opaVersionMemo(bin, cache)).toBe('1.22.20');
    expect(opaVersionMemo(path.join(dir, 'missing'), cache)).toBeNull();
  });
});
