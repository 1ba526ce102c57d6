// modesl ships no types; the benchmark uses this much of it.
declare module 'modesl' {
  import type { EventEmitter } from 'node:events';
  export class Connection extends EventEmitter {
    constructor(host: string, port: number, password: string, ready?: () => void);
    events(type: 'json' | 'plain' | 'xml', events: string, cb?: () => void): void;
    disconnect(): void;
  }
}
