/**
 * Who is calling. Tenant mode: the Teams SSO / MSAL access token, validated (signature from
 * Entra's keys, audience, issuer per tenant, tenant allow-list, scope). Local mode: the dev
 * identity picker's `x-dev-user` header, accepted only when the server is on loopback and the
 * request came over loopback, so a local server exposed by mistake never trusts a header.
 */
import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { SupervisionError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ServerConfig } from '../config.js';
import type { AppServices } from '../services.js';
import { applicationIdUri, ssoScopeName } from './sso.js';

export interface Identity {
  id: string;
  displayName: string;
  mail: string;
  jobTitle?: string;
  managerId: string | null;
  /** How the identity was established. */
  via: 'dev-user' | 'token';
}

export interface TokenClaims {
  oid: string;
  tid: string;
  preferredUsername?: string;
  name?: string;
}

export type TokenVerifier = (token: string) => Promise<TokenClaims>;

export interface TokenVerifierOptions {
  clientId: string;
  appDomain: string;
  /** The bot's app id, part of the Application ID URI; default the client id (one registration). */
  botId?: string;
  allowedTenants: readonly string[];
  /** Signing keys; default: Entra's published keys (fetched and cached by jose). */
  keys?: JWTVerifyGetKey;
  /** Scope the tab asks for. */
  scope?: string;
}

const bearerTokens = new WeakMap<Identity, string>();

/** The validated bearer token an identity was established from (tenant mode), for OBO. */
export function bearerTokenOf(identity: Identity): string | undefined {
  return bearerTokens.get(identity);
}

const entraKeysUrl = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';

function unauthenticated(message: string): SupervisionError {
  return new SupervisionError('UNAUTHENTICATED', message);
}

/**
 * Validates an access token for this app. Entra writes the audience by token version: v2
 * tokens carry the client id, v1 tokens the Application ID URI
 * (`api://<domain>/botid-<bot id>`), and each version has its own issuer for the token's
 * tenant. Exactly those two pairs are accepted; the tenant must be allowed and the token must
 * carry the `access_as_user` scope.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = options.keys ?? createRemoteJWKSet(new URL(entraKeysUrl));
  const clientId = options.clientId.toLowerCase();
  const appIdUri = applicationIdUri(options.appDomain, options.botId ?? options.clientId);
  const issuerFor = new Map<string, (tid: string) => string>([
    [clientId, (tid) => `https://login.microsoftonline.com/${tid}/v2.0`],
    [appIdUri, (tid) => `https://sts.windows.net/${tid}/`],
  ]);
  const allowed = new Set(options.allowedTenants.map((t) => t.toLowerCase()));
  const scope = options.scope ?? ssoScopeName;
  return async (token) => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, { audience: [...issuerFor.keys()], algorithms: ['RS256'], clockTolerance: 60, requiredClaims: ['tid', 'oid', 'iss', 'exp'] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The sign-in token has expired; reload the tab.');
      if (error instanceof joseErrors.JWTClaimValidationFailed) throw unauthenticated(`The sign-in token is not for this app (${error.claim}).`);
      throw unauthenticated('The sign-in token could not be verified.');
    }
    // One audience per token: a token naming both would let a v1 issuer pass as v2.
    if (typeof payload.aud !== 'string') throw unauthenticated('The sign-in token is not for this app (aud).');
    const tid = String(payload.tid).toLowerCase();
    if (!allowed.has(tid)) throw unauthenticated('Your organisation is not allowed to use this app.');
    if (payload.iss !== issuerFor.get(payload.aud)!(tid)) throw unauthenticated('The sign-in token has the wrong issuer.');
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (!scopes.includes(scope)) throw unauthenticated(`The sign-in token lacks the ${scope} scope.`);
    const claims: TokenClaims = { oid: String(payload.oid), tid };
    if (typeof payload.preferred_username === 'string') claims.preferredUsername = payload.preferred_username;
    if (typeof payload.name === 'string') claims.name = payload.name;
    return claims;
  };
}

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (loopback.has(address) || address.startsWith('127.'));
}

/** Dev identities are honoured only in local mode, on a loopback socket, from a loopback peer. */
export function devIdentityAllowed(config: ServerConfig, req: Request): boolean {
  return config.mode === 'local' && isLoopback(req.socket.localAddress) && isLoopback(req.socket.remoteAddress);
}

export interface IdentityOptions {
  config: ServerConfig;
  services: AppServices;
  verifyToken?: TokenVerifier;
  logger: Logger;
}

/**
 * Sets `res.locals.identity` when the caller is known, or `res.locals.identityProblem` with
 * why not; routes that need an identity answer 401 with that reason.
 */
export function identityMiddleware(options: IdentityOptions) {
  const { config, services, logger } = options;
  const verify =
    options.verifyToken ??
    (config.mode === 'tenant'
      ? createTokenVerifier({ clientId: config.CLIENT_ID, appDomain: config.APP_DOMAIN, botId: config.BOT_ID ?? config.CLIENT_ID, allowedTenants: config.allowedTenants })
      : undefined);

  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.get('authorization');
      const devUser = req.get('x-dev-user');
      if (header && verify) {
        const match = /^Bearer\s+(.+)$/i.exec(header);
        if (!match) throw unauthenticated('Authorization must be a Bearer token.');
        const claims = await verify(match[1]!);
        const person = await services.directory.person(claims.oid);
        if (!person) throw new SupervisionError('FORBIDDEN', 'You are not in the organisation\'s directory.');
        const identity: Identity = { id: person.id, displayName: person.displayName, mail: person.mail, jobTitle: person.jobTitle, managerId: person.managerId, via: 'token' };
        bearerTokens.set(identity, match[1]!);
        res.locals.identity = identity;
      } else if (devUser && devIdentityAllowed(config, req)) {
        const person = await services.directory.person(devUser.trim());
        if (!person) throw unauthenticated(`x-dev-user: nobody "${devUser}" in the directory; choose someone in the identity picker.`);
        res.locals.identity = { id: person.id, displayName: person.displayName, mail: person.mail, jobTitle: person.jobTitle, managerId: person.managerId, via: 'dev-user' } satisfies Identity;
      } else if (devUser) {
        res.locals.identityProblem = 'x-dev-user is accepted only in local mode on loopback; sign in instead.';
      } else {
        res.locals.identityProblem = config.mode === 'local' ? 'Choose who you are in the identity picker (x-dev-user).' : 'Sign in to use Supervision for Teams.';
      }
      next();
    } catch (error) {
      if (error instanceof SupervisionError) {
        if (error.code === 'UNAUTHENTICATED') logger.info('api.identity.rejected', { via: header(req) });
        next(error);
        return;
      }
      next(error);
    }
  };
}

function header(req: Request): string {
  return req.get('authorization') ? 'token' : 'dev-user';
}
