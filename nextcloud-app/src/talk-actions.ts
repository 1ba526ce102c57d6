// The phone in Talk, through the two actions Talk lets other apps add
// (talk.ts):
// - what is typed into the participant search, when it is a phone number by
//   the rules SIPCall dials with, offers a call by phone;
// - every message offers "Call this number", which calls the number the
//   message holds (or lets the user pick one of several).
import { phoneNumberIn, phoneNumbersInText } from '@sipcall/phone/numbers';
import type { TalkPublicApi } from './talk';
import { t } from './words';

/** The icon class the app's stylesheet draws (a phone handset in the text's color). */
export const TALK_ICON = 'icon-sipcall-phone';

export interface TalkPhone {
  call(number: string): void;
  offer(numbers: readonly string[]): void;
  defaultCountry(): string | null;
}

export function registerTalkActions(talk: TalkPublicApi, phone: TalkPhone): void {
  // One action whose label follows the text is not possible (Talk reads label once); the label says what it does.
  talk.registerParticipantSearchAction({
    label: t('Call this number by phone'),
    icon: TALK_ICON,
    show: (searchText) => typeof searchText === 'string' && phoneNumberIn(searchText, phone.defaultCountry()) !== null,
    callback: (searchText) => {
      const found = phoneNumberIn(searchText, phone.defaultCountry());
      if (found) phone.call(found.e164);
      // A phone call adds nobody to the conversation: the promise Talk waits on for a participant never settles.
      return new Promise<never>(() => undefined);
    },
  });
  talk.registerMessageAction({
    label: t('Call this number'),
    icon: TALK_ICON,
    callback: ({ message }) => {
      const text = typeof message?.message === 'string' ? message.message : '';
      phone.offer(phoneNumbersInText(text, phone.defaultCountry()).map((n) => n.e164));
    },
  });
}

