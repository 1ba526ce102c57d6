import type { Socket } from 'node:net';

/** Calls `handle` with each command a client sends (commands end with a blank line). */
export function onCommands(socket: Socket, handle: (command: string) => void): void {
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let end: number;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const command = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (command.trim() !== '') handle(command);
    }
  });
}
