// The switch's event names SIPCall knows, each written once: which are channel
// events, which every node subscribes to, and which move a live call along.
// The decoder, the ESL client, the node's subscription and the call tracker
// all read their lists from here.

interface EventSpec {
  /**
   * channel: carries a channel (Unique-ID, the caller profile, its variables);
   * own: a type of its own; custom: CUSTOM, whose Event-Subclass says what it
   * is; subclass: one of those subclasses.
   */
  readonly kind: 'channel' | 'own' | 'custom' | 'subclass';
  /** Every node asks for it on connect. */
  readonly subscribed?: true;
  /** It moves a live call along (ringing → early → answered ⇄ held → gone). */
  readonly movesCall?: true;
}

/** In the order of the node's `event` command (the CUSTOM subclasses follow CUSTOM there). */
const EVENTS = {
  CHANNEL_CREATE: { kind: 'channel', subscribed: true, movesCall: true },
  CHANNEL_OUTGOING: { kind: 'channel' },
  CHANNEL_ORIGINATE: { kind: 'channel' },
  CHANNEL_PROGRESS: { kind: 'channel', subscribed: true, movesCall: true },
  CHANNEL_PROGRESS_MEDIA: { kind: 'channel', subscribed: true, movesCall: true },
  CHANNEL_ANSWER: { kind: 'channel', subscribed: true, movesCall: true },
  CHANNEL_BRIDGE: { kind: 'channel', subscribed: true, movesCall: true },
  CHANNEL_UNBRIDGE: { kind: 'channel', subscribed: true },
  CHANNEL_HOLD: { kind: 'channel', subscribed: true, movesCall: true },
  CHANNEL_UNHOLD: { kind: 'channel', subscribed: true, movesCall: true },
  CHANNEL_HANGUP: { kind: 'channel', subscribed: true },
  CHANNEL_HANGUP_COMPLETE: { kind: 'channel', subscribed: true, movesCall: true },
  CHANNEL_DESTROY: { kind: 'channel' },
  CHANNEL_STATE: { kind: 'channel' },
  CHANNEL_CALLSTATE: { kind: 'channel' },
  CHANNEL_EXECUTE: { kind: 'channel' },
  CHANNEL_EXECUTE_COMPLETE: { kind: 'channel' },
  CHANNEL_PARK: { kind: 'channel' },
  CHANNEL_UNPARK: { kind: 'channel' },
  CALL_UPDATE: { kind: 'channel' },
  CODEC: { kind: 'channel' },
  DTMF: { kind: 'own', subscribed: true },
  BACKGROUND_JOB: { kind: 'own', subscribed: true },
  HEARTBEAT: { kind: 'own', subscribed: true },
  CUSTOM: { kind: 'custom', subscribed: true },
  'sofia::register': { kind: 'subclass', subscribed: true },
  'sofia::unregister': { kind: 'subclass', subscribed: true },
  'sofia::gateway_state': { kind: 'subclass', subscribed: true },
} as const satisfies Record<string, EventSpec>;

type Events = typeof EVENTS;
type Named<P> = { [N in keyof Events]: Events[N] extends P ? N : never }[keyof Events];

export type KnownEventName = keyof Events;
export type ChannelEventName = Named<{ kind: 'channel' }>;
export type SubscribedEventName = Named<{ subscribed: true }>;
export type CallEventName = Named<{ movesCall: true }>;

const NAMES = Object.keys(EVENTS) as KnownEventName[];
const where = <N extends KnownEventName>(test: (spec: EventSpec) => boolean) => Object.freeze(NAMES.filter((n) => test(EVENTS[n]))) as readonly N[];

/** The events that carry a channel: decoded with its UUID. */
export const CHANNEL_EVENT_NAMES = where<ChannelEventName>((e) => e.kind === 'channel');
/** The events whose name alone says their type (a CUSTOM one needs its subclass read). */
export const TYPED_EVENT_NAMES = where<Named<{ kind: 'channel' | 'own' }>>((e) => e.kind === 'channel' || e.kind === 'own');
/** The events the backend needs; everything else stays on the switch. */
export const SUBSCRIBED_EVENTS = where<SubscribedEventName>((e) => e.subscribed === true);
/** The channel events that move a live call along; the call tracker applies these and no others. */
export const CALL_EVENT_NAMES = where<CallEventName>((e) => e.movesCall === true);
