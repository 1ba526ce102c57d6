// The background refresh: every CARDDAV_SYNC_SECONDS, each connected user's
// address books, a few users at a time. A round still under way when the
// next is due is not doubled: that tick is skipped.
import type { Logger } from '../logger.js';
import type { NextcloudContactService } from './nextcloud-contacts.service.js';

export class AddressBookRefresher {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      contacts: Pick<NextcloudContactService, 'syncAll'>;
      everySeconds: number;
      concurrency?: number;
      log: Pick<Logger, 'warn'>;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.deps.everySeconds * 1000);
    this.timer.unref();
    void this.tick();
  }

  /** One round (or the one under way): resolves when it ends; failures are per user, on their connection. */
  tick(): Promise<void> {
    if (this.round) return this.round;
    this.round = this.deps.contacts
      .syncAll(this.deps.concurrency ?? 4)
      .catch((err: unknown) => this.deps.log.warn({ err }, 'the address-book refresh round failed'))
      .finally(() => {
        this.round = null;
      });
    return this.round;
  }

  /** Stops the timer and waits for a round under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
  }
}
