// What a channel's raw fields mean, wherever the switch reports them (events,
// `show channels`): its call state, the profile that marks a trunk call, and
// times. The event decoder and the commands read them through here.

/** A channel's call state in SIPCall's words; FreeSWITCH's others (DIALING, HANGUP, …) are not told apart. */
export type ChannelCallState = 'ringing' | 'early' | 'answered' | 'held';

/** From FreeSWITCH's callstate names (switch_channel.c's CALLSTATE_CHART). */
export function callStateOf(callstate: string | undefined): ChannelCallState | null {
  switch (callstate) {
    case 'RINGING':
    case 'DOWN':
      return 'ringing';
    case 'EARLY':
      return 'early';
    case 'ACTIVE':
      return 'answered';
    case 'HELD':
      return 'held';
    default:
      return null;
  }
}

export type ChannelDirection = 'inbound' | 'outbound';

export function directionOf(text: string | undefined): ChannelDirection | null {
  return text === 'inbound' || text === 'outbound' ? text : null;
}

/** A call the trunk brought in arrives on the external profile (freeswitch/sip_profiles). */
export function isFromTrunk(direction: string | undefined, channelName: string | undefined): boolean {
  return direction === 'inbound' && (channelName ?? '').startsWith('sofia/external/');
}

/** A time the switch gives in some unit since the epoch, as a number in that unit; null when absent, zero or not a number. */
export function timeOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : null;
}
