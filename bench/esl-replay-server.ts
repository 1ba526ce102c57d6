// Child of bench:esl-ingest: serves the captured events of one format. Each
// connection is answered like a switch (auth, then the subscription) and then
// gets `total` events as fast as the socket takes them. Only a subscription in
// this format starts the stream, so a client that asked for another format is
// not measured on bytes it did not ask for. Prints its port.
import { createServer, type Socket } from 'node:net';
import { onCommands } from '../backend/test/support/commands.js';
import { capture, frameType, rawFrames } from '../backend/test/support/fixtures.js';

type Format = 'json' | 'plain';
const format = process.argv[2] as Format;
const total = Number(process.argv[3]);
if ((format !== 'json' && format !== 'plain') || !Number.isInteger(total) || total <= 0) {
  process.stderr.write('usage: esl-replay-server.ts json|plain COUNT\n');
  process.exit(64);
}

/** The event frames of a capture, as bytes, and how many there are. */
function eventBlock(): { frames: Buffer[]; bytes: Buffer; count: number } {
  const frames = rawFrames(capture(`events-${format}-call-lifecycle.raw`)).filter((f) => frameType(f) === `text/event-${format}`);
  return { frames, bytes: Buffer.concat(frames), count: frames.length };
}

/** Answers auth and one subscription, then streams `total` events as fast as the socket takes them. */
async function listen(): Promise<number> {
  const block = eventBlock();
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write('Content-Type: auth/request\n\n');
    let streaming = false;
    onCommands(socket, (cmd) => {
      const asked = /^event (\w+)/.exec(cmd)?.[1];
      const text = cmd.startsWith('auth') ? '+OK accepted' : asked ? `+OK event listener enabled ${asked}` : '+OK';
      socket.write(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);
      if (asked === format && !streaming) {
        streaming = true;
        stream(socket, block, total);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

function stream(socket: Socket, block: { frames: Buffer[]; bytes: Buffer; count: number }, total: number): void {
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(block.count, total - sent);
      const bytes = n === block.count ? block.bytes : Buffer.concat(block.frames.slice(0, n));
      sent += n;
      if (!socket.write(bytes)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

process.stdout.write(`${JSON.stringify({ port: await listen() })}\n`);
