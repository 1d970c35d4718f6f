/**
 * A one-line progress indicator for live collection, redrawn in place on stderr, only when stderr
 * is a terminal (CI logs and redirected output stay clean). Names operations and counts, never data.
 */
export interface Progress {
  /** A named step started or advanced, e.g. ('access keys', 12, 40). */
  update(step: string, done?: number, total?: number): void;
  done(): void;
}

export const silentProgress: Progress = { update() {}, done() {} };

export function ttyProgress(write: (s: string) => void, minIntervalMs = 100): Progress {
  let last = 0;
  let shown = false;
  return {
    update(step, done, total) {
      const t = Date.now();
      if (t - last < minIntervalMs && done !== total) return;
      last = t;
      const count = done === undefined ? '' : total === undefined ? ` ${done}` : ` ${done}/${total}`;
      write(`\r\x1b[2Knhi-guard: reading ${step}${count}`);
      shown = true;
    },
    done() {
      if (shown) write('\r\x1b[2K');
      shown = false;
    },
  };
}

export function progressFor(stream: { isTTY?: boolean; write: (s: string) => unknown }): Progress {
  return stream.isTTY === true ? ttyProgress((s) => void stream.write(s)) : silentProgress;
}
