// Replays a captured ESL session: for every command the client sends, it
// writes the captured bytes up to and including the next reply, so events
// interleave with replies exactly as they did on the real switch.
import { createServer, type Server, type Socket } from 'node:net';

export interface ReplayServer {
  port: number;
  received: string[];
  close(): Promise<void>;
}

/** Cuts a capture into frames and marks which ones answer a command. */
function segments(raw: Buffer): Array<{ bytes: Buffer; reply: boolean; greeting: boolean }> {
  const out: Array<{ bytes: Buffer; reply: boolean; greeting: boolean }> = [];
  let pos = 0;
  while (pos < raw.length) {
    const end = raw.indexOf('\n\n', pos);
    const head = raw.toString('latin1', pos, end);
    const length = /(?:^|\n)Content-Length: (\d+)/.exec(head);
    const next = end + 2 + (length ? Number(length[1]) : 0);
    const type = /(?:^|\n)Content-Type: ([^\n]+)/.exec(head)?.[1];
    out.push({ bytes: raw.subarray(pos, next), reply: type === 'command/reply' || type === 'api/response', greeting: type === 'auth/request' });
    pos = next;
  }
  return out;
}

export async function startReplayServer(raw: Buffer, options: { chunk?: number } = {}): Promise<ReplayServer> {
  const frames = segments(raw);
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let next = 0;
    const send = (bytes: Buffer) => {
      // Optionally cut into small writes, to exercise chunk boundaries on a real socket.
      if (!options.chunk) return socket.write(bytes);
      for (let i = 0; i < bytes.length; i += options.chunk) socket.write(bytes.subarray(i, i + options.chunk));
      return true;
    };
    if (frames[0]?.greeting) send(frames[next++]!.bytes);
    let pending = '';
    socket.on('data', (d: Buffer) => {
      pending += d.toString();
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        received.push(pending.slice(0, end));
        pending = pending.slice(end + 2);
        while (next < frames.length) {
          const f = frames[next++]!;
          send(f.bytes);
          if (f.reply) break;
        }
        // After the last reply, whatever is left (the goodbye) follows, then the close.
        if (next < frames.length && !frames.slice(next).some((f) => f.reply)) {
          while (next < frames.length) send(frames[next++]!.bytes);
          socket.end();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
