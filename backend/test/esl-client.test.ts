import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EslAuthError, EslClient, EslClosedError, EslError, EslTimeoutError } from '../src/switch/esl/client.js';
import type { EslEvent } from '../src/switch/esl/events.js';
import { onCommands } from './support/commands.js';
import { capture } from './support/fixtures.js';
import { FreeSwitchPeer, PEER_PASSWORD } from './support/freeswitch-peer.js';
import { startReplayServer, type ReplayServer } from './support/replay-server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function replay(name: string, chunk?: number): Promise<ReplayServer> {
  const server = await startReplayServer(capture(name), chunk ? { chunk } : {});
  cleanups.push(() => server.close());
  return server;
}

async function connect(port: number, password = 'ClueCon', extra: Partial<Parameters<typeof EslClient.connect>[0]> = {}) {
  const client = await EslClient.connect({ host: '127.0.0.1', port, password, ...extra });
  cleanups.push(() => client.destroy('test over'));
  return client;
}

describe('ESL client against replayed real sessions', () => {
  it('authenticates the way the real switch accepted it', async () => {
    const server = await replay('auth-ok.raw');
    const client = await connect(server.port);
    expect(client.closed).toBe(false);
    expect(server.received).toEqual(['auth ClueCon']);
  });

  it('rejects a wrong password with EslAuthError and closes', async () => {
    const server = await replay('auth-fail.raw');
    await expect(connect(server.port, 'WrongPassword')).rejects.toBeInstanceOf(EslAuthError);
  });

  it('matches every api reply to its command, in order, bytes intact', async () => {
    const server = await replay('api-misc.raw', 7);
    const client = await connect(server.port);
    const sent = capture('api-misc.sent').toString().split('\n\n').filter(Boolean).slice(1, -1).map((c) => c.replace(/^api /, ''));
    const replies: string[] = [];
    for (const cmd of sent) replies.push(await client.api(cmd));
    expect(replies[0]).toMatch(/^FreeSWITCH Version 1\.10\.12/);
    expect(replies.slice(1, 5)).toEqual(['vm', '127.0.0.1', '{"row_count": 0}\n', '{"row_count": 0}\n']);
    expect(replies).toContain('-ERR No such channel!\n');
    expect(replies).toContain('hello%20world');
    expect(replies).toHaveLength(17);
  });

  it('delivers a whole json call life cycle while replies keep their order', async () => {
    const server = await replay('events-json-call-lifecycle.raw', 1500);
    const client = await connect(server.port);
    const seen: EslEvent[] = [];
    client.onAny((e) => seen.push(e));
    const answers: string[] = [];
    client.on('CHANNEL_ANSWER', (e) => answers.push(e.uuid));
    await client.subscribe(['ALL'], 'json');
    const originate = await client.api('originate {origination_caller_id_number=5550001,origination_caller_id_name=Alice}null/1000 &park');
    expect(originate).toMatch(/^\+OK [0-9a-f-]{36}\n$/);
    expect(await client.api(`uuid_kill ${originate.slice(4).trim()}`)).toBe('+OK\n');
    // The rest of the captured session, command by command.
    const rest = capture('events-json-call-lifecycle.sent').toString().split('\n\n').filter(Boolean).slice(4, -1);
    for (const cmd of rest) {
      if (cmd.startsWith('api ')) await client.api(cmd.slice(4));
      else await (client as unknown as { command(c: string): Promise<string> }).command(cmd);
    }
    await client.close();
    expect(seen).toHaveLength(79);
    expect(answers).toHaveLength(3);
    expect(seen.filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE')).toHaveLength(3);
  });
});

describe('ESL client against the FreeSWITCH test peer', () => {
  async function peer() {
    const p = await FreeSwitchPeer.start();
    cleanups.push(() => p.stop());
    return p;
  }

  it('resolves bgapi from the BACKGROUND_JOB carrying the Job-UUID it chose', async () => {
    const p = await peer();
    const client = await connect(p.port, PEER_PASSWORD);
    const body = await client.bgapi('status');
    expect(body).toMatch(/is ready/);
    const sent = p.commands.find((c) => c.startsWith('bgapi status'))!;
    expect(sent).toMatch(/^bgapi status\nJob-UUID: [0-9a-f-]{36}$/);
    expect(p.commands).toContain('event json BACKGROUND_JOB');
  });

  it('refuses a command with a line break before anything is sent', async () => {
    const p = await peer();
    const client = await connect(p.port, PEER_PASSWORD);
    const before = p.commands.length;
    await expect(client.api('uuid_kill x\n\napi shutdown')).rejects.toBeInstanceOf(EslError);
    expect(p.commands.length).toBe(before);
  });

  it('gives typed events to the listeners of their name', async () => {
    const p = await peer();
    const client = await connect(p.port, PEER_PASSWORD);
    const hangups: string[] = [];
    const answered: string[] = [];
    client.on('CHANNEL_HANGUP_COMPLETE', (e) => hangups.push(`${e.uuid}:${e.cause}`));
    client.on('CHANNEL_ANSWER', (e) => answered.push(e.uuid));
    await client.subscribe(['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE'], 'plain');
    p.registered.add('alice');
    const a = p.placeCall({ sipUser: 'alice', destination: '+4930123456' });
    await expect.poll(() => answered.length).toBeGreaterThan(0);
    expect(await client.api(`uuid_kill ${a} USER_BUSY`)).toBe('+OK\n');
    await expect.poll(() => hangups.length).toBe(2);
    expect(hangups).toContain(`${a}:USER_BUSY`);
  });

  it('closes with a reason when the switch goes away, failing what waits', async () => {
    const p = await peer();
    const client = await connect(p.port, PEER_PASSWORD);
    const reasons: string[] = [];
    client.onClose((r) => reasons.push(r));
    p.dropConnections();
    await expect.poll(() => reasons.length).toBe(1);
    await expect(client.api('status')).rejects.toBeInstanceOf(EslClosedError);
  });

  it('says exit and gets the goodbye on close', async () => {
    const p = await peer();
    const client = await connect(p.port, PEER_PASSWORD);
    await client.close();
    expect(client.closed).toBe(true);
    expect(p.commands.at(-1)).toBe('exit');
  });
});

describe('ESL client against a misbehaving server', () => {
  async function rawServer(onCommand: (command: string, write: (s: string) => void) => void) {
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.write('Content-Type: auth/request\n\n');
      onCommands(socket, (cmd) => {
        if (cmd.startsWith('auth ')) socket.write('Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
        else onCommand(cmd, (s) => socket.write(s));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return (server.address() as { port: number }).port;
  }

  it('closes on a malformed frame with a logged reason, never throwing', async () => {
    const port = await rawServer((_cmd, write) => write('Content-Type: api/response\nContent-Length: -7\n\n'));
    const errors: string[] = [];
    const client = await connect(port, 'x', { observer: { protocolError: (r) => errors.push(r) } });
    await expect(client.api('status')).rejects.toBeInstanceOf(EslClosedError);
    expect(errors).toEqual(['bad Content-Length "-7"']);
    expect(client.closed).toBe(true);
  });

  it('delivers the frames that were complete before a malformed one in the same delivery, then closes', async () => {
    // One write: the answer to the first command, then a broken frame.
    const port = await rawServer((cmd, write) => {
      if (cmd === 'api first') write('Content-Type: api/response\nContent-Length: 5\n\nfirstContent-Type: api/response\nContent-Length: -7\n\n');
    });
    const errors: string[] = [];
    const client = await connect(port, 'x', { observer: { protocolError: (r) => errors.push(r) } });
    const first = client.api('first');
    const second = client.api('second');
    expect(await first).toBe('first');
    await expect(second).rejects.toBeInstanceOf(EslClosedError);
    expect(errors).toEqual(['bad Content-Length "-7"']);
  });

  it('closes on a reply nobody asked for', async () => {
    const port = await rawServer(() => undefined);
    const client = await connect(port, 'x');
    const reason = new Promise<string>((r) => client.onClose(r));
    // the server sends an unsolicited reply after auth
    (client as unknown as { socket: { emit(e: string, d: Buffer): void } }).socket.emit('data', Buffer.from('Content-Type: api/response\nContent-Length: 2\n\nhi'));
    expect(await reason).toMatch(/unexpected api\/response/);
  });

  it('times a command out, and keeps later replies matched to their own commands', async () => {
    let n = 0;
    const port = await rawServer((cmd, write) => {
      n++;
      const reply = (body: string) => write(`Content-Type: api/response\nContent-Length: ${body.length}\n\n${body}`);
      if (n === 1) setTimeout(() => reply('late answer to the first'), 150);
      else setTimeout(() => reply(`answer to ${cmd}`), 160);
    });
    const client = await connect(port, 'x');
    await expect(client.api('first', { timeoutMs: 50 })).rejects.toBeInstanceOf(EslTimeoutError);
    expect(await client.api('second')).toBe('answer to api second');
  });
});
