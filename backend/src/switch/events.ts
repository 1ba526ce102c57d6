// Channel events as the rest of SIPCall sees them: typed fields (times as
// numbers, the direction, the legs' UUIDs, the numbers, the hangup cause,
// SIPCall's own channel variables), read from the event's headers here and
// nowhere else. A field is read when first asked for, so an event nobody
// looks at closely stays cheap: the channel variables, the bulk of an event,
// are parsed only once one of them is read.
import { directionOf, isFromTrunk, timeOf, type ChannelDirection } from './channel.js';
import { decodeEvent, type EslBridgeEvent, type EslChannelEvent, type EslEvent, type EslHangupEvent, type EventFormat, type EventHeaders } from './esl/events.js';
import type { ChannelEventName } from './event-names.js';

/** The variables SIPCall sets on a channel (the directory, the dialplan answer, click-to-call); each as set, or null. */
export interface SipcallVariables {
  /** The SIPCall user the call belongs to. */
  readonly userId: string | null;
  /** Set where the switch alone cannot tell (a DID call routed to a user is inbound). */
  readonly direction: ChannelDirection | null;
  /** The number the routing decision normalised; set once the dialplan has answered. */
  readonly destination: string | null;
  /** What the routing decision was, and why. */
  readonly decision: 'allow' | 'refuse' | null;
  readonly reason: string | null;
  /** The first leg's UUID, exported to the far legs so their records name the call. */
  readonly callId: string | null;
}

interface ChannelFields {
  /** This leg (Unique-ID). */
  readonly uuid: string;
  /** Event-Sequence: per switch, but not monotonic on the wire. */
  readonly sequence: number;
  /** When the switch fired the event, µs since the epoch. */
  readonly timestampUs: number | null;
  /** The leg's direction as the switch sees it: inbound legs called in, outbound legs the switch dialled. */
  readonly direction: ChannelDirection | null;
  /** A call the trunk brought in, rather than one a user started. */
  readonly fromTrunk: boolean;
  /** The leg this one was dialled from: the call it joins. Null for a first leg. */
  readonly originatorUuid: string | null;
  readonly callerNumber: string | null;
  /** What this leg dialled, as it dialled it. */
  readonly destinationNumber: string | null;
  /** When the channel was created, µs since the epoch. */
  readonly createdUs: number | null;
  /** The account the switch bills the leg to: the directory sets it (a SIPCall user's id, or the SIP user's). */
  readonly accountcode: string | null;
  readonly sipcall: SipcallVariables;
}

type HangupName = EslHangupEvent['name'];
type BridgeName = EslBridgeEvent['name'];

export interface LegEvent extends ChannelFields {
  readonly name: Exclude<ChannelEventName, HangupName | BridgeName>;
}
export interface HangupEvent extends ChannelFields {
  readonly name: HangupName;
  /** The switch's hangup cause (see hangup-causes.ts); NONE when it gave none. */
  readonly cause: string;
  /** Whole seconds answered, as the call's record will say (CHANNEL_HANGUP_COMPLETE carries it); null when absent. */
  readonly billsec: number | null;
}
export interface BridgeEvent extends ChannelFields {
  readonly name: BridgeName;
  /** The leg bridged to (or from) this one. */
  readonly otherUuid: string | null;
}
export type ChannelEvent = LegEvent | HangupEvent | BridgeEvent;

/** The typed channel event of a decoded ESL event; null for an event that carries no channel. */
export function channelEventOf(event: EslEvent): ChannelEvent | null {
  switch (event.name) {
    case 'CHANNEL_HANGUP':
    case 'CHANNEL_HANGUP_COMPLETE':
      return new Hangup(event);
    case 'CHANNEL_BRIDGE':
    case 'CHANNEL_UNBRIDGE':
      return new Bridge(event);
    case 'DTMF':
    case 'BACKGROUND_JOB':
    case 'HEARTBEAT':
    case 'sofia::register':
    case 'sofia::unregister':
    case 'sofia::gateway_state':
    case 'OTHER':
      return null;
    default:
      return new Leg(event);
  }
}

/** Decodes one event body as the switch sent it straight into a channel event (benchmarks and tests feed captures this way). */
export function decodeChannelEvent(format: EventFormat, body: Buffer): ChannelEvent | null {
  return channelEventOf(decodeEvent(format, body));
}

// Classes, not object literals: this runs for every event on the socket, and
// the getters live once on the prototype rather than once per event.

abstract class Channel implements ChannelFields {
  readonly uuid: string;
  readonly sequence: number;
  readonly #headers: EventHeaders;
  #sipcall: Sipcall | null = null;

  constructor(event: EslChannelEvent | EslHangupEvent | EslBridgeEvent) {
    this.uuid = event.uuid;
    this.sequence = event.sequence;
    this.#headers = event.headers;
  }

  /** A header as the switch sent it, for the subclasses' own fields. */
  protected header(name: string): string | undefined {
    return this.#headers.get(name);
  }

  get timestampUs(): number | null {
    return timeOf(this.#headers.get('Event-Date-Timestamp'));
  }

  get direction(): ChannelDirection | null {
    return directionOf(this.#headers.get('Call-Direction'));
  }

  get fromTrunk(): boolean {
    return isFromTrunk(this.#headers.get('Call-Direction'), this.#headers.get('Channel-Name'));
  }

  get originatorUuid(): string | null {
    const h = this.#headers;
    // A leg dialled from another names it; failing that, an outbound leg's other leg is the one that dialled it.
    return (h.get('variable_originating_leg_uuid') ?? (h.get('Call-Direction') === 'outbound' ? h.get('Other-Leg-Unique-ID') : undefined)) || null;
  }

  get callerNumber(): string | null {
    return this.#headers.get('Caller-Caller-ID-Number') ?? null;
  }

  get destinationNumber(): string | null {
    return this.#headers.get('Caller-Destination-Number') ?? null;
  }

  get createdUs(): number | null {
    return timeOf(this.#headers.get('Caller-Channel-Created-Time'));
  }

  get accountcode(): string | null {
    return this.#headers.get('variable_accountcode') ?? null;
  }

  get sipcall(): SipcallVariables {
    return (this.#sipcall ??= new Sipcall(this.#headers));
  }

  /** The fields, for logs and test failures (getters do not show on their own). */
  toJSON(): object {
    const { uuid, sequence, timestampUs, direction, fromTrunk, originatorUuid, callerNumber, destinationNumber, createdUs, accountcode } = this;
    return { ...this, uuid, sequence, timestampUs, direction, fromTrunk, originatorUuid, callerNumber, destinationNumber, createdUs, accountcode, sipcall: this.sipcall };
  }
}

class Leg extends Channel implements LegEvent {
  readonly name: LegEvent['name'];

  constructor(event: EslChannelEvent) {
    super(event);
    this.name = event.name;
  }
}

class Hangup extends Channel implements HangupEvent {
  readonly name: HangupName;
  readonly cause: string;

  constructor(event: EslHangupEvent) {
    super(event);
    this.name = event.name;
    this.cause = event.cause;
  }

  get billsec(): number | null {
    const text = this.header('variable_billsec');
    return text !== undefined && /^[0-9]{1,9}$/.test(text) ? Number(text) : null;
  }
}

class Bridge extends Channel implements BridgeEvent {
  readonly name: BridgeName;
  readonly otherUuid: string | null;

  constructor(event: EslBridgeEvent) {
    super(event);
    this.name = event.name;
    this.otherUuid = event.otherUuid;
  }
}

class Sipcall implements SipcallVariables {
  readonly #headers: EventHeaders;

  constructor(headers: EventHeaders) {
    this.#headers = headers;
  }

  get userId(): string | null {
    return this.#headers.get('variable_sipcall_user_id') ?? null;
  }

  get direction(): ChannelDirection | null {
    return directionOf(this.#headers.get('variable_sipcall_direction'));
  }

  get destination(): string | null {
    return this.#headers.get('variable_sipcall_destination') ?? null;
  }

  get decision(): 'allow' | 'refuse' | null {
    const d = this.#headers.get('variable_sipcall_decision');
    return d === 'allow' || d === 'refuse' ? d : null;
  }

  get reason(): string | null {
    return this.#headers.get('variable_sipcall_reason') ?? null;
  }

  get callId(): string | null {
    return this.#headers.get('variable_sipcall_call_id') ?? null;
  }

  toJSON(): SipcallVariables {
    const { userId, direction, destination, decision, reason, callId } = this;
    return { userId, direction, destination, decision, reason, callId };
  }
}
