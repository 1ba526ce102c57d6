// Inside a host page: dial what the host asks for once the phone is
// registered (Talk's conversation number, or a `sipcall.dial` message), and
// tell Talk when the call is joined and when it is left.
import { watch } from 'vue';
import { apiRequest } from '../services/http';
import { useSipPhone } from '../composables/useSipPhone';
import { embedding, type Embedding } from './embedding';
import { hostLink, type HostLink } from './host';

export function useHostedCall(options: { embedding?: Embedding; link?: HostLink } = {}) {
  const { talk, dial } = options.embedding ?? embedding;
  const phone = useSipPhone();
  let link: HostLink | null = options.link ?? null;
  const pending: string[] = dial === null ? [] : [dial];
  let joined = false;

  const dialPending = () => {
    if (phone.registration !== 'registered' || phone.busy) return;
    const number = pending.shift();
    if (number !== undefined) phone.place(number);
  };

  const ready = link
    ? Promise.resolve()
    : apiRequest<{ parentOrigins: string[] }>('/api/embed', { anonymous: true })
        .then(({ parentOrigins }) => {
          link = hostLink(window, parentOrigins);
        })
        .catch(() => {
          // No origins known: nothing is told, nothing is taken; the phone still works.
        });
  void ready.then(() =>
    link?.onDial((number) => {
      pending.push(number);
      dialPending();
    }),
  );

  watch(() => phone.registration, dialPending, { immediate: true });
  watch(
    () => phone.call?.state,
    (state) => {
      if (!talk) return;
      if ((state === 'connected' || state === 'held') && !joined) {
        joined = true;
        link?.tell('externalCallJoined');
      } else if (state === 'ended' && joined) {
        joined = false;
        link?.tell('externalCallLeft');
      }
    },
  );

  /** Back to Talk's conversation without a call (or after one): Talk closes the frame. */
  const leave = () => link?.tell('externalCallLeft');
  return { ready, leave };
}
