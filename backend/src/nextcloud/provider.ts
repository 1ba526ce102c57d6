// Nextcloud as the place people sign in, through openid-client: its OpenID
// Connect provider app (oidc: discovery, PKCE, nonce, a signed ID token with
// the groups claim) or its built-in OAuth2 app (oauth2: authorization code,
// the token answer names the user, who is then read from OCS with the bearer
// token). Either way the rest of SIPCall sees one NextcloudAccount.
import * as oidc from 'openid-client';
import type { Config } from '../config/settings.js';

/** Who Nextcloud says signed in. */
export interface NextcloudAccount {
  issuer: string;
  subject: string;
  displayName: string;
  email: string | null;
  groups: readonly string[];
  /** Nextcloud's refresh token, to ask again later whether the account may still sign in. */
  refreshToken: string | null;
  /** Nextcloud's access token (with its OAuth2 app, DAV takes it) and until when it holds. */
  accessToken: string;
  accessExpiresAt: Date | null;
}

/** What the callback has to check against: kept by the sign-in's flow, never sent to the browser. */
export interface FlowChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Why Nextcloud did not sign someone in. */
export type ProviderFailure = 'denied' | 'refused' | 'unavailable';

export class NextcloudSignInFailed extends Error {
  constructor(
    readonly reason: ProviderFailure,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'NextcloudSignInFailed';
  }
}

/** The answer to "may this account still sign in?", with the new tokens when it may. */
export type Recheck = { kind: 'allowed'; account: Omit<NextcloudAccount, 'issuer'> } | { kind: 'refused'; why: string };

export interface NextcloudProvider {
  newChecks(): FlowChecks;
  authorizationUrl(checks: FlowChecks): Promise<URL>;
  /** The callback's URL (as the browser brought it) checked and its code exchanged. */
  finish(callbackUrl: URL, checks: FlowChecks): Promise<NextcloudAccount>;
  /** Spends the refresh token. Throws NextcloudSignInFailed('unavailable') when Nextcloud cannot be asked. */
  refresh(refreshToken: string): Promise<Recheck>;
}

type SignInConfig = NonNullable<Config['nextcloudSignIn']>;

const TIMEOUT_SECONDS = 10;
const OIDC_SCOPE = 'openid profile email groups offline_access';

export function nextcloudProvider(config: SignInConfig): NextcloudProvider {
  return config.auth === 'oidc' ? new OidcProvider(config) : new OAuth2Provider(config);
}

abstract class OpenIdClientProvider implements NextcloudProvider {
  private configuration: Promise<oidc.Configuration> | null = null;

  constructor(protected readonly config: SignInConfig) {}

  protected abstract configure(): Promise<oidc.Configuration>;
  protected abstract scope(): string | null;
  protected abstract account(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, configuration: oidc.Configuration, expectedSubject: string | null): Promise<NextcloudAccount>;

  newChecks(): FlowChecks {
    return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
  }

  async authorizationUrl(checks: FlowChecks): Promise<URL> {
    const configuration = await this.client();
    const parameters: Record<string, string> = {
      redirect_uri: this.config.redirectUri,
      response_type: 'code',
      state: checks.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    };
    const scope = this.scope();
    if (scope !== null) {
      parameters.scope = scope;
      parameters.nonce = checks.nonce;
      // Asked so that a refresh token is issued, which the recheck needs.
      parameters.prompt = 'consent';
    }
    return oidc.buildAuthorizationUrl(configuration, parameters);
  }

  async finish(callbackUrl: URL, checks: FlowChecks): Promise<NextcloudAccount> {
    const configuration = await this.client();
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        ...(this.scope() !== null ? { expectedNonce: checks.nonce, idTokenExpected: true } : {}),
      });
      return await this.account(tokens, configuration, null);
    } catch (err) {
      throw failure(err);
    }
  }

  async refresh(refreshToken: string): Promise<Recheck> {
    const configuration = await this.client();
    let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      tokens = await oidc.refreshTokenGrant(configuration, refreshToken);
    } catch (err) {
      const f = failure(err);
      if (f.reason === 'unavailable') throw f;
      return { kind: 'refused', why: f.message };
    }
    try {
      const { issuer: _issuer, ...account } = await this.account(tokens, configuration, null);
      return { kind: 'allowed', account };
    } catch (err) {
      const f = failure(err);
      if (f.reason === 'unavailable') throw f;
      return { kind: 'refused', why: f.message };
    }
  }

  /** Discovered (or built) once; a failed discovery is tried again next time. */
  private client(): Promise<oidc.Configuration> {
    if (this.configuration === null) {
      const pending = this.configure().catch((err: unknown) => {
        this.configuration = null;
        throw failure(err);
      });
      this.configuration = pending;
    }
    return this.configuration;
  }

  /** Plain http is the operator's own choice of NEXTCLOUD_URL (a private network, a test). */
  protected insecure(): Array<(c: oidc.Configuration) => void> {
    return new URL(this.config.url).protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
  }
}

class OidcProvider extends OpenIdClientProvider {
  protected async configure(): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(this.config.url), this.config.clientId, this.config.clientSecret, undefined, { execute: this.insecure(), timeout: TIMEOUT_SECONDS });
  }

  protected scope(): string {
    return OIDC_SCOPE;
  }

  protected async account(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, configuration: oidc.Configuration): Promise<NextcloudAccount> {
    const claims = tokens.claims();
    // A refresh need not carry a new ID token; the user info endpoint answers either way.
    const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims?.sub ?? oidc.skipSubjectCheck);
    const merged: Record<string, unknown> = { ...(claims ?? {}), ...info };
    const subject = String(merged.sub);
    return {
      issuer: configuration.serverMetadata().issuer,
      subject,
      displayName: text(merged.name) ?? text(merged.preferred_username) ?? subject,
      email: text(merged.email),
      // Nextcloud's OpenID Connect app names the groups `groups`; its older releases `roles`.
      groups: groupsOf(merged.groups ?? merged.roles),
      ...tokensOf(tokens),
    };
  }
}

/** Nextcloud's OAuth2 app: fixed endpoints under the instance, no discovery, no ID token. */
class OAuth2Provider extends OpenIdClientProvider {
  protected async configure(): Promise<oidc.Configuration> {
    const base = this.config.url;
    const configuration = new oidc.Configuration(
      { issuer: base, authorization_endpoint: `${base}/index.php/apps/oauth2/authorize`, token_endpoint: `${base}/index.php/apps/oauth2/api/v1/token` },
      this.config.clientId,
      this.config.clientSecret,
    );
    configuration.timeout = TIMEOUT_SECONDS;
    for (const apply of this.insecure()) apply(configuration);
    return configuration;
  }

  protected scope(): null {
    return null;
  }

  protected async account(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<NextcloudAccount> {
    const user = await this.ocsUser(tokens.access_token);
    // The token answer names the user it was issued to; OCS must agree.
    if (typeof tokens.user_id === 'string' && tokens.user_id !== user.id) {
      throw new NextcloudSignInFailed('refused', `the token was issued to ${tokens.user_id}, but OCS answered for ${user.id}`);
    }
    return { issuer: this.config.url, subject: user.id, displayName: user.displayName, email: user.email, groups: user.groups, ...tokensOf(tokens) };
  }

  /** OCS GET /cloud/user: the bearer token's own account, refused when the account is disabled. */
  private async ocsUser(accessToken: string): Promise<{ id: string; displayName: string; email: string | null; groups: string[] }> {
    let response: Response;
    try {
      response = await fetch(`${this.config.url}/ocs/v2.php/cloud/user?format=json`, {
        headers: { authorization: `Bearer ${accessToken}`, 'ocs-apirequest': 'true', accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_SECONDS * 1000),
      });
    } catch (err) {
      throw new NextcloudSignInFailed('unavailable', 'Nextcloud did not answer the user request', { cause: err });
    }
    if (response.status >= 500) throw new NextcloudSignInFailed('unavailable', `Nextcloud answered the user request with ${response.status}`);
    if (!response.ok) throw new NextcloudSignInFailed('refused', `Nextcloud refused the user request (${response.status})`);
    const body = (await response.json().catch(() => null)) as { ocs?: { data?: Record<string, unknown> } } | null;
    const data = body?.ocs?.data;
    const id = text(data?.id);
    if (!data || id === null) throw new NextcloudSignInFailed('refused', 'Nextcloud\'s user answer names no user');
    if (data.enabled === false) throw new NextcloudSignInFailed('refused', 'the Nextcloud account is disabled');
    return { id, displayName: text(data.displayname) ?? text(data['display-name']) ?? id, email: text(data.email), groups: groupsOf(data.groups) };
  }
}

function tokensOf(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Pick<NextcloudAccount, 'refreshToken' | 'accessToken' | 'accessExpiresAt'> {
  const seconds = tokens.expiresIn();
  return { refreshToken: tokens.refresh_token ?? null, accessToken: tokens.access_token, accessExpiresAt: seconds === undefined ? null : new Date(Date.now() + seconds * 1000) };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function groupsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}

/** What went wrong, in the three kinds the login page tells apart. */
function failure(err: unknown): NextcloudSignInFailed {
  if (err instanceof NextcloudSignInFailed) return err;
  if (err instanceof oidc.AuthorizationResponseError) {
    return new NextcloudSignInFailed(err.error === 'access_denied' ? 'denied' : 'refused', `Nextcloud answered the authorization with ${err.error}`, { cause: err });
  }
  if (err instanceof oidc.ResponseBodyError) {
    return new NextcloudSignInFailed(err.status >= 500 ? 'unavailable' : 'refused', `Nextcloud answered with ${err.error} (${err.status})`, { cause: err });
  }
  if (isNetworkError(err)) return new NextcloudSignInFailed('unavailable', 'Nextcloud could not be reached', { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new NextcloudSignInFailed('refused', `Nextcloud's answer did not check out: ${message}`, { cause: err });
}

function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return true;
  // fetch's own failure (refused, reset, DNS); openid-client wraps some in its ClientError.
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) return true;
  if (err instanceof oidc.ClientError && /status code|fetch|unexpected HTTP response status code/i.test(err.message)) {
    const status = (err.cause as { status?: number } | undefined)?.status;
    return status === undefined || status >= 500;
  }
  return err.cause instanceof Error && isNetworkError(err.cause);
}
