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
