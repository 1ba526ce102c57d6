/** A STUN or TURN server, as WebRTC's RTCIceServer takes it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** POST /api/sip/credentials: this session's SIP account; every request rotates the password. */
export interface SipCredentials {
  username: string;
  password: string;
  domain: string;
  wssUrl: string;
  iceServers: IceServer[];
  expiresAt: string;
}

/** Whether the browser phone has a switch to talk to: none configured, one reachable, or all of them down. */
export type PhoneSystemStatus = 'ready' | 'down' | 'not_configured';

/** The life of SIPCall's link to one switch (its Event Socket). */
export type SwitchLinkState = 'connecting' | 'ready' | 'lost' | 'reconnecting' | 'stopped';

/** One switch as an admin sees it in GET /api/phone-system. */
export interface SwitchLink {
  /** The node's name: `host:port` of its Event Socket. */
  name: string;
  state: SwitchLinkState;
  /** When it entered that state. */
  since: string;
  /** Why the last attempt failed or the link dropped; null while it is ready. */
  lastError: string | null;
  /** When SIPCall tries this switch again, while it waits to. */
  nextRetryAt: string | null;
}

/**
 * GET /api/phone-system: what the browser phone can count on, read from the
 * backend's live links to its switches. `switches` is for admins only (it
 * names addresses and errors).
 */
export interface PhoneSystem {
  /** False when FREESWITCH_NODES names no switch: there is nothing to register with. */
  configured: boolean;
  status: PhoneSystemStatus;
  /** While down: the soonest a switch is tried again. */
  nextRetryAt: string | null;
  /** Where browsers register (SIP_WSS_URL); null when no switch is configured. */
  wssUrl: string | null;
  switches?: SwitchLink[];
}

/** GET /api/registrations (admin): who has a phone registered right now, and on how many devices. */
export interface RegisteredDevices {
  /** Devices per user id, for the users with at least one. */
  devices: Record<string, number>;
  /** Each switch's state; a switch that is not ready was not asked, so the counts may be short. */
  switches: Record<string, SwitchLinkState | 'unreadable'>;
}
