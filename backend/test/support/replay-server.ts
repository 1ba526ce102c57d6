// Replays a captured ESL session: for every command the client sends, it
// writes the captured bytes up to and including the next reply, so events
// interleave with replies exactly as they did on the real switch.
import { createServer, type Server, type Socket } from 'node:net';
import { onCommands } from './commands.js';
import { frameType, rawFrames } from './fixtures.js';

export interface ReplayServer {
  port: number;
  received: string[];
  close(): Promise<void>;
}

/** The capture's frames, marking which ones answer a command. */
function segments(raw: Buffer): Array<{ bytes: Buffer; reply: boolean; greeting: boolean }> {
  return rawFrames(raw).map((bytes) => {
    const type = frameType(bytes);
    return { bytes, reply: type === 'command/reply' || type === 'api/response', greeting: type === 'auth/request' };
  });
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
    onCommands(socket, (command) => {
      received.push(command);
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
