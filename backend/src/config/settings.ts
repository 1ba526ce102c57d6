// What SIPCall can be told by its environment, as the rest of the code reads
// it: parsed, checked and frozen by loadConfig (load.ts).

import type { Framing } from './framing.js';

export type Environment = 'development' | 'test' | 'production';

export interface SwitchNodeConfig {
  /** Stable name used in logs and metrics: host:port. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly password: string;
}

export interface Config {
  readonly env: Environment;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Express `trust proxy` value: false, a hop count, or a list of addresses/subnets. Never `true`. */
    readonly trustProxy: false | number | readonly string[];
    readonly corsOrigins: readonly string[];
    readonly bodyLimitBytes: number;
    /** Directory of the built web app, served on the same port when present. */
    readonly staticDir: string | null;
    /** After SIGTERM: how long /readyz says "draining" and new calls are refused before the listener closes. */
    readonly drainSeconds: number;
    /** Who may frame the web app, and the session cookie's SameSite that follows. */
    readonly framing: Framing;
  };
  readonly database:
    | { readonly kind: 'postgres'; readonly url: string }
    | { readonly kind: 'embedded'; readonly dataDir: string };
  readonly redis: { readonly url: string } | null;
  /** A separate database for data keys, kept out of the main database's backups (erasure then holds against old backups too). */
  readonly keyStoreUrl: string | null;
  readonly auth: {
    readonly jwtSecret: string;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    readonly loginRateLimit: { readonly max: number; readonly windowSeconds: number };
    /** Failed sign-ins to one account, whatever the addresses (same window as loginRateLimit). */
    readonly accountLoginRateLimit: { readonly max: number; readonly windowSeconds: number };
    readonly refreshRateLimit: { readonly max: number; readonly windowSeconds: number };
    /** Who may sign in with a password (PASSWORD_LOGIN): everyone, admins only, or nobody. */
    readonly passwordLogin: 'all' | 'admins' | 'off';
    /** Reset links asked for (and failed resets) per client address, and links asked for one email. */
    readonly passwordResetRateLimit: {
      readonly perAddress: { readonly max: number; readonly windowSeconds: number };
      readonly perEmail: { readonly max: number; readonly windowSeconds: number };
    };
  };
  readonly encryption: {
    /** 32-byte master key; wraps the per-owner data keys that seal personal fields. */
    readonly masterKey: Buffer;
    /** Earlier master keys, still able to unwrap until `sipcall keys rotate` re-wrapped everything. */
    readonly retiredKeys: readonly Buffer[];
    /** 32-byte key of the blind index (search by number); separate from the master key. */
    readonly blindIndexKey: Buffer;
  };
  readonly switch: {
    readonly nodes: readonly SwitchNodeConfig[];
    /** Password of the SIP trunk account the switch's gateway uses, when the backend renders it. */
    readonly trunkPassword: string | null;
    /** Dialplan context that routes what users dial (click-to-call and transfers go through it). */
    readonly context: string;
  };
  /** How the switches reach us over HTTP (mod_xml_curl, mod_json_cdr): basic auth and the addresses allowed. */
  readonly switchHttp: {
    readonly username: string;
    readonly password: string;
    readonly allowedIps: readonly string[];
  };
  readonly routing: {
    /** The SIP domain (and digest realm) users register to. */
    readonly sipDomain: string;
    /** What browsers connect to for SIP over WebSocket. */
    readonly wssUrl: string;
    readonly defaultCountry: string;
    /** Where calls may go: ISO countries and/or +prefixes. Everything else is refused. */
    readonly allowedCountries: readonly string[];
    readonly allowedPrefixes: readonly string[];
    /** +prefixes refused whatever else allows them (added to the built-in fraud list). */
    readonly blockedPrefixes: readonly string[];
    readonly emergencyNumbers: readonly string[];
    readonly emergencyPolicy: 'allow' | 'refuse';
    readonly maxCallSeconds: number;
    readonly userMaxConcurrent: number;
    readonly globalMaxConcurrent: number;
    readonly userCallsPerSecond: number;
    readonly globalCallsPerSecond: number;
    /** The sofia gateway (trunk) outbound calls are bridged to. */
    readonly gateway: string;
    /**
     * What the trunk leg is offered, in order, whatever the browser negotiated
     * (the switch transcodes). Most carriers take G.711 only.
     */
    readonly trunkCodecs: readonly string[];
    readonly stunUrls: readonly string[];
    readonly turn: { readonly secret: string; readonly urls: readonly string[]; readonly ttlSeconds: number } | null;
  };
  /** FreeSWITCH's error spool for call records, swept periodically when set (shared volume). */
  /** Who may read /metrics: a bearer token, and/or source addresses (loopback by default). */
  readonly metrics: { readonly token: string | null; readonly allowedIps: readonly string[] };
  readonly cdrSpool: { readonly dir: string; readonly archiveDir: string | null; readonly sweepSeconds: number } | null;
  /** Worker threads that parse and compress incoming call records (0: on the event loop). */
  readonly cdrWorkers: number;
  /** Prices and balances: every rate deck is in this currency (ISO 4217). */
  readonly billing: {
    readonly currency: string;
    /** A prepaid balance that buys fewer minutes than this of the user's most-called destination is low (the app says so); 0: never. */
    readonly lowBalanceMinutes: number;
  };
  /** Outgoing mail (password reset links); null: none is sent, and admins reset passwords. */
  readonly mail: { readonly smtpUrl: string; readonly from: string } | null;
  /**
   * Nextcloud Talk's External Call Service: Talk asks for the frame's address
   * with HTTP Basic auth (this user and shared secret). Null: not offered.
   */
  readonly talk: { readonly authUser: string; readonly sharedSecret: string } | null;
  /** The web app's own address (no trailing slash), for links sent out of band. */
  readonly publicUrl: string | null;
  /** Users' Nextcloud address books over CardDAV: the DAV root and the background sync's period; null: not offered. */
  readonly carddav: { readonly url: string; readonly syncSeconds: number } | null;
  /** Members of this Nextcloud group are admins here (checked at every sign-in with Nextcloud, however it comes); null: roles are SIPCall's own. */
  readonly nextcloudAdminGroup: string | null;
  /**
   * SIPCall's Nextcloud app vouches for its signed-in users with assertions
   * (HS256 with this shared secret; issuer NEXTCLOUD_URL, audience PUBLIC_URL);
   * null: no assertions are taken.
   */
  readonly nextcloudApp: { readonly issuer: string; readonly audience: string; readonly secret: string } | null;
  /** Sign-in with Nextcloud; null: only passwords. */
  readonly nextcloudSignIn: {
    readonly auth: 'oidc' | 'oauth2';
    /** The instance, without a trailing slash (the oidc issuer's discovery lives under it). */
    readonly url: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUri: string;
    /** How often a refresh asks Nextcloud again whether the account still may sign in. */
    readonly recheckSeconds: number;
  } | null;
  readonly bootstrapAdmin: { readonly email: string; readonly password: string; readonly displayName: string } | null;
  readonly logLevel: string;
  readonly dataDir: string;
  /** What configuration produced for the log: generated secrets and other notices. */
  readonly notices: readonly string[];
}
