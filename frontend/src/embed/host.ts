// Messages between the framed app and the page around it, with the configured
// origins only (GET /api/embed): what SIPCall tells Talk, in the events Talk
// documents (externalCallJoined, externalCallLeft), and the one request a
// host page may make of it (to dial a number). Anything from another origin,
// or from a window that is not the parent, is ignored.

export type HostEvent = 'externalCallJoined' | 'externalCallLeft';

export interface HostLink {
  tell(event: HostEvent): void;
  /** Calls back with each number the parent asks to dial; returns the unsubscribe. */
  onDial(handler: (number: string) => void): () => void;
}

const NUMBER = /^\+?[0-9*#]{2,32}$/;

export function hostLink(w: Window, parentOrigins: readonly string[]): HostLink {
  const allowed = new Set(parentOrigins);
  return {
    tell(event) {
      if (w.parent === w) return;
      // A message only reaches a parent whose origin is the one named: posted to each, read by the right one.
      for (const origin of allowed) w.parent.postMessage({ type: event }, origin);
    },
    onDial(handler) {
      const listener = (e: MessageEvent) => {
        if (!allowed.has(e.origin) || e.source !== w.parent) return;
        const data: unknown = e.data;
        if (typeof data !== 'object' || data === null) return;
        const { type, number } = data as { type?: unknown; number?: unknown };
        if (type === 'sipcall.dial' && typeof number === 'string' && NUMBER.test(number)) handler(number);
      };
      w.addEventListener('message', listener);
      return () => w.removeEventListener('message', listener);
    },
  };
}
