import { vi } from 'vitest';

// What jsdom lacks that the web app's libraries use, given as browsers give it.
// Nextcloud's toasts read innerText, which jsdom does not lay out; text content is what it reads.
if (typeof HTMLElement !== 'undefined' && !('innerText' in HTMLElement.prototype)) {
  Object.defineProperty(HTMLElement.prototype, 'innerText', {
    get(this: HTMLElement) {
      return this.textContent ?? '';
    },
    set(this: HTMLElement, value: string) {
      this.textContent = value;
    },
  });
}

// Toasts load Nextcloud's dialogs on their first use, which would land after a test has ended;
// in the unit tests a toast is a call to look at (each spec that cares asserts on it).
vi.mock('../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));
