import { randomBytes } from 'node:crypto';
import { RecordedRequest } from './fake-http-server';

/** An OAuth app registered at a fake provider. */
export interface FakeOAuthApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

/** Whose tokens these are: the provider facts a fake attaches to a grant (account id, portal…). */
export type FakeGrantSubject = Readonly<Record<string, string>>;

export interface FakeTokenGrant {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly subject: FakeGrantSubject;
  readonly clientId: string;
}

/** Why a token request was refused, in RFC 6749 §5.2 terms; each fake words it its provider's way. */
export interface FakeTokenRefusal {
  readonly status: 400 | 401;
  readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';
  readonly description: string;
}

export type FakeTokenOutcome = { ok: true; grant: FakeTokenGrant } | { ok: false; refusal: FakeTokenRefusal };

export interface FakeOAuthOptions {
  readonly accessTokenTtlSeconds: number;
  /** Whether a refresh issues a new refresh token (HubSpot, QuickBooks, Graph) or keeps the old one. */
  readonly rotateRefreshTokens: boolean;
  readonly tokenPrefix: string;
}

/**
 * The authorization server behind every fake: apps, one-time codes, access and refresh tokens,
 * and the checks RFC 6749 asks for (client authentication, redirect URI match, single-use codes).
 */
export class FakeOAuthAuthority {
  private readonly apps = new Map<string, FakeOAuthApp>();
  private readonly codes = new Map<string, { clientId: string; redirectUri: string; subject: FakeGrantSubject }>();
  private readonly accessTokens = new Map<string, FakeTokenGrant>();
  private readonly refreshTokens = new Map<string, FakeTokenGrant>();

  constructor(private readonly options: FakeOAuthOptions) {}

  registerApp(app: FakeOAuthApp): FakeOAuthApp {
    this.apps.set(app.clientId, app);
    return app;
  }

  /** What the provider's consent page would redirect back with. */
  issueCode(clientId: string, subject: FakeGrantSubject): string {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`no fake OAuth app ${clientId}`);
    const code = `${this.options.tokenPrefix}code-${randomBytes(12).toString('hex')}`;
    this.codes.set(code, { clientId, redirectUri: app.redirectUri, subject });
    return code;
  }

  /** Handles a token endpoint call, with client credentials in the body or in Basic auth. */
  token(request: RecordedRequest): FakeTokenOutcome {
    const form = request.form;
    if (!form) return refuse(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    const client = this.authenticate(request, form);
    if (!client) return refuse(401, 'invalid_client', 'client authentication failed');
    if (form['grant_type'] === 'authorization_code') {
      const code = this.codes.get(form['code'] ?? '');
      if (!code || code.clientId !== client.clientId) return refuse(400, 'invalid_grant', 'the code is unknown, used or expired');
      if (form['redirect_uri'] !== code.redirectUri) return refuse(400, 'invalid_grant', 'redirect_uri does not match');
      this.codes.delete(form['code'] ?? '');
      return { ok: true, grant: this.grant(client.clientId, code.subject) };
    }
    if (form['grant_type'] === 'refresh_token') {
      const previous = this.refreshTokens.get(form['refresh_token'] ?? '');
      if (!previous || previous.clientId !== client.clientId) {
        return refuse(400, 'invalid_grant', 'the refresh token is unknown or revoked');
      }
      if (this.options.rotateRefreshTokens) this.refreshTokens.delete(previous.refreshToken);
      const grant = this.grant(client.clientId, previous.subject, this.options.rotateRefreshTokens ? undefined : previous.refreshToken);
      return { ok: true, grant };
    }
    return refuse(400, 'unsupported_grant_type', `grant_type ${form['grant_type'] ?? '(none)'} is not supported`);
  }

  /** The grant behind `Authorization: Bearer <token>`, if the token is live. */
  bearer(request: RecordedRequest): FakeTokenGrant | undefined {
    const match = /^Bearer (.+)$/i.exec(request.headers['authorization'] ?? '');
    return match ? this.accessTokens.get(match[1] ?? '') : undefined;
  }

  grantOf(accessToken: string): FakeTokenGrant | undefined {
    return this.accessTokens.get(accessToken);
  }

  /** Makes every access token invalid, as if they had all expired; refresh tokens stay good. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  private authenticate(request: RecordedRequest, form: Record<string, string>): FakeOAuthApp | undefined {
    let clientId = form['client_id'];
    let clientSecret = form['client_secret'];
    const basic = /^Basic (.+)$/i.exec(request.headers['authorization'] ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
      const at = decoded.indexOf(':');
      clientId = decoded.slice(0, at);
      clientSecret = decoded.slice(at + 1);
    }
    const app = clientId ? this.apps.get(clientId) : undefined;
    return app && app.clientSecret === clientSecret ? app : undefined;
  }

  private grant(clientId: string, subject: FakeGrantSubject, keepRefreshToken?: string): FakeTokenGrant {
    const grant: FakeTokenGrant = {
      accessToken: `${this.options.tokenPrefix}at-${randomBytes(16).toString('hex')}`,
      refreshToken: keepRefreshToken ?? `${this.options.tokenPrefix}rt-${randomBytes(16).toString('hex')}`,
      expiresIn: this.options.accessTokenTtlSeconds,
      subject,
      clientId,
    };
    this.accessTokens.set(grant.accessToken, grant);
    this.refreshTokens.set(grant.refreshToken, grant);
    return grant;
  }
}

function refuse(status: 400 | 401, error: FakeTokenRefusal['error'], description: string): FakeTokenOutcome {
  return { ok: false, refusal: { status, error, description } };
}
