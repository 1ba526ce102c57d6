// The ring of an incoming call, synthesised (no audio file to load): the
// North American 440 + 480 Hz pair, two seconds on, four off.

export interface Ringtone {
  stop(): void;
}

export function startRingtone(): Ringtone {
  const Context = typeof window !== 'undefined' ? window.AudioContext : undefined;
  if (!Context) return { stop() {} };
  const ctx = new Context();
  const gain = ctx.createGain();
  gain.gain.value = 0;
  gain.connect(ctx.destination);
  const oscillators = [440, 480].map((frequency) => {
    const o = ctx.createOscillator();
    o.frequency.value = frequency;
    o.connect(gain);
    o.start();
    return o;
  });
  const ring = () => {
    const t = ctx.currentTime;
    gain.gain.setValueAtTime(0.12, t);
    gain.gain.setValueAtTime(0, t + 2);
  };
  ring();
  const timer = setInterval(ring, 6000);
  return {
    stop() {
      clearInterval(timer);
      for (const o of oscillators) o.stop();
      void ctx.close();
    },
  };
}
