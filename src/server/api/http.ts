/**
 * One declaration per operation: the route, its zod request and response schemas, and its
 * handler. Declaring it mounts the express handler (validating the request, then the response)
 * and registers the operation in the OpenAPI document, so the document cannot drift from what
 * the server accepts and returns.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { isSupervisionError } from '../../errors.js';
import { GraphConsentRequiredError } from '../../graph/auth.js';
import type { Logger } from '../../logger.js';
import { formatPath } from '../../policy/validate.js';
import { errorResponseSchema, type ErrorResponse } from './schemas.js';
import type { Identity } from './identity.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodObject;

export interface RouteContext<P, Q, B> {
  identity: Identity;
  params: P;
  query: Q;
  body: B;
}

export interface PublicRouteContext<P, Q, B> {
  identity: Identity | undefined;
  params: P;
  query: Q;
  body: B;
}

interface BaseSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType> {
  method: Method;
  /** OpenAPI style path relative to /api, e.g. `/supervisees/{id}/plan`. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  status?: 200 | 201;
  /** Media type of the response; JSON unless told. */
  produces?: 'application/json' | 'text/csv' | 'text/html';
  /** Error statuses worth documenting beyond 400/401/500. */
  errors?: (403 | 404 | 409 | 422 | 502)[];
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType> extends BaseSpec<P, Q, B, R> {
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, Out<B>>) => Promise<z.input<R>>;
}

export interface PublicRouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType> extends BaseSpec<P, Q, B, R> {
  /** Served without an identity (the OpenAPI document, the dev identity picker). */
  public: true;
  handler: (ctx: PublicRouteContext<z.output<P>, z.output<Q>, Out<B>>) => Promise<z.input<R>>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorResponse,
  ) {
    super(body.error.message);
  }
}

const errorStatusText: Record<number, string> = {
  400: 'Invalid input; `field` names the value at fault.',
  401: 'No identity: sign in (tenant mode) or choose a person (local mode).',
  403: 'The caller may not read or change this record.',
  404: 'Not found.',
  409: 'Conflict: the record changed since it was read, or the workflow does not allow this now.',
  422: 'Looser than the organisation\'s policy.',
  500: 'Unexpected error.',
  502: 'Microsoft 365 (Graph) failed.',
};

function toExpressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function zodField(error: z.ZodError, prefix?: string): { field: string; message: string } {
  const issue = error.issues[0];
  const path = formatPath(issue?.path ?? []);
  const field = prefix && path === '(root)' ? prefix : path;
  return { field, message: `${field}: ${issue?.message ?? 'invalid'}` };
}

function invalid(error: z.ZodError, prefix: string): ApiError {
  const { field, message } = zodField(error, prefix);
  return new ApiError(400, { error: { code: 'INVALID_INPUT', message, field } });
}

/** The one error shape, from anything a handler throws. */
export function toErrorResponse(error: unknown, logger: Logger, operationId = 'unknown'): { status: number; body: ErrorResponse } {
  if (error instanceof ApiError) return { status: error.status, body: error.body };
  if (error instanceof GraphConsentRequiredError) {
    // The tab catches this code and asks the user to consent (then retries).
    return { status: 403, body: { error: { code: 'CONSENT_REQUIRED', message: 'Supervision for Teams needs your permission to use your calendar. Approve the consent prompt, then try again.' } } };
  }
  if (isSupervisionError(error)) {
    const body: ErrorResponse = { error: { code: error.code, message: error.message } };
    if (error.field !== undefined) body.error.field = error.field;
    if (error.choices !== undefined) body.error.choices = [...error.choices];
    if (error.status >= 500) logger.error('api.error', { operationId, code: error.code });
    return { status: error.status, body };
  }
  if (error instanceof z.ZodError) {
    const { field, message } = zodField(error);
    return { status: 400, body: { error: { code: 'INVALID_INPUT', message, field } } };
  }
  const parserError = error as { type?: unknown; status?: unknown };
  if (typeof parserError?.type === 'string' && parserError.type.startsWith('entity.')) {
    const tooLarge = parserError.type === 'entity.too.large';
    return { status: 400, body: { error: { code: 'INVALID_INPUT', message: tooLarge ? 'body: the request body is too large' : 'body: not valid JSON', field: 'body' } } };
  }
  logger.error('api.unexpected', { operationId, error: error instanceof Error ? error.name : typeof error });
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.' } } };
}

function sendError(res: Response, error: unknown, logger: Logger, operationId?: string): void {
  const { status, body } = toErrorResponse(error, logger, operationId);
  res.status(status).json(body);
}

export class ApiBuilder {
  readonly router: Router = express.Router();
  readonly registry = new OpenAPIRegistry();
  readonly operations: string[] = [];

  constructor(private readonly logger: Logger) {}

  route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(spec: PublicRouteSpec<P, Q, B, R>): void;
  route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(spec: RouteSpec<P, Q, B, R>): void;
  route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(spec: RouteSpec<P, Q, B, R> | PublicRouteSpec<P, Q, B, R>): void {
    this.register(spec);
    const isPublic = 'public' in spec && spec.public;
    this.router[spec.method](toExpressPath(spec.path), async (req: Request, res: Response) => {
      const started = performance.now();
      // Operators need the shape of traffic, never who asked or what: operation, status, time.
      res.once('finish', () => this.logger.info('api.request', { operationId: spec.operationId, status: res.statusCode, ms: Math.round(performance.now() - started) }));
      try {
        const identity = res.locals.identity as Identity | undefined;
        if (!identity && !isPublic) {
          throw new ApiError(401, { error: { code: 'UNAUTHENTICATED', message: (res.locals.identityProblem as string | undefined) ?? 'Sign in to use Supervision for Teams.' } });
        }
        const params = spec.params ? spec.params.safeParse(req.params) : undefined;
        if (params && !params.success) throw invalid(params.error, 'params');
        const query = spec.query ? spec.query.safeParse(req.query ?? {}) : undefined;
        if (query && !query.success) throw invalid(query.error, 'query');
        const body = spec.body ? spec.body.safeParse(req.body ?? {}) : undefined;
        if (body && !body.success) throw invalid(body.error, 'body');
        const context = { identity, params: params?.data, query: query?.data ?? {}, body: body?.data };
        const result = await (spec.handler as (ctx: unknown) => Promise<unknown>)(context);
        const checked = spec.response.safeParse(result);
        if (!checked.success) {
          this.logger.error('api.response.invalid', { operationId: spec.operationId, path: formatPath(checked.error.issues[0]?.path ?? []) });
          throw new ApiError(500, { error: { code: 'INTERNAL', message: 'The server produced a response it could not vouch for; nothing is lost, try again.' } });
        }
        res.status(spec.status ?? 200);
        if (spec.produces === 'text/csv') {
          res.type('text/csv; charset=utf-8').attachment(`${spec.operationId}.csv`).send(checked.data);
        } else if (spec.produces === 'text/html') {
          // A download, never a page rendered on the API's origin.
          res.type('text/html; charset=utf-8').attachment(`${spec.operationId}.html`).send(checked.data);
        } else {
          res.json(checked.data);
        }
      } catch (error) {
        sendError(res, error, this.logger, spec.operationId);
      }
    });
  }

  private register<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(spec: BaseSpec<P, Q, B, R> & { public?: true }): void {
    this.operations.push(spec.operationId);
    const errorResponse = (status: number) => ({ description: errorStatusText[status] ?? 'Error', content: { 'application/json': { schema: errorResponseSchema } } });
    const responses: RouteConfig['responses'] = {
      [spec.status ?? 200]: { description: spec.summary, content: { [spec.produces ?? 'application/json']: { schema: spec.response } } },
      400: errorResponse(400),
      500: errorResponse(500),
    };
    if (!spec.public) responses[401] = errorResponse(401);
    for (const status of spec.errors ?? []) responses[status] = errorResponse(status);
    const request: RouteConfig['request'] = {};
    if (spec.params) request.params = spec.params;
    if (spec.query) request.query = spec.query;
    if (spec.body) request.body = { required: true, content: { 'application/json': { schema: spec.body } } };
    this.registry.registerPath({
      method: spec.method,
      path: `/api${spec.path}`,
      operationId: spec.operationId,
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.public ? {} : { security: [{ teamsSso: [] }, { devUser: [] }] }),
      request,
      responses,
    });
  }

  document(info: { version: string; mode: 'local' | 'tenant' }): Record<string, unknown> {
    this.registry.registerComponent('securitySchemes', 'teamsSso', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Teams SSO / MSAL access token for api://{APP_DOMAIN}/botid-{BOT_ID}/access_as_user (tenant mode).',
    });
    this.registry.registerComponent('securitySchemes', 'devUser', {
      type: 'apiKey',
      in: 'header',
      name: 'x-dev-user',
      description: 'Local mode on loopback only: the directory user id or UPN of the person to act as.',
    });
    const generator = new OpenApiGeneratorV31(this.registry.definitions);
    return generator.generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Supervision for Teams API',
        version: info.version,
        description: 'Scheduling, agreements, records and compliance for staff supervision. Errors always have the shape { "error": { "code", "message", "field"? } }.',
      },
      servers: [{ url: '/' }],
    }) as unknown as Record<string, unknown>;
  }
}

/** Express error handler for errors raised before a route runs (body parsing, identity). */
export function errorMiddleware(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendError(res, error, logger);
  };
}
