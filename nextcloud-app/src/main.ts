// SIPCall's phone on every Nextcloud page of someone allowed to phone (the
// app's PHP adds this script and its configuration only for them): the
// mini-phone in the header, and Talk's phone actions where Talk is loaded.
import { createApp } from 'vue';
import MiniPhone from './components/MiniPhone.vue';
import { readConfig } from './config';
import { createMiniPhone } from './mini-phone';
import { SipcallSession } from './session';
import { setInCall, setPresence } from './status';
import { keepCallAcrossNavigation } from './navigation';
import { claimPhoneTab } from './tab';
import { talkApi } from './talk';
import './talk-icon.css';

/** Where the header's own icons end (Nextcloud 28 and later: .header-end; before: .header-right). */
const HEADER_END = '#header .header-end, #header .header-right';

function mountPoint(): HTMLElement {
  const holder = document.createElement('div');
  holder.id = 'sipcall-mini-phone';
  const header = document.querySelector(HEADER_END);
  if (header) header.prepend(holder);
  else {
    holder.classList.add('sipcall-mini-phone--floating');
    document.body.append(holder);
  }
  return holder;
}

function start(): void {
  const config = readConfig();
  if (!config || document.getElementById('sipcall-mini-phone')) return;
  const session = new SipcallSession(config);
  const phone = createMiniPhone({
    session,
    loadPhone: async () => (await import('@sipcall/phone/jssip')).createJsSipPhone,
    claimTab: (events) => claimPhoneTab(`sipcall-phone:${config.sipcallUrl}`, events),
    setInCall,
    setPresence,
  });
  const show = (where: Element, embedded: boolean) => createApp(MiniPhone, { phone, embedded }).mount(where);
  show(mountPoint(), false);
  // The app's own Phone page (templates/main.php) holds the phone in the page as well.
  const page = document.querySelector<HTMLElement>('#sipcall[data-access="allowed"]');
  if (page) {
    phone.state.inPage = true;
    show(page, true);
  }
  window.addEventListener('pagehide', () => phone.stop());
  keepCallAcrossNavigation({ active: () => phone.state.call !== null && phone.state.call.state !== 'ended' });

  // Talk sets its API up when its own script runs, which may come before or after this one.
  let talkDone = false;
  const withTalk = () => {
    const talk = talkApi();
    if (!talk || talkDone) return;
    talkDone = true;
    // The number rules carry libphonenumber's full metadata: loaded only where Talk is.
    void import('./talk-actions').then(({ registerTalkActions }) => registerTalkActions(talk, { call: phone.call, offer: phone.offer, defaultCountry: () => phone.state.defaultCountry }));
  };
  withTalk();
  if (!talkDone) {
    document.addEventListener('DOMContentLoaded', withTalk, { once: true });
    window.addEventListener('load', withTalk, { once: true });
  }

  // ?dial=<number> (the contacts menu's "Call with SIPCall") calls once the phone is ready.
  const dial = new URLSearchParams(location.search).get('dial');
  void phone.start().then(() => {
    if (dial) phone.call(dial);
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
