// Call quality from WebRTC statistics: round-trip time, jitter and packet
// loss of the audio stream, and which of them are bad enough to tell the user.

export interface CallQuality {
  rttMs: number | null;
  jitterMs: number | null;
  /** Share of packets lost, 0..100, over the interval since the previous sample. */
  lossPct: number | null;
  packetsReceived: number;
  warnings: QualityWarning[];
}

export type QualityWarning = 'rtt' | 'jitter' | 'loss';

export const LIMITS = { rttMs: 300, jitterMs: 30, lossPct: 3 } as const;

interface Counters {
  packetsReceived: number;
  packetsLost: number;
}

type StatsLike = Iterable<Record<string, unknown>>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Reads one sample; `previous` (the counters of the last sample) turns cumulative loss into loss over the interval. */
export function readQuality(report: StatsLike, previous: Counters | null): { quality: CallQuality; counters: Counters } {
  let rtt: number | null = null;
  let jitter: number | null = null;
  let received = 0;
  let lost = 0;
  for (const s of report) {
    if (s['kind'] !== 'audio' && s['mediaType'] !== 'audio' && s['type'] !== 'candidate-pair') continue;
    if (s['type'] === 'inbound-rtp') {
      received += num(s['packetsReceived']) ?? 0;
      lost += Math.max(0, num(s['packetsLost']) ?? 0);
      const j = num(s['jitter']);
      if (j !== null) jitter = Math.max(jitter ?? 0, j * 1000);
    } else if (s['type'] === 'remote-inbound-rtp') {
      const r = num(s['roundTripTime']);
      if (r !== null) rtt = r * 1000;
    } else if (s['type'] === 'candidate-pair' && s['nominated'] === true && rtt === null) {
      const r = num(s['currentRoundTripTime']);
      if (r !== null) rtt = r * 1000;
    }
  }
  const dReceived = received - (previous?.packetsReceived ?? 0);
  const dLost = lost - (previous?.packetsLost ?? 0);
  const lossPct = dReceived + dLost > 0 ? (100 * Math.max(0, dLost)) / (dReceived + Math.max(0, dLost)) : null;
  const warnings: QualityWarning[] = [];
  if (rtt !== null && rtt > LIMITS.rttMs) warnings.push('rtt');
  if (jitter !== null && jitter > LIMITS.jitterMs) warnings.push('jitter');
  if (lossPct !== null && lossPct > LIMITS.lossPct) warnings.push('loss');
  return {
    quality: { rttMs: rtt === null ? null : Math.round(rtt), jitterMs: jitter === null ? null : Math.round(jitter), lossPct: lossPct === null ? null : Math.round(lossPct * 10) / 10, packetsReceived: received, warnings },
    counters: { packetsReceived: received, packetsLost: lost },
  };
}
