// Child of bench:esl-ingest: serves the captured events of one format. Each
// connection is answered like a switch (auth, then the subscription) and then
// gets `total` events as fast as the socket takes them. Prints its port.
import { createServer, type Socket } from 'node:net';
import { capture } from '../backend/test/support/fixtures.js';

type Format = 'json' | 'plain';
const format = process.argv[2] as Format;
const total = Number(process.argv[3]);
if ((format !== 'json' && format !== 'plain') || !Number.isInteger(total) || total <= 0) {
  process.stderr.write('usage: esl-replay-server.ts json|plain COUNT\n');
  process.exit(64);
}

/** The event frames of a capture, as bytes, and how many there are. */
function eventBlock(format: Format): { bytes: Buffer; count: number } {
  const raw = capture(`events-${format}-call-lifecycle.raw`);
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const end = raw.indexOf('\n\n', pos);
    const head = raw.toString('latin1', pos, end);
    const m = /Content-Length: (\d+)/.exec(head);
    const next = end + 2 + (m ? Number(m[1]) : 0);
    if (head.includes(`Content-Type: text/event-${format}`)) parts.push(raw.subarray(pos, next));
    pos = next;
  }
  return { bytes: Buffer.concat(parts), count: parts.length };
}

/** Answers auth and one subscription, then streams `total` events as fast as the socket takes them. */
async function listen(): Promise<number> {
  const block = eventBlock(format);
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write('Content-Type: auth/request\n\n');
    let pending = '';
    let streaming = false;
    socket.on('data', (d: Buffer) => {
      pending += d.toString();
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const cmd = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const text = cmd.startsWith('auth') ? '+OK accepted' : cmd.startsWith('event') ? `+OK event listener enabled ${format}` : '+OK';
        socket.write(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);
        if (cmd.startsWith('event') && !streaming) {
          streaming = true;
          stream(socket, block, total);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

function stream(socket: Socket, block: { bytes: Buffer; count: number }, total: number): void {
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(block.count, total - sent);
      const bytes = n === block.count ? block.bytes : cut(block.bytes, n);
      sent += n;
      if (!socket.write(bytes)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** The first n frames of a block. */
function cut(bytes: Buffer, n: number): Buffer {
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const end = bytes.indexOf('\n\n', pos);
    const m = /Content-Length: (\d+)/.exec(bytes.toString('latin1', pos, end));
    pos = end + 2 + (m ? Number(m[1]) : 0);
  }
  return bytes.subarray(0, pos);
}


process.stdout.write(`${JSON.stringify({ port: await listen() })}\n`);
