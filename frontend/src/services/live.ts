// The live-calls WebSocket (/api/live): a snapshot on connect, then each change.
import type { LiveCall, LiveMessage, LiveProtocol } from '@sipcall/contract';
import { accessToken } from './http';

const PROTOCOL: LiveProtocol = 'sipcall.v1';

export interface LiveHandlers {
  message(message: LiveMessage): void;
  open(): void;
  /** `code` 4001: the access token expired, reconnect with a fresh one; 4003: the session ended (signed out elsewhere, account disabled). */
  close(code: number): void;
}

const isCall = (v: unknown): v is LiveCall => typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && Array.isArray((v as { legs?: unknown }).legs);

/** Reads one message, or null for anything that is not one (ignored). */
export function parseLiveMessage(data: unknown): LiveMessage | null {
  if (typeof data !== 'string') return null;
  let m: unknown;
  try {
    m = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof m !== 'object' || m === null) return null;
  const msg = m as { type?: unknown; calls?: unknown; call?: unknown; cause?: unknown };
  if (msg.type === 'snapshot' && Array.isArray(msg.calls)) return { type: 'snapshot', calls: msg.calls.filter(isCall) };
  if (msg.type === 'call' && isCall(msg.call)) return { type: 'call', call: msg.call };
  if (msg.type === 'call_ended' && isCall(msg.call)) return { type: 'call_ended', call: msg.call, cause: typeof msg.cause === 'string' ? msg.cause : '' };
  return null;
}

/** Opens the socket with the session's access token (a browser cannot add a header to it); null when no one is signed in. */
export function openLive(handlers: LiveHandlers): { close(): void } | null {
  const token = accessToken();
  if (!token) return null;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${location.host}/api/live`, [PROTOCOL, `bearer.${token}`]);
  socket.onopen = () => handlers.open();
  socket.onmessage = (ev) => {
    const m = parseLiveMessage(ev.data);
    if (m) handlers.message(m);
  };
  socket.onclose = (ev) => handlers.close(ev.code);
  return { close: () => socket.close(1000) };
}
