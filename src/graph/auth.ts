/**
 * Where the gateway's bearer tokens come from. Production has two sources (contract §7):
 * app-only client credentials for the bot and jobs, and on-behalf-of for calls made as the
 * signed-in tab user. Local mode sends an unsigned token the embedded service accepts, so the
 * client, middleware and every call path stay identical.
 *
 * Tokens and secrets are held in closures only and never put into error messages: an error
 * names the flow and MSAL's error code, nothing that could authenticate.
 */
import { ConfidentialClientApplication, LogLevel, type AuthenticationResult, type ClientCredentialRequest, type OnBehalfOfRequest } from '@azure/msal-node';
import { SupervisionError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What the client's auth middleware needs; structurally the Graph SDK's AuthenticationProvider. */
export interface AccessTokenProvider {
  getAccessToken(): Promise<string>;
}

export const graphDefaultScope = 'https://graph.microsoft.com/.default';

/** The part of an MSAL confidential client the providers use, so tests can stand in for Entra. */
export interface ConfidentialTokenSource {
  acquireTokenByClientCredential(request: ClientCredentialRequest): Promise<AuthenticationResult | null>;
  acquireTokenOnBehalfOf(request: OnBehalfOfRequest): Promise<AuthenticationResult | null>;
}

export interface ConfidentialAppConfig {
  tenantId: string;
  clientId: string;
  /** One of secret or certificate. */
  clientSecret?: string;
  clientCertificate?: { thumbprintSha256: string; privateKey: string; x5c?: string };
  /** Defaults to the public cloud. */
  authorityHost?: string;
  /** Receives MSAL's warnings and errors; PII logging stays off whatever is passed. */
  logger?: Logger;
}

/**
 * One MSAL application per process: its in-memory cache is what lets every provider built
 * on it reuse tokens (app tokens per scope, OBO tokens per user assertion).
 */
export function createConfidentialClient(config: ConfidentialAppConfig): ConfidentialClientApplication {
  if (!config.clientSecret && !config.clientCertificate) {
    throw new SupervisionError('CONFIGURATION', 'Graph auth needs a client secret or a client certificate', { field: 'clientSecret' });
  }
  const logger = config.logger;
  return new ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      authority: `${(config.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')}/${config.tenantId}`,
      ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
      ...(config.clientCertificate ? { clientCertificate: config.clientCertificate } : {}),
    },
    system: {
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        // MSAL's own lines are free text; only the level reaches our logger, never the text.
        loggerCallback: (level, _message, containsPii) => {
          if (!logger || containsPii) return;
          if (level === LogLevel.Error) logger.error('graph.auth.msal', { level: 'error' });
          else if (level === LogLevel.Warning) logger.warn('graph.auth.msal', { level: 'warning' });
        },
      },
    },
  });
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface MemoOptions {
  /** Renew this long before expiry so a token never dies mid-request (default 5 min). */
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * Reuses a token until shortly before it expires and lets concurrent callers share one
 * acquisition: a burst of requests at start-up must not become a burst of token requests.
 */
function memoized(acquire: () => Promise<CachedToken>, options: MemoOptions): AccessTokenProvider {
  const margin = options.refreshMarginMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;
  return {
    async getAccessToken() {
      if (cached && cached.expiresAt - margin > now()) return cached.token;
      inFlight ??= acquire().finally(() => {
        inFlight = undefined;
      });
      cached = await inFlight;
      return cached.token;
    },
  };
}

function resultToken(result: AuthenticationResult | null, flow: string): CachedToken {
  if (!result?.accessToken) throw new SupervisionError('UNAUTHENTICATED', `${flow}: the identity platform returned no access token`);
  // Without an expiry, trust the token for a short while only.
  return { token: result.accessToken, expiresAt: result.expiresOn ? result.expiresOn.getTime() : Date.now() + 10 * 60_000 };
}

function msalCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'errorCode' in error && typeof error.errorCode === 'string') return error.errorCode;
  return undefined;
}

function authFailure(flow: string, error: unknown): SupervisionError {
  const code = msalCode(error);
  return new SupervisionError('UPSTREAM', `${flow}: token request failed${code ? ` (${code})` : ''}`, { cause: error });
}

function sourceOf(source: ConfidentialTokenSource | ConfidentialAppConfig): ConfidentialTokenSource {
  return 'acquireTokenByClientCredential' in source ? source : createConfidentialClient(source);
}

/** App-only tokens (bot, jobs): `/.default`, permissions come from the app registration (§7.3). */
export function clientCredentialsAuth(
  source: ConfidentialTokenSource | ConfidentialAppConfig,
  options: MemoOptions & { scopes?: string[] } = {},
): AccessTokenProvider {
  const msal = sourceOf(source);
  const scopes = options.scopes ?? [graphDefaultScope];
  return memoized(async () => {
    try {
      return resultToken(await msal.acquireTokenByClientCredential({ scopes }), 'client credentials');
    } catch (error) {
      if (error instanceof SupervisionError) throw error;
      throw authFailure('client credentials', error);
    }
  }, options);
}

/** The user has not (yet) consented to what the OBO exchange asks for: the tab must prompt. */
export class GraphConsentRequiredError extends SupervisionError {
  readonly msalCode: string;
  constructor(msalCode: string, cause: unknown) {
    super('FORBIDDEN', `on-behalf-of: consent required (${msalCode})`, { cause });
    this.name = 'GraphConsentRequiredError';
    this.msalCode = msalCode;
  }
}

const consentCodes = new Set(['invalid_grant', 'interaction_required', 'consent_required']);

/**
 * Delegated tokens for the signed-in tab user, exchanged from the Teams SSO token (§7.2).
 * Build one per incoming request (the SSO token is per request); the shared MSAL cache keys OBO
 * tokens by the assertion, so a user's repeated calls reuse the token it already holds.
 * Consent propagates a few seconds after the user grants it, so consent errors are retried
 * with back-off before the tab is told to prompt again.
 */
export function onBehalfOfAuth(
  source: ConfidentialTokenSource | ConfidentialAppConfig,
  ssoToken: string,
  options: MemoOptions & { scopes?: string[]; consentRetries?: number; sleep?: (ms: number) => Promise<void> } = {},
): AccessTokenProvider {
  const msal = sourceOf(source);
  const scopes = options.scopes ?? [graphDefaultScope];
  const retries = options.consentRetries ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return memoized(async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return resultToken(await msal.acquireTokenOnBehalfOf({ oboAssertion: ssoToken, scopes }), 'on-behalf-of');
      } catch (error) {
        if (error instanceof SupervisionError) throw error;
        const code = msalCode(error);
        if (code === undefined || !consentCodes.has(code)) throw authFailure('on-behalf-of', error);
        if (attempt >= retries) throw new GraphConsentRequiredError(code, error);
        await sleep(1000 * 2 ** attempt);
      }
    }
  }, options);
}

function base64url(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

/**
 * An unsigned (`alg: none`) token naming the acting user, for the embedded local service
 * only: it carries the same claims a delegated Entra token would (`oid`, `tid`, `scp`) so the
 * service can attribute calls, and it can never pass real Graph's signature check.
 */
export function localDevAuth(userId: string, options: { tenantId?: string; now?: () => number } = {}): AccessTokenProvider {
  const now = options.now ?? Date.now;
  return memoized(async () => {
    const issuedAt = Math.floor(now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        aud: 'https://graph.microsoft.com',
        iss: 'urn:supervision:local-graph',
        oid: userId,
        sub: userId,
        tid: options.tenantId ?? 'local',
        scp: 'Calendars.ReadWrite Sites.ReadWrite.All',
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + 3600,
      }),
    );
    return { token: `${header}.${payload}.`, expiresAt: (issuedAt + 3600) * 1000 };
  }, { now });
}
