import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { readEmbedding } from './embedding';
import { hostLink } from './host';

function fakeWindow() {
  const listeners: Array<(e: MessageEvent) => void> = [];
  const parent = { postMessage: vi.fn() };
  const w = {
    parent,
    addEventListener: (_: string, l: (e: MessageEvent) => void) => listeners.push(l),
    removeEventListener: (_: string, l: (e: MessageEvent) => void) => listeners.splice(listeners.indexOf(l), 1),
  } as unknown as Window;
  const receive = (origin: string, data: unknown, source: unknown = parent) => listeners.forEach((l) => l({ origin, data, source } as MessageEvent));
  return { w, parent, receive, listeners };
}

describe('embedding', () => {
  const at = (search: string, framed: boolean) => {
    const self = {};
    return readEmbedding({ location: { search } as Location, self: self as Window & typeof globalThis, top: (framed ? {} : self) as Window });
  };

  it('is embedded when framed, or when asked', () => {
    expect(at('', false)).toEqual({ embedded: false, talk: false, dial: null });
    expect(at('', true)).toMatchObject({ embedded: true, talk: false });
    expect(at('?embed=1', false)).toMatchObject({ embedded: true, talk: false });
  });

  it('takes Talk’s frame and its number, and only a number', () => {
    expect(at('?embed=talk&dial=%2B4930123456', true)).toEqual({ embedded: true, talk: true, dial: '+4930123456' });
    expect(at('?embed=talk&dial=javascript:alert(1)', true).dial).toBeNull();
  });
});

describe('host link', () => {
  it('tells the parent, addressed to each configured origin only', () => {
    const { w, parent } = fakeWindow();
    hostLink(w, ['https://cloud.example.org']).tell('externalCallJoined');
    expect(parent.postMessage).toHaveBeenCalledExactlyOnceWith({ type: 'externalCallJoined' }, 'https://cloud.example.org');
  });

  it('dials what the parent at a configured origin asks, and ignores everyone else', () => {
    const { w, receive, parent } = fakeWindow();
    const dialled: string[] = [];
    const stop = hostLink(w, ['https://cloud.example.org']).onDial((n) => dialled.push(n));
    receive('https://evil.example', { type: 'sipcall.dial', number: '+4930111' });
    receive('https://cloud.example.org', { type: 'sipcall.dial', number: '+4930222' }, {});
    receive('https://cloud.example.org', { type: 'sipcall.dial', number: 'sip:x@y' });
    receive('https://cloud.example.org', 'sipcall.dial');
    receive('https://cloud.example.org', { type: 'sipcall.dial', number: '+4930333' }, parent);
    expect(dialled).toEqual(['+4930333']);
    stop();
    receive('https://cloud.example.org', { type: 'sipcall.dial', number: '+4930444' }, parent);
    expect(dialled).toEqual(['+4930333']);
  });

  it('says nothing when not framed (its parent is itself)', () => {
    const alone = { postMessage: vi.fn() } as unknown as Window & { postMessage: ReturnType<typeof vi.fn> };
    Object.assign(alone, { parent: alone });
    hostLink(alone, ['https://cloud.example.org']).tell('externalCallLeft');
    expect(alone.postMessage).not.toHaveBeenCalled();
  });
});

describe('storage a framing site refuses (public/storage-guard.js)', () => {
  const guard = readFileSync(path.resolve(__dirname, '../../public/storage-guard.js'), 'utf8');
  const run = (w: object) => runInNewContext(guard, { window: w, Map, Array, String });

  it('is kept in memory instead, so nothing throws', () => {
    const w = {} as Window;
    Object.defineProperty(w, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    });
    run(w);
    w.localStorage.setItem('a', '1');
    expect(w.localStorage.getItem('a')).toBe('1');
    expect(w.localStorage.length).toBe(1);
    expect(w.localStorage.key(0)).toBe('a');
    w.localStorage.removeItem('a');
    expect(w.localStorage.getItem('a')).toBeNull();
  });

  it('leaves working storage alone', () => {
    const real = window.localStorage;
    run(window);
    expect(window.localStorage).toBe(real);
  });
});
