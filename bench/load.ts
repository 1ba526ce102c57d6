// A small HTTP load generator for the benchmarks. Fixed rate is open-loop:
// requests leave on a schedule, every 1/rate s, whatever the server does, and
// each latency is counted from its scheduled time, so a stalled server cannot
// hide its stalls (no coordinated omission). Max rate is closed-loop: N
// keep-alive connections, each sending its next request when the last answer
// arrived.
import { Agent, request } from 'node:http';

export interface Target {
  port: number;
  path: string;
  headers: Record<string, string>;
  /** The body of the n-th request. */
  body(n: number): string;
  /** Checks an answer; a false counts as an error. */
  check?(status: number, body: string): boolean;
}

export interface Latencies {
  sent: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

function send(agent: Agent, target: Target, n: number): Promise<{ ok: boolean }> {
  return new Promise((resolve) => {
    const body = target.body(n);
    const req = request(
      { agent, host: '127.0.0.1', port: target.port, path: target.path, method: 'POST', headers: { ...target.headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ ok: target.check ? target.check(res.statusCode ?? 0, Buffer.concat(chunks).toString()) : (res.statusCode ?? 0) < 400 }));
      },
    );
    req.on('error', () => resolve({ ok: false }));
    req.end(body);
  });
}

function summarise(latencies: number[], errors: number, seconds: number): Latencies {
  const s = latencies.sort((a, b) => a - b);
  const at = (q: number) => Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(2));
  return { sent: s.length, errors, rps: Math.round(s.length / seconds), p50: at(0.5), p99: at(0.99), p999: at(0.999), max: at(1) };
}

export async function fixedRate(target: Target, rate: number, seconds: number): Promise<Latencies> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const pending: Array<Promise<void>> = [];
  let errors = 0;
  const total = rate * seconds;
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / rate <= now) {
        const scheduled = start + (next * 1000) / rate;
        pending.push(
          send(agent, target, next).then(({ ok }) => {
            if (!ok) errors++;
            latencies.push(performance.now() - scheduled);
          }),
        );
        next++;
      }
      if (next < total) setTimeout(tick, 0.5);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  return summarise(latencies, errors, seconds);
}

export async function maxRate(target: Target, connections: number, seconds: number): Promise<Latencies> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const { ok } = await send(agent, target, n++);
        if (!ok) errors++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  agent.destroy();
  return summarise(latencies, errors, seconds);
}
