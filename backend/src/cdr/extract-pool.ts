// Worker threads that run extractCdr, so parsing and compressing records
// (most of their CPU time) happens beside the event loop instead of on it.
// Idle workers do not keep the process alive. With size 0 the work runs
// in-thread (single-core machines).
import { Worker } from 'node:worker_threads';
import { deflateRawSync } from 'node:zlib';
import { CDR_VARIABLES, extractCdr, type ExtractResult } from './extract.js';

export const MAX_VARIABLES = 2_000;
/** Fast and a quarter of the size: the raw record is kept, rarely read. */
const DEFLATE_LEVEL = 1;

const deflateText = (text: string) => deflateRawSync(text, { level: DEFLATE_LEVEL });

// The program: extractCdr's own source (compiled JavaScript), so one function
// runs on both sides. `__name` covers the helper some compilers add to keep
// function names.
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { deflateRawSync } = require('node:zlib');
var __name = (f) => f;
const extractCdr = ${extractCdr.toString()};
const deflate = (text) => deflateRawSync(text, { level: workerData.level });
parentPort.on('message', ({ id, text }) => {
  let result;
  try {
    result = extractCdr(text, workerData.names, workerData.maxVariables, deflate);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
    return;
  }
  if (!result.ok) {
    parentPort.postMessage({ id, result });
    return;
  }
  // A copy of its own: small Buffers share a pooled ArrayBuffer, which must not be moved.
  const raw = new Uint8Array(result.cdr.raw);
  result.cdr.raw = raw;
  parentPort.postMessage({ id, result }, [raw.buffer]);
});
`;

interface Pending {
  resolve(r: ExtractResult): void;
  reject(e: Error): void;
}

class ExtractWorker {
  private readonly pending = new Map<number, Pending>();
  private worker: Worker | null = null;

  get load(): number {
    return this.pending.size;
  }

  run(id: number, text: string): Promise<ExtractResult> {
    const worker = this.worker ?? this.spawn();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, text });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { names: CDR_VARIABLES, maxVariables: MAX_VARIABLES, level: DEFLATE_LEVEL } });
    worker.unref();
    worker.on('message', (msg: { id: number; result?: ExtractResult; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.result) p.resolve(msg.result);
      else p.reject(new Error(`call-record worker: ${msg.error ?? 'failed'}`));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null; // the next record starts a new one
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`call-record worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

export class CdrExtractor {
  private readonly workers: ExtractWorker[];
  private sequence = 0;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => new ExtractWorker());
  }

  extract(text: string): Promise<ExtractResult> {
    if (this.workers.length === 0) return Promise.resolve(extractCdr(text, CDR_VARIABLES, MAX_VARIABLES, deflateText));
    // The least busy worker takes it.
    let best = this.workers[0]!;
    for (const w of this.workers) if (w.load < best.load) best = w;
    return best.run(++this.sequence, text);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
