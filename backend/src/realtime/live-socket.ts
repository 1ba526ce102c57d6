// The live WebSocket (/api/live): pushes call changes to the call's owner and
// to admins. Browsers cannot set headers on a WebSocket, so the access token
// travels as a subprotocol (`bearer.<jwt>` beside `sipcall.v1`); the Origin
// must be this site or one on the CORS allowlist, anything else gets 403.
// A socket lives no longer than the token it was opened with, and closes as
// soon as its session ends (sign-out, a disabled or deleted user) on any replica.
import type { LiveCloseCode, LiveMessage, LiveProtocol } from '@sipcall/contract';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AuthService, Authenticated } from '../auth/auth.service.js';
import type { SessionEnd, Sessions } from '../auth/sessions.js';
import type { CallTracker } from '../calls/call-tracker.js';
import { toPublicCall, type LiveCall } from '../calls/live-call.js';
import type { LiveCallStore } from '../calls/live-call-store.js';
import type { Logger } from '../logger.js';
import type { PublicUser } from '../core/identity.js';

export const LIVE_PATH = '/api/live';
export const LIVE_PROTOCOL = 'sipcall.v1' satisfies LiveProtocol;
const BEARER_PREFIX = 'bearer.';

interface Client {
  socket: WebSocket;
  user: PublicUser;
  sessionId: string;
}

/** Close codes the app acts on: sign in again (4001: token expired, reconnect with a fresh one; 4003: session over). */
export const CLOSE_TOKEN_EXPIRED = 4001 satisfies LiveCloseCode;
export const CLOSE_SESSION_ENDED = 4003 satisfies LiveCloseCode;

export interface LiveSocketDeps {
  auth: Pick<AuthService, 'authenticate'>;
  sessions: Pick<Sessions, 'onEnded'>;
  tracker: CallTracker;
  store: LiveCallStore;
  allowedOrigins: readonly string[];
  log: Logger;
  now?: () => number;
}

export class LiveSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024, handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false) });
  private readonly clients = new Set<Client>();
  private readonly unsubscribe: Array<() => unknown>;

  constructor(private readonly deps: LiveSocketDeps) {
    this.unsubscribe = [
      deps.tracker.subscribe({
        changed: (call) => this.push(call, { type: 'call', call: toPublicCall(call) }),
        ended: (call, cause) => this.push(call, { type: 'call_ended', call: toPublicCall(call), cause }),
      }),
      deps.sessions.onEnded((end) => this.endSessions(end)),
    ];
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== LIVE_PATH) {
        socket.destroy();
        return;
      }
      void this.upgrade(req, socket, head);
    });
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (!this.originAllowed(req)) return refuse(socket, 403, 'Origin not allowed');
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const token = protocols.find((p) => p.startsWith(BEARER_PREFIX))?.slice(BEARER_PREFIX.length);
    if (!token || !protocols.includes(LIVE_PROTOCOL)) return refuse(socket, 401, 'Authentication required');
    let who: Authenticated;
    try {
      who = await this.deps.auth.authenticate(token);
    } catch {
      return refuse(socket, 401, 'Invalid or expired access token');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, who));
  }

  private async accept(socket: WebSocket, who: Authenticated): Promise<void> {
    const { user, sessionId } = who;
    const client: Client = { socket, user, sessionId };
    this.clients.add(client);
    // The token's own expiry bounds the socket's: the app reconnects with a fresh one.
    const now = this.deps.now?.() ?? Date.now();
    const expiry = setTimeout(() => socket.close(CLOSE_TOKEN_EXPIRED, 'access token expired'), Math.max(0, who.expiresAt.getTime() - now));
    expiry.unref();
    socket.on('close', () => {
      clearTimeout(expiry);
      this.clients.delete(client);
    });
    socket.on('error', () => socket.terminate());
    // Clients only listen; anything they send is ignored (and capped by maxPayload).
    socket.on('message', () => undefined);
    const calls = user.role === 'admin' ? await this.deps.store.list() : await this.deps.store.list({ userId: user.id });
    send(socket, { type: 'snapshot', calls: calls.map(toPublicCall) });
  }

  private endSessions(end: SessionEnd): void {
    for (const c of this.clients) {
      const ends = end.sessionId === undefined ? c.sessionId !== end.exceptSessionId : c.sessionId === end.sessionId;
      if (c.user.id === end.userId && ends) c.socket.close(CLOSE_SESSION_ENDED, 'session ended');
    }
  }

  private push(call: LiveCall, message: LiveMessage): void {
    for (const c of this.clients) {
      if (c.user.role === 'admin' || c.user.id === call.userId) send(c.socket, message);
    }
  }

  /** Same origin as the Host we were reached on, or one the operator allowed. */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // not a browser: the token decides
    if (this.deps.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
}

function send(socket: WebSocket, message: LiveMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: { code: status === 403 ? 'forbidden' : 'unauthorized', message } });
  socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Unauthorized'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
