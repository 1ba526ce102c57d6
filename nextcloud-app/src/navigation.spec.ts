import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepCallAcrossNavigation } from './navigation';

describe('keepCallAcrossNavigation', () => {
  let inCall = true;
  let stop: () => void;
  const open = vi.fn();

  beforeEach(() => {
    inCall = true;
    open.mockReset();
    vi.spyOn(window, 'open').mockImplementation(open);
    document.body.innerHTML = `
      <a id="talk" href="/index.php/apps/spreed/">Talk</a>
      <a id="here" href="#section">Section</a>
      <a id="routed" href="/index.php/apps/files/?dir=/Photos">Photos</a>
      <a id="blank" href="/index.php/apps/mail/" target="_blank">Mail</a>`;
    // An app's router handles its own links.
    document.getElementById('routed')!.addEventListener('click', (e) => e.preventDefault());
    stop = keepCallAcrossNavigation({ active: () => inCall });
  });
  afterEach(() => stop());

  const click = (id: string, init: MouseEventInit = {}) => {
    const event = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ...init });
    document.getElementById(id)!.dispatchEvent(event);
    return event;
  };

  it('opens a link that would leave the page in a new tab while a call is up', () => {
    const event = click('talk');
    expect(event.defaultPrevented).toBe(true);
    expect(open).toHaveBeenCalledWith(`${location.origin}/index.php/apps/spreed/`, '_blank', 'noopener');
  });

  it('leaves alone links within the page, those an app routes itself, new-tab links, modified clicks, and every link without a call', () => {
    expect(click('here').defaultPrevented).toBe(false);
    click('routed');
    click('blank');
    click('talk', { ctrlKey: true });
    inCall = false;
    expect(click('talk').defaultPrevented).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });

  it('asks before the page is left another way while a call is up', () => {
    const leaving = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(leaving);
    expect(leaving.defaultPrevented).toBe(true);
    inCall = false;
    const later = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(later);
    expect(later.defaultPrevented).toBe(false);
  });
});
