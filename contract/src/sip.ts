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

/** The state of one switch, as SIPCall sees its link; `unreadable` when it could not list its registrations. */
export type SwitchLinkState = 'connecting' | 'ready' | 'lost' | 'reconnecting' | 'stopped' | 'unreadable';

/** GET /api/registrations (admin): who has a phone registered right now, and on how many devices. */
export interface RegisteredDevices {
  /** Devices per user id, for the users with at least one. */
  devices: Record<string, number>;
  /** Each switch's state; a switch that is not ready was not asked, so the counts may be short. */
  switches: Record<string, SwitchLinkState>;
}
