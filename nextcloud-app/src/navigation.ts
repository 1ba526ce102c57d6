// A call lives in its page: moving to Files, Talk or Mail in the same tab
// would end it (each is a page of its own). While a call is up, a link that
// would leave the page opens in a new tab instead — the call stays on top in
// this one — and leaving the page another way (the address bar, Back) asks
// first. Links an app handles itself (its router prevents the default) are
// left to it.

export interface CallInProgress {
  /** Whether a call is up now. */
  active(): boolean;
}

export function keepCallAcrossNavigation(call: CallInProgress, win: Window = window): () => void {
  const onClick = (event: MouseEvent) => {
    if (!call.active() || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!link || link.hasAttribute('download') || (link.target && link.target !== '_self')) return;
    const to = new URL(link.href, win.location.href);
    // Within this page (#…): nothing leaves it.
    if (to.origin === win.location.origin && to.pathname === win.location.pathname && to.search === win.location.search) return;
    event.preventDefault();
    win.open(to.href, '_blank', 'noopener');
  };
  const onLeave = (event: BeforeUnloadEvent) => {
    if (!call.active()) return;
    // Browsers show their own question; the page cannot word it.
    event.preventDefault();
    event.returnValue = '';
  };
  // Bubbling, after the page's own handlers: an app's router has had its say.
  win.document.addEventListener('click', onClick);
  win.addEventListener('beforeunload', onLeave);
  return () => {
    win.document.removeEventListener('click', onClick);
    win.removeEventListener('beforeunload', onLeave);
  };
}
