// SIPCall inside another page: a Nextcloud page that frames it, or Talk's
// External Call Service frame (spreed docs/external-call-service.md). Read
// once when the app starts, from where it runs and from its address:
// `?embed=1` asks for the embedded layout outside a frame too, `?embed=talk`
// is Talk's frame, `dial` the number Talk's conversation stands for.

export interface Embedding {
  /** Framed, or asked to look as if: the phone, the call and contacts only. */
  readonly embedded: boolean;
  /** Talk's External Call Service frame: it tells Talk when its call is joined and left. */
  readonly talk: boolean;
  /** A number to call as soon as the phone is registered. */
  readonly dial: string | null;
}

const DIALLABLE = /^(\+[1-9][0-9]{5,14}|[0-9]{2,15})$/;

export function readEmbedding(w: Pick<Window, 'location' | 'self' | 'top'>): Embedding {
  const query = new URLSearchParams(w.location.search);
  const embed = query.get('embed');
  const dial = query.get('dial');
  let framed: boolean;
  try {
    framed = w.self !== w.top;
  } catch {
    framed = true;
  }
  return { embedded: framed || embed !== null, talk: embed === 'talk', dial: dial !== null && DIALLABLE.test(dial) ? dial : null };
}

export const embedding: Embedding = readEmbedding(window);
