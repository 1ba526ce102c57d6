// One phone across tabs, with the browser's Web Locks as the Web Locks
// specification describes them: exclusive requests for a name are granted
// one at a time in order; a request with `steal` is granted at once, and the
// request that held the lock has its promise rejected with an AbortError
// (its lock is released); a pending request whose signal aborts is rejected
// with an AbortError; a lock is released when the callback's promise settles.
import { describe, expect, it, vi } from 'vitest';
import { claimPhoneTab } from './tab';

class Locks {
  private held: { reject: (e: unknown) => void } | null = null;
  private readonly queue: Array<{ grant: () => void }> = [];

  request(_name: string, options: LockOptions, callback: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        let released = false;
        const mine = { reject };
        this.held = mine;
        void callback().then(() => {
          if (released) return;
          released = true;
          if (this.held === mine) this.held = null;
          resolve();
          this.pump();
        });
      };
      if (options.steal) {
        const previous = this.held;
        this.held = null;
        previous?.reject(new DOMException('stolen', 'AbortError'));
        grant();
        return;
      }
      const entry = { grant };
      options.signal?.addEventListener('abort', () => {
        const i = this.queue.indexOf(entry);
        if (i < 0) return;
        this.queue.splice(i, 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
      this.queue.push(entry);
      queueMicrotask(() => this.pump());
    });
  }

  /** Grants the next request in line when none holds the lock. */
  private pump(): void {
    if (!this.held) this.queue.shift()?.grant();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function tab(locks: Locks) {
  const events = { gained: vi.fn(), lost: vi.fn() };
  const t = claimPhoneTab('sipcall-phone:test', events, locks as unknown as LockManager);
  return { t, events };
}

describe('claimPhoneTab', () => {
  it('gives the phone to the first tab; the next waits, takes it over when asked, and the first waits in turn', async () => {
    const locks = new Locks();
    const a = tab(locks);
    await settle();
    const b = tab(locks);
    await settle();
    expect([a.t.active, b.t.active]).toEqual([true, false]);
    await b.t.takeOver();
    await settle();
    expect([a.t.active, b.t.active]).toEqual([false, true]);
    expect(a.events.lost).toHaveBeenCalledTimes(1);
    b.t.release();
    await settle();
    expect(a.t.active).toBe(true);
    expect(a.events.gained).toHaveBeenCalledTimes(2);
  });

  it('keeps the phone when a take-over comes before its own first grant (a call from a page just opened)', async () => {
    const locks = new Locks();
    const a = tab(locks);
    await a.t.takeOver();
    await settle();
    expect(a.t.active).toBe(true);
    expect(a.events.lost).not.toHaveBeenCalled();
  });
});
