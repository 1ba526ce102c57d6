import { describe, expect, it } from 'vitest';
import { AddressBookRefresher } from './background-sync.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the address-book refresh', () => {
  it('never runs two rounds at once: a tick during a round joins it', async () => {
    const rounds: Array<ReturnType<typeof deferred>> = [];
    const refresher = new AddressBookRefresher({
      contacts: {
        syncAll: () => {
          rounds.push(deferred());
          return rounds.at(-1)!.promise;
        },
      },
      everySeconds: 3600,
      log: { warn: () => undefined },
    });
    const first = refresher.tick();
    const second = refresher.tick();
    expect(second).toBe(first);
    expect(rounds).toHaveLength(1);
    rounds[0]!.resolve();
    await first;
    void refresher.tick();
    expect(rounds).toHaveLength(2);
    rounds[1]!.resolve();
    await refresher.stop();
  });

  it('keeps going after a round that failed, saying so', async () => {
    const warned: unknown[] = [];
    let calls = 0;
    const refresher = new AddressBookRefresher({
      contacts: { syncAll: () => (calls++ === 0 ? Promise.reject(new Error('database away')) : Promise.resolve()) },
      everySeconds: 3600,
      log: { warn: (o: unknown) => void warned.push(o) },
    });
    await refresher.tick();
    await refresher.tick();
    expect(calls).toBe(2);
    expect(warned).toHaveLength(1);
  });
});
