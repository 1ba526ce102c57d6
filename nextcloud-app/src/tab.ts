// One phone per person, whichever Nextcloud tabs are open: the tab holding the
// browser's lock (Web Locks, shared by every tab of the origin) registers;
// the others wait in line and take over by themselves when it closes, or at
// once when the user calls from them (the lock is taken from the holder,
// which then unregisters).

export interface PhoneTab {
  /** Whether this tab holds the phone now. */
  readonly active: boolean;
  /** Take the phone into this tab now (the tab holding it lets go). */
  takeOver(): Promise<void>;
  /** Let go (the page is leaving). */
  release(): void;
}

export interface TabEvents {
  /** This tab holds the phone: register. */
  gained(): void;
  /** Another tab took it: unregister. */
  lost(): void;
}

export function claimPhoneTab(name: string, events: TabEvents, locks: LockManager | undefined = globalThis.navigator?.locks): PhoneTab {
  let active = false;
  let letGo: (() => void) | null = null;
  let waiting: AbortController | null = null;
  /** Who waits for this tab to hold the phone (a take-over under way). */
  const whenGained: (() => void)[] = [];

  // No Web Locks (an old browser): every tab is its own phone, as before.
  if (!locks) {
    queueMicrotask(() => {
      active = true;
      events.gained();
    });
    return { get active() { return active; }, takeOver: async () => undefined, release: () => undefined };
  }

  /** The request holding the lock now: a take-over's steal and the request it took from are told apart by it. */
  let holder: object | null = null;

  const hold = (options: LockOptions): Promise<void> => {
    const request = {};
    return locks
      .request(name, options, () => {
        holder = request;
        active = true;
        waiting = null;
        events.gained();
        for (const resolve of whenGained.splice(0)) resolve();
        return new Promise<void>((resolve) => (letGo = resolve));
      })
      .then(
        () => undefined,
        (error: unknown) => {
          // Taken by another tab (steal), or our own wait given up: not an error.
          if (holder === request) {
            holder = null;
            active = false;
            letGo = null;
            events.lost();
            // In line again, to take over when that tab closes.
            queue();
          }
          if (!(error instanceof DOMException) || error.name !== 'AbortError') console.warn('sipcall: phone lock', error);
        },
      );
  };

  const queue = () => {
    waiting = new AbortController();
    void hold({ mode: 'exclusive', signal: waiting.signal });
  };
  queue();

  return {
    get active() {
      return active;
    },
    async takeOver() {
      if (active) return;
      waiting?.abort();
      waiting = null;
      const gained = new Promise<void>((resolve) => whenGained.push(resolve));
      void hold({ mode: 'exclusive', steal: true });
      await gained;
    },
    release() {
      waiting?.abort();
      holder = null;
      letGo?.();
      letGo = null;
      active = false;
    },
  };
}
