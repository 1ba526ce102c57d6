// The browser phone as components see it: its registration, the call in
// progress and what can be done with it now. Components come here rather than
// to the phone store or @sipcall/phone; the SIP library stays behind its SipPhone.
import { storeToRefs } from 'pinia';
import { computed, reactive } from 'vue';
import { usePhoneStore } from '../stores/phone';
import { usePhoneSystemStore } from '../stores/phoneSystem';

export function useSipPhone() {
  const phone = usePhoneStore();
  const { registration, registrationDetail, connectionLoss, wssUrl, startError, call, consultCall, consultation, busy, elapsedS, consultElapsedS, remoteStream, quality } = storeToRefs(phone);
  /** Whether there is a phone system at all, and whether SIPCall reaches it (GET /api/phone-system). */
  const { system } = storeToRefs(usePhoneSystemStore());
  /** Connected or on hold: the other party is there to hold, mute, transfer or measure. */
  const live = computed(() => call.value?.state === 'connected' || call.value?.state === 'held');

  return reactive({
    registration,
    registrationDetail,
    connectionLoss,
    wssUrl,
    system,
    startError,
    call,
    /** During an attended transfer: the call to the target, and where the transfer stands. */
    consultCall,
    consultation,
    busy,
    live,
    elapsedS,
    consultElapsedS,
    remoteStream,
    quality,
    connect: phone.connect,
    disconnect: phone.disconnect,
    reconnect: phone.reconnect,
    place: phone.place,
    answer: phone.answer,
    reject: phone.reject,
    hangup: phone.hangup,
    toggleMute: phone.toggleMute,
    toggleHold: phone.toggleHold,
    dtmf: phone.dtmf,
    transfer: phone.transfer,
    consult: phone.consult,
    completeTransfer: phone.completeTransfer,
    returnToCaller: phone.returnToCaller,
    dismiss: phone.dismiss,
    useMicrophone: phone.useMicrophone,
  });
}
