// Wires the HTTP application from its dependencies. No globals: everything a
// route needs arrives through createApp, so tests build the same app.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { auditApi, auditRouter } from './audit/audit.routes.js';
import type { DataSource } from 'typeorm';
import { AuditService } from './audit/audit.service.js';
import { AccessTokens } from './auth/access-tokens.js';
import { authApi, authRouter, cookieOptions } from './auth/auth.routes.js';
import { AuthService } from './auth/auth.service.js';
import { authGuards } from './http/auth-guard.js';
import { ApiDescription, type Operations } from './http/openapi.js';
import type { PasswordHasher } from './crypto/password.js';
import { RefreshTokenStore } from './auth/refresh-tokens.js';
import { Sessions } from './auth/sessions.js';
import type { Config } from './config/settings.js';
import type { Database } from './db/database.js';
import { CallTracker } from './calls/call-tracker.js';
import { callsApi, callsRouter } from './calls/calls.routes.js';
import { CallService } from './calls/calls.service.js';
import { openLiveCallStore, type LiveCallStore } from './calls/live-call-store.js';
import { healthApi, healthRouter, type ReadinessCheck } from './health/health.routes.js';
import { closeConnectionsWhileDraining, refuseWhileDraining, type Lifecycle } from './health/lifecycle.js';
import { didsApi, didsRouter } from './dids/dids.routes.js';
import { DidRepository } from './dids/did-repository.js';
import { DidService } from './dids/dids.service.js';
import { openCallSlots, type CallSlots } from './routing/call-slots.js';
import { Dialplan } from './routing/dialplan.js';
import { Directory } from './routing/directory.js';
import { destinationsApi, destinationsRouter } from './routing/destinations.routes.js';
import { routingSettingsApi, routingSettingsRouter } from './routing/settings.routes.js';
import { switchHttpApi, switchHttpRouter } from './switch-http/switch-http.routes.js';
import { SipCredentialRepository } from './sip/credential-repository.js';
import { SipCredentialService } from './sip/sip-credentials.js';
import { CdrIngest } from './cdr/cdr-ingest.js';
import { CdrService } from './cdr/cdr.service.js';
import { CdrExtractor } from './cdr/extract-pool.js';
import { CallHistory } from './history/history.js';
import { SqlCallRecords } from './history/call-records.js';
import { analyticsApi, analyticsRouter, historyApi, historyRouter, privacyAdminApi, privacyMeApi, privacyRouters } from './history/history.routes.js';
import { CallAnalytics } from './history/analytics.js';
import { PrivacyService } from './history/privacy.js';
import { BlindIndex, KeyRing, type KeyStore } from './crypto/keys.js';
import { registrationsApi, registrationsRouter, sipApi, sipRouter } from './sip/sip.routes.js';
import { SipRegistrations } from './sip/registrations.js';
import { PhoneSystemService } from './sip/phone-system.js';
import { phoneSystemApi, phoneSystemRouter } from './sip/phone-system.routes.js';
import { errorMiddleware, notFoundHandler } from './http/error-middleware.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics/metrics.js';
import type { SharedState } from './state/state.js';
import { SwitchPool } from './switch/switches.js';
import { meApi, meRouter, peopleApi, peopleRouter, usersApi, usersRouter } from './users/users.routes.js';
import { contactsApi, contactsRouter } from './contacts/contacts.routes.js';
import { embedApi, embedRouter } from './embed/embed.routes.js';
import { ContactRepository } from './contacts/contact-repository.js';
import { ContactService } from './contacts/contacts.service.js';
import { NextcloudContactRepository } from './nextcloud-contacts/repository.js';
import { NextcloudContactService } from './nextcloud-contacts/nextcloud-contacts.service.js';
import { nextcloudContactsApi, nextcloudContactsRouter } from './nextcloud-contacts/nextcloud-contacts.routes.js';
import { TsdavCardDavServer, type CardDavServer } from './nextcloud-contacts/carddav.js';
import { NextcloudIdentities } from './nextcloud/identities.js';
import { nextcloudProvider, type NextcloudProvider } from './nextcloud/provider.js';
import { NextcloudGrants } from './nextcloud/grants.js';
import { NextcloudSignIn } from './nextcloud/sign-in.js';
import { NextcloudAccounts } from './nextcloud/accounts.js';
import { NextcloudAssertions } from './nextcloud/assertion.js';
import { NextcloudMissedCalls } from './nextcloud/missed-calls.js';
import { nextcloudApi, nextcloudAssertionApi, nextcloudAssertionRouter, nextcloudLinkApi, nextcloudLinkRouter, nextcloudRouter } from './nextcloud/nextcloud.routes.js';
import { httpMetrics } from './metrics/http-metrics.js';
import { metricsApi, metricsRouter } from './metrics/metrics.routes.js';
import { UserService } from './users/users.service.js';
import { smtpMailer } from './passwords/mailer.js';
import { mePasswordApi, mePasswordRouter, passwordResetApi, passwordResetRouter, userPasswordApi, userPasswordRouter } from './passwords/passwords.routes.js';
import { PasswordService } from './passwords/passwords.service.js';
import { ResetTokens } from './passwords/reset-tokens.js';
import { RateService } from './billing/rates.js';
import { DeckRepository } from './billing/deck-repository.js';
import { ChargeRepository } from './billing/charge-repository.js';
import { ratesApi, ratesRouter } from './billing/rates.routes.js';
import { Ledger } from './billing/ledger.js';
import { LedgerRepository } from './billing/ledger-repository.js';
import { CreditWatchdog } from './billing/watchdog.js';
import { billingAdminApi, billingAdminRouter, billingMeApi, billingMeRouter } from './billing/billing.routes.js';

export interface AppDeps {
  config: Config;
  log: Logger;
  db: Database;
  state: SharedState;
  passwords: PasswordHasher;
  metrics: Metrics;
  switching: Switching;
  /** Where data keys live when not in the main database (KEYSTORE_URL). */
  keyStore?: KeyStore;
  /** The CardDAV client (tsdav over fetch unless a test says otherwise). */
  cardDav?: CardDavServer;
  /** How Nextcloud signs people in (openid-client unless a test says otherwise). */
  nextcloudProvider?: NextcloudProvider;
  /** Serving or draining (SIGTERM). */
  lifecycle: Lifecycle;
}

/** The switch side: the nodes, the live-call registry, and what keeps it current. */
export interface Switching {
  switches: SwitchPool;
  store: LiveCallStore;
  tracker: CallTracker;
  /** Concurrent-call slots: taken by a routing decision, given back when the call ends. */
  slots: CallSlots;
}

export function createSwitching(deps: Pick<AppDeps, 'config' | 'state' | 'log' | 'metrics'>): Switching {
  const switches = new SwitchPool({ nodes: deps.config.switch.nodes, log: deps.log, metrics: deps.metrics });
  const store = openLiveCallStore(deps.state);
  const tracker = new CallTracker({ store, metrics: deps.metrics, log: deps.log });
  tracker.attach(switches);
  const slots = openCallSlots(deps.state);
  tracker.subscribe({
    ended: (call) => {
      slots.release(call.id).catch((err: unknown) => deps.log.warn({ err, call: call.id }, 'releasing a call slot failed'));
    },
  });
  return { switches, store, tracker, slots };
}

export interface Services {
  audit: AuditService;
  users: UserService;
  auth: AuthService;
  refreshTokens: RefreshTokenStore;
  sessions: Sessions;
  accessTokens: AccessTokens;
  calls: CallService;
  sip: SipCredentialService;
  registrations: SipRegistrations;
  dids: DidService;
  directory: Directory;
  dialplan: Dialplan;
  keys: KeyRing;
  blindIndex: BlindIndex;
  cdrIngest: CdrIngest;
  cdrExtractor: CdrExtractor;
  cdrs: CdrService;
  history: CallHistory;
  privacy: PrivacyService;
  analytics: CallAnalytics;
  phoneSystem: PhoneSystemService;
  passwords: PasswordService;
  contacts: ContactService;
  nextcloudContacts: NextcloudContactService;
  /** Null unless NEXTCLOUD_AUTH is set. */
  nextcloudSignIn: NextcloudSignIn | null;
  /** Null unless NEXTCLOUD_APP_SECRET is set. */
  nextcloudAssertions: NextcloudAssertions | null;
  rates: RateService;
  charges: ChargeRepository;
  callRecords: SqlCallRecords;
  ledger: Ledger;
  ledgerRepo: LedgerRepository;
  /** Started by the server (main.ts), not by tests unless they ask. */
  watchdog: CreditWatchdog;
}

/** Nextcloud as the place people sign in (NEXTCLOUD_AUTH): its provider, the linked accounts, the refresh's recheck. */
function nextcloudSignInParts(
  deps: Pick<AppDeps, 'config' | 'log' | 'nextcloudProvider'>,
  parts: { dataSource: DataSource; keys: KeyRing; users: UserService; audit: AuditService },
): { provider: NextcloudProvider; identities: NextcloudIdentities; grants: NextcloudGrants } | null {
  const config = deps.config.nextcloudSignIn;
  if (config === null) return null;
  const provider = deps.nextcloudProvider ?? nextcloudProvider(config);
  const identities = new NextcloudIdentities(parts.dataSource, parts.keys);
  const grants = new NextcloudGrants({ provider, identities, audit: parts.audit, recheckSeconds: config.recheckSeconds, log: deps.log });
  return { provider, identities, grants };
}

export function createServices(deps: Pick<AppDeps, 'config' | 'db' | 'passwords' | 'metrics' | 'switching' | 'state' | 'log' | 'keyStore' | 'cardDav' | 'nextcloudProvider'>): Services {
  const { dataSource } = deps.db;
  const audit = new AuditService(dataSource);
  const refreshTokens = new RefreshTokenStore(dataSource, deps.config.auth.refreshTokenTtlSeconds);
  const accessTokens = new AccessTokens(deps.config.auth);
  const sessions = new Sessions({ refreshTokens, pubsub: deps.state.pubsub, log: deps.log });
  const users = new UserService({ dataSource, passwords: deps.passwords, audit, sessions });
  const keys = new KeyRing(deps.keyStore ?? dataSource, deps.config.encryption.masterKey, deps.config.encryption.retiredKeys);
  const nextcloud = nextcloudSignInParts(deps, { dataSource, keys, users, audit });
  const auth = new AuthService({
    users,
    passwords: deps.passwords,
    accessTokens,
    refreshTokens,
    sessions,
    audit,
    passwordLogin: deps.config.auth.passwordLogin,
    ...(nextcloud ? { identityCheck: nextcloud.grants } : {}),
  });
  const nextcloudIdentities = nextcloud?.identities ?? new NextcloudIdentities(dataSource, keys);
  const nextcloudAccounts = new NextcloudAccounts({ identities: nextcloudIdentities, users, auth, audit, adminGroup: deps.config.nextcloudAdminGroup, log: deps.log });
  const nextcloudSignIn = nextcloud && new NextcloudSignIn({ ...nextcloud, accounts: nextcloudAccounts, audit, users, flows: deps.state.kv, log: deps.log });
  const fromApp = deps.config.nextcloudApp;
  const nextcloudAssertions = fromApp && new NextcloudAssertions({ ...fromApp, accounts: nextcloudAccounts, seen: deps.state.kv, audit });
  const missedCalls = fromApp && new NextcloudMissedCalls({ nextcloudUrl: fromApp.issuer, publicUrl: fromApp.audience, secret: fromApp.secret, identities: nextcloudIdentities, told: deps.state.kv, log: deps.log });
  const calls = new CallService({
    switches: deps.switching.switches,
    store: deps.switching.store,
    audit,
    metrics: deps.metrics,
    context: deps.config.switch.context,
  });
  const sip = new SipCredentialService({ credentials: new SipCredentialRepository(dataSource), sessions: refreshTokens, config: deps.config });
  const registrations = new SipRegistrations({ switches: deps.switching.switches, sipDomain: deps.config.routing.sipDomain });
  const dids = new DidService({ numbers: new DidRepository(dataSource), users, audit, defaultCountry: deps.config.routing.defaultCountry });
  const directory = new Directory({ sipDomain: deps.config.routing.sipDomain, users, sip });
  const charges = new ChargeRepository(dataSource);
  const rates = new RateService({ decks: new DeckRepository(dataSource), charges, audit, currency: deps.config.billing.currency, gateway: deps.config.routing.gateway, billed: deps.metrics.billedAmount });
  const ledgerRepo = new LedgerRepository(dataSource);
  const ledger = new Ledger({ repo: ledgerRepo, sellRow: (e164) => rates.sellRowNow(e164), audit, currency: deps.config.billing.currency });
  // A call's money is settled by whichever comes first, its hangup (with the seconds it talked) or its record.
  deps.switching.tracker.subscribe({
    ended: (call, _cause, billsec) => {
      if (billsec === null || call.direction !== 'outbound') return;
      ledger.settle(call.id, call.answeredAt ? billsec : null).catch((err: unknown) => deps.log.warn({ err, call: call.id }, 'settling a call at its hangup failed; its record will'));
    },
  });
  const watchdog = new CreditWatchdog({ reservations: ledger, calls: deps.switching.store, node: (name) => deps.switching.switches.get(name), log: deps.log });
  deps.switching.switches.onConnected(async () => watchdog.forgetArmed());
  const dialplan = new Dialplan({
    prices: rates,
    credit: ledger,
    policy: deps.config.routing,
    usersContext: deps.config.switch.context,
    users,
    dids,
    counters: deps.state.counters,
    slots: deps.switching.slots,
    log: deps.log,
  });
  users.onChanged((id) => dialplan.forgetCaller(id));
  const blindIndex = new BlindIndex(deps.config.encryption.blindIndexKey);
  const cdrIngest = new CdrIngest({ dataSource, keys, index: blindIndex });
  const cdrExtractor = new CdrExtractor(deps.config.cdrWorkers);
  const cdrs = new CdrService({
    ingest: cdrIngest,
    extractor: cdrExtractor,
    metrics: { ingested: deps.metrics.cdrsIngested, seconds: deps.metrics.cdrIngestSeconds, billedSeconds: deps.metrics.billedSeconds },
    log: deps.log,
    defaultCountry: deps.config.routing.defaultCountry,
    ...(missedCalls ? { stored: (record) => missedCalls.recorded(record) } : {}),
    rate: async (record) => {
      const charge = await rates.rate(record);
      if (!charge) return;
      const talkedS = record.answeredAt === null ? null : record.billsec;
      const settled = await ledger.settle(charge.callUuid, talkedS, charge.sell ?? undefined);
      if (!settled && charge.sell !== null && charge.userId !== null) await ledger.chargeUnheld(charge.callUuid, charge.userId, charge.sell);
    },
  });
  const callRecords = new SqlCallRecords(dataSource);
  const history = new CallHistory({ records: callRecords, keys, index: blindIndex, users, defaultCountry: deps.config.routing.defaultCountry, charges: rates });
  const analytics = new CallAnalytics(dataSource, { between: (from, to) => rates.spendBetween(from, to) });
  const nextcloudContacts = new NextcloudContactService({
    repo: new NextcloudContactRepository(dataSource),
    keys,
    index: blindIndex,
    server: deps.cardDav ?? new TsdavCardDavServer(),
    url: deps.config.carddav?.url ?? null,
    // Nextcloud's OAuth2 tokens are taken by its DAV; its OpenID Connect app's are not (app passwords there).
    signIn:
      nextcloud && deps.config.nextcloudSignIn?.auth === 'oauth2'
        ? { accountOf: async (userId) => (await nextcloud.identities.ofUser(userId))?.subject ?? null, accessTokenFor: (userId) => nextcloud.grants.accessTokenFor(userId) }
        : null,
    users,
    defaultCountry: deps.config.routing.defaultCountry,
    log: deps.log,
  });
  const contacts = new ContactService({ contacts: new ContactRepository(dataSource), keys, index: blindIndex, users, defaultCountry: deps.config.routing.defaultCountry, elsewhere: nextcloudContacts });
  const privacy = new PrivacyService({ users, history, contacts, nextcloudContacts, nextcloudIdentity: nextcloudIdentities, dids, sip, audit, keys, records: cdrIngest, charges });
  const phoneSystem = new PhoneSystemService({ switches: deps.switching.switches, wssUrl: deps.config.routing.wssUrl });
  const passwords = new PasswordService({
    users,
    passwords: deps.passwords,
    audit,
    tokens: new ResetTokens(dataSource),
    mailer: deps.config.mail ? smtpMailer(deps.config.mail) : null,
    publicUrl: deps.config.publicUrl,
    log: deps.log,
  });
  return { passwords, audit, users, auth, refreshTokens, sessions, accessTokens, calls, sip, registrations, dids, directory, dialplan, keys, blindIndex, cdrIngest, cdrExtractor, cdrs, history, privacy, analytics, phoneSystem, contacts, nextcloudContacts, nextcloudSignIn, nextcloudAssertions, rates, charges, callRecords, ledger, ledgerRepo, watchdog };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** The API's version: the one the live socket's subprotocol (sipcall.v1) names. */
const API_VERSION = '1';

export function createApp(deps: AppDeps, services: Services = createServices(deps)): Express {
  const { config, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.set('query parser', 'simple');

  // The API's description grows as routers are mounted, with the access each is mounted behind.
  const api = new ApiDescription({ title: 'SIPCall', version: API_VERSION, description: 'Telephony control plane around FreeSWITCH: who may call what, live call control, encrypted call records.' });

  app.use(httpMetrics(deps.metrics));
  app.use(closeConnectionsWhileDraining(deps.lifecycle));
  app.use(metricsRouter({ metrics: deps.metrics, token: config.metrics.token, allowedIps: config.metrics.allowedIps }));
  api.add('', 'monitoring', 'operations', metricsApi);

  // The switches' endpoint comes first: machine to machine, a thousand requests a
  // second at peak, it needs neither browser security headers nor a log line per
  // request (metrics count every answer and every refusal; errors are logged).
  app.use(
    '/freeswitch',
    switchHttpRouter({
      directory: services.directory,
      dialplan: services.dialplan,
      cdrs: services.cdrs,
      config: config.switchHttp,
      deployment: { sipDomain: config.routing.sipDomain, usersContext: config.switch.context, gateway: config.routing.gateway, trunkCodecs: config.routing.trunkCodecs },
      lifecycle: deps.lifecycle,
      metrics: { decisions: deps.metrics.routingDecisions, rejected: deps.metrics.switchHttpRejected, seconds: deps.metrics.routingSeconds },
    }),
  );
  api.add('/freeswitch', 'switch', 'switch', switchHttpApi);
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Paths only: query strings may carry personal data.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
          // SIP over WebSocket from the browser: to the configured server only.
          connectSrc: ["'self'", webSocketOrigin(config.routing.wssUrl)],
          objectSrc: ["'none'"],
          // Framed by the configured origins only (Nextcloud, Talk); by anyone else, never.
          frameAncestors: ["'self'", ...config.http.framing.ancestors],
          upgradeInsecureRequests: config.env === 'production' ? [] : null,
        },
      },
      // X-Frame-Options cannot name other origins: where framing is allowed, CSP alone decides.
      xFrameOptions: config.http.framing.ancestors.length > 0 ? false : { action: 'sameorigin' },
    }),
  );

  // SIPCall's Nextcloud app calls the API from Nextcloud's pages: where it is configured, Nextcloud's origin is let in.
  const allowedOrigins = new Set([...config.http.corsOrigins, ...(config.nextcloudApp ? [new URL(config.nextcloudApp.issuer).origin] : [])]);
  app.use(
    '/api',
    cors({
      origin: (origin, cb) => cb(null, origin !== undefined && allowedOrigins.has(origin)),
      credentials: true,
      maxAge: 600,
    }),
  );
  app.use(express.json({ limit: config.http.bodyLimitBytes, strict: true }));

  const readiness: ReadinessCheck[] = [
    { name: 'database', check: () => deps.db.ping() },
    { name: deps.state.kind === 'redis' ? 'redis' : 'sharedState', check: () => deps.state.ping() },
  ];
  const { switches } = deps.switching;
  // With no switch configured there is none to wait for: a load balancer
  // should still send this replica the web app and the API.
  if (switches.size > 0) readiness.push({ name: 'switches', check: () => switches.readiness(), details: () => switches.states() });
  app.use(healthRouter(readiness, deps.lifecycle));
  api.add('', 'public', 'operations', healthApi);

  // Who may reach what, in one list: each router is mounted behind its guard,
  // and described in the API document with the same access.
  const guards = authGuards(services.auth);
  const guard: Record<'public' | 'signed-in' | 'admin', RequestHandler[]> = { public: [], 'signed-in': [guards.signedIn], admin: guards.admin };
  const mount = (prefix: string, access: keyof typeof guard, tag: string, ...parts: Array<[Router, Operations]>) => {
    app.use(prefix, ...guard[access], ...parts.map(([router]) => router));
    for (const [, operations] of parts) api.add(prefix, access, tag, operations);
  };
  const authRoutes = authRouter({
    auth: services.auth,
    signedIn: guards.signedIn,
    counters: deps.state.counters,
    secureCookies: config.env === 'production',
    cookieSameSite: config.http.framing.cookieSameSite,
    ownOrigins: [...(config.publicUrl === null ? [] : [new URL(config.publicUrl).origin]), ...config.http.corsOrigins],
    loginRateLimit: config.auth.loginRateLimit,
    accountLoginRateLimit: config.auth.accountLoginRateLimit,
    refreshRateLimit: config.auth.refreshRateLimit,
  });
  const privacy = privacyRouters({ privacy: services.privacy });
  const passwordReset = passwordResetRouter({ passwords: services.passwords, counters: deps.state.counters, ...config.auth.passwordResetRateLimit, passwordLogin: config.auth.passwordLogin, nextcloud: config.nextcloudSignIn !== null });
  const mePassword = mePasswordRouter({ passwords: services.passwords, counters: deps.state.counters, perAddress: config.auth.loginRateLimit, perAccount: config.auth.accountLoginRateLimit });
  mount('/api/auth', 'public', 'sign-in', [authRoutes, authApi], [passwordReset, passwordResetApi]);
  const refreshCookie = cookieOptions({ secureCookies: config.env === 'production', cookieSameSite: config.http.framing.cookieSameSite });
  if (services.nextcloudAssertions !== null) {
    mount('/api/auth/nextcloud/assertion', 'public', 'sign-in', [nextcloudAssertionRouter({ assertions: services.nextcloudAssertions, refreshCookie, counters: deps.state.counters }), nextcloudAssertionApi]);
  }
  if (services.nextcloudSignIn !== null && config.nextcloudSignIn !== null) {
    const secureCookies = config.env === 'production';
    mount('/api/auth/nextcloud/link', 'signed-in', 'sign-in', [nextcloudLinkRouter({ signIn: services.nextcloudSignIn, secureCookies, counters: deps.state.counters }), nextcloudLinkApi]);
    mount('/api/auth/nextcloud', 'public', 'sign-in', [
      nextcloudRouter({
        signIn: services.nextcloudSignIn,
        redirectUri: config.nextcloudSignIn.redirectUri,
        appUrl: config.publicUrl ?? '',
        refreshCookie,
        secureCookies,
        counters: deps.state.counters,
      }),
      nextcloudApi,
    ]);
  }
  mount('/api/users', 'admin', 'users', [privacy.admin, privacyAdminApi], [usersRouter({ users: services.users }), usersApi], [userPasswordRouter({ passwords: services.passwords }), userPasswordApi]);
  mount('/api/me', 'signed-in', 'me', [privacy.me, privacyMeApi], [meRouter({ users: services.users }), meApi], [mePassword, mePasswordApi]);
  mount('/api/embed', 'public', 'embedding', [embedRouter({ parentOrigins: config.http.framing.ancestors, talk: config.talk, publicUrl: config.publicUrl, counters: deps.state.counters }), embedApi]);
  mount('/api/contacts', 'signed-in', 'contacts', [contactsRouter({ contacts: services.contacts }), contactsApi]);
  mount('/api/nextcloud-contacts', 'signed-in', 'contacts', [nextcloudContactsRouter({ nextcloudContacts: services.nextcloudContacts, counters: deps.state.counters }), nextcloudContactsApi]);
  mount('/api/people', 'signed-in', 'contacts', [peopleRouter({ users: services.users }), peopleApi]);
  mount('/api/history', 'signed-in', 'call records', [historyRouter({ history: services.history }), historyApi]);
  mount('/api/analytics', 'admin', 'call records', [analyticsRouter({ analytics: services.analytics }), analyticsApi]);
  mount('/api/audit', 'admin', 'audit', [auditRouter({ audit: services.audit }), auditApi]);
  mount('/api/destinations', 'signed-in', 'routing', [destinationsRouter({ dialplan: services.dialplan }), destinationsApi]);
  mount('/api/calls', 'signed-in', 'calls', [callsRouter({ calls: services.calls, refuseNewCalls: refuseWhileDraining(deps.lifecycle) }), callsApi]);
  mount('/api/sip', 'signed-in', 'sip', [sipRouter({ sip: services.sip }), sipApi]);
  mount('/api/registrations', 'admin', 'sip', [registrationsRouter({ registrations: services.registrations }), registrationsApi]);
  mount('/api/phone-system', 'signed-in', 'sip', [phoneSystemRouter({ phoneSystem: services.phoneSystem }), phoneSystemApi]);
  mount('/api/dids', 'admin', 'routing', [didsRouter({ dids: services.dids }), didsApi]);
  mount('/api/rates', 'admin', 'billing', [ratesRouter({ rates: services.rates }), ratesApi]);
  mount('/api/billing', 'admin', 'billing', [billingAdminRouter({ ledger: services.ledger, repo: services.ledgerRepo, currency: config.billing.currency }), billingAdminApi]);
  mount('/api/me/billing', 'signed-in', 'billing', [billingMeRouter({ ledger: services.ledger, counters: deps.state.counters, rates: services.rates, lowBalanceMinutes: config.billing.lowBalanceMinutes }), billingMeApi]);
  mount('/api/settings/routing', 'admin', 'routing', [routingSettingsRouter({ config }), routingSettingsApi]);

  api.add('', 'public', 'operations', { 'GET /api/openapi.json': { summary: 'This description of the API (OpenAPI 3.1)' } });
  const description = api.document();
  app.get('/api/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(description);
  });

  app.use('/api', notFoundHandler);

  if (config.http.staticDir && existsSync(path.join(config.http.staticDir, 'index.html'))) {
    serveWebApp(app, config.http.staticDir);
  } else {
    log.info({ staticDir: config.http.staticDir }, 'no built web app to serve; API only');
  }

  app.use(notFoundHandler);
  app.use(errorMiddleware(log));
  return app;
}

/** The built Vue app: hashed assets cached for long, every other GET falls back to index.html. */
function serveWebApp(app: Express, dir: string): void {
  app.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  app.use(express.static(dir, { index: false, maxAge: '1h' }));
  const index = path.join(dir, 'index.html');
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.accepts('html')) {
      next();
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
}

/** `wss://host:port` of a WebSocket URL, as a CSP source. */
function webSocketOrigin(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}
