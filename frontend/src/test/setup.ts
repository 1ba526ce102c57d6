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
