// This browser's audio choices: microphone, speaker and how DTMF is sent.
// Kept in localStorage (they describe this machine, not the account).
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { DtmfMethod } from '@sipcall/phone';

const KEY = 'sipcall.devices';

interface Stored {
  microphoneId: string;
  speakerId: string;
  dtmfMethod: DtmfMethod;
}

export const useDevicesStore = defineStore('devices', () => {
  const stored = read();
  const microphoneId = ref(stored.microphoneId);
  const speakerId = ref(stored.speakerId);
  const dtmfMethod = ref<DtmfMethod>(stored.dtmfMethod);
  const microphones = ref<MediaDeviceInfo[]>([]);
  const speakers = ref<MediaDeviceInfo[]>([]);
  /** Whether this browser can route audio to a chosen speaker (HTMLMediaElement.setSinkId). */
  const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

  watch([microphoneId, speakerId, dtmfMethod], () => {
    try {
      localStorage.setItem(KEY, JSON.stringify({ microphoneId: microphoneId.value, speakerId: speakerId.value, dtmfMethod: dtmfMethod.value }));
    } catch {
      // Storage refused: the choice lasts for this page only.
    }
  });

  /** Lists the devices; labels appear once the page has had microphone access. */
  async function refresh() {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const all = await navigator.mediaDevices.enumerateDevices();
    microphones.value = all.filter((d) => d.kind === 'audioinput');
    speakers.value = all.filter((d) => d.kind === 'audiooutput');
  }

  /** Constraints for getUserMedia: the chosen microphone, with the usual voice processing. */
  function audioConstraints(): MediaTrackConstraints {
    const c: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    if (microphoneId.value) c.deviceId = { exact: microphoneId.value };
    return c;
  }

  return { microphoneId, speakerId, dtmfMethod, microphones, speakers, canChooseSpeaker, refresh, audioConstraints };
});

function read(): Stored {
  const fallback: Stored = { microphoneId: '', speakerId: '', dtmfMethod: 'rfc2833' };
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Record<keyof Stored, unknown>>;
    return {
      microphoneId: typeof v.microphoneId === 'string' ? v.microphoneId : '',
      speakerId: typeof v.speakerId === 'string' ? v.speakerId : '',
      dtmfMethod: v.dtmfMethod === 'info' ? 'info' : 'rfc2833',
    };
  } catch {
    return fallback;
  }
}
