/**
 * The one adapter around @open-policy-agent/opa-wasm. The SDK throws bare strings and answers
 * `null` for an evaluation error and `[]` for an undefined result; here both become typed errors.
 */
import * as opaModule from '@open-policy-agent/opa-wasm';
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { EngineError } from '../errors.js';
import { wellFormedJson } from '../unicode.js';

/**
 * Initial WebAssembly memory, in 64 KiB pages: 1 GiB of address space, reserved but not touched
 * (the resident size does not change). The policy's allocator grows a small memory in many steps,
 * and on large inputs those steps dominated: a 16k-element evaluation took 3.7 s from the default
 * 5 pages and 0.19 s from here.
 */
const INITIAL_PAGES = 16_384;

// A CommonJS module: Node's ES module loader exposes its exports as the default export only (the
// names of its object literal are not detected), tsx and the types as named exports.
const opaWasm = (opaModule as unknown as { default?: typeof opaModule }).default ?? opaModule;

function describe(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  return String(e);
}

export class WasmPolicy {
  private constructor(private readonly policy: LoadedPolicy) {}

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a bad module is a rejected promise, as with the asynchronous loader
  static async load(wasm: Uint8Array, data: unknown, maxPages?: number): Promise<WasmPolicy> {
    let policy: LoadedPolicy;
    try {
      // Copy into a fresh ArrayBuffer: Buffer views may share a larger pool.
      const bytes = new Uint8Array(wasm.byteLength);
      bytes.set(wasm);
      // The synchronous loader: the asynchronous one tests for a fetch Response, and that first
      // touch of Node's fetch loads its HTTP client (some 40 ms of every run) for nothing.
      const memory = maxPages === undefined ? { initial: INITIAL_PAGES } : { initial: Math.min(INITIAL_PAGES, maxPages), maximum: maxPages };
      policy = opaWasm.loadPolicySync(bytes.buffer, memory);
    } catch (e) {
      throw new EngineError(`cannot load the compiled policy: ${describe(e)}`);
    }
    const p = new WasmPolicy(policy);
    p.setData(data);
    return p;
  }

  setData(data: unknown): void {
    try {
      this.policy.setData(data as object);
    } catch (e) {
      throw new EngineError(`cannot load policy data: ${describe(e)}`);
    }
  }

  get entrypoints(): Record<string, number> {
    return (this.policy as unknown as { entrypoints: Record<string, number> }).entrypoints;
  }

  /**
   * Evaluates one entrypoint. `input` may be an object or its JSON text already serialized
   * (the text is handed over as bytes, saving a second JSON.stringify of large inputs).
   * Returns the entrypoint's value; throws EngineError when the result is undefined or failed.
   */
  evaluate(input: unknown, entrypoint: string): unknown {
    if (!(entrypoint in this.entrypoints)) {
      throw new EngineError(`entrypoint ${entrypoint} is not in the compiled policy (has: ${Object.keys(this.entrypoints).join(', ')})`);
    }
    // The runtime's JSON cannot carry a lone surrogate: one in any string would fail every rule.
    const text = typeof input === 'string' ? input : typeof input === 'object' && input !== null ? JSON.stringify(input) : undefined;
    const arg = text === undefined ? input : toArrayBuffer(wellFormedJson(text));
    let rs: unknown;
    try {
      rs = this.policy.evaluate(arg, entrypoint);
    } catch (e) {
      throw new EngineError(`policy evaluation failed: ${describe(e)}`);
    }
    if (rs === null || rs === undefined) throw new EngineError('policy evaluation failed: the WASM runtime returned no result set');
    if (!Array.isArray(rs)) throw new EngineError('policy evaluation failed: unexpected result set shape');
    if (rs.length === 0) throw new EngineError(`entrypoint ${entrypoint} is undefined for this input`);
    const first = rs[0] as { result?: unknown };
    return first.result;
  }
}

function toArrayBuffer(text: string): ArrayBuffer {
  const bytes = new TextEncoder().encode(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
