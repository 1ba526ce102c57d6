// Password hashing with argon2id (libsodium crypto_pwhash). Hashing costs
// tens to hundreds of milliseconds of CPU by design, so it runs on a worker
// thread: a login never stalls the event loop that carries switch events.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** True when the hash was made with other parameters than the current ones. */
  needsRehash(hash: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface Argon2Limits {
  /** Passes over memory (libsodium opslimit). */
  ops: number;
  /** Memory in bytes (libsodium memlimit). */
  memBytes: number;
}

/** libsodium's INTERACTIVE profile: argon2id, 2 passes, 64 MiB (above OWASP's 19 MiB minimum). */
export const INTERACTIVE: Argon2Limits = { ops: 2, memBytes: 64 * 1024 * 1024 };

// The worker's whole program. It resolves libsodium from this package, so the
// same code runs from the compiled build and under the test runner.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodiumPath);
sodium.ready.then(() => {
  parentPort.on('message', ({ id, op, password, hash, ops, mem }) => {
    try {
      let result;
      if (op === 'hash') result = sodium.crypto_pwhash_str(password, ops, mem);
      else if (op === 'verify') result = sodium.crypto_pwhash_str_verify(hash, password);
      else result = sodium.crypto_pwhash_str_needs_rehash(hash, ops, mem);
      parentPort.postMessage({ id, result });
    } catch (err) {
      parentPort.postMessage({ id, error: String(err && err.message || err) });
    }
  });
  parentPort.postMessage({ ready: true });
});
`;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export function createPasswordHasher(limits: Argon2Limits = INTERACTIVE): PasswordHasher {
  const sodiumPath = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sodiumPath } });
  worker.unref();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | null = null;

  worker.on('message', (msg: { id?: number; result?: unknown; error?: string }) => {
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error !== undefined) p.reject(new Error(`password hashing failed: ${msg.error}`));
    else p.resolve(msg.result);
  });
  const failAll = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`password worker exited (${code})`)));

  const call = <T>(message: Record<string, unknown>): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: (v) => resolve(v as T), reject });
      worker.ref();
      worker.postMessage({ id, ...message, ops: limits.ops, mem: limits.memBytes });
    }).finally(() => {
      if (pending.size === 0) worker.unref();
    });
  };

  return {
    hash: (password) => call<string>({ op: 'hash', password }),
    verify: (hash, password) => call<boolean>({ op: 'verify', hash, password }),
    needsRehash: (hash) => call<boolean>({ op: 'needsRehash', hash }),
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
      failAll(new Error('password hasher closed'));
    },
  };
}
