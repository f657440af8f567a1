/**
 * Assembly: the SQLite store, fault injection and the Graph pipeline behind two Express
 * routers (Graph at /graph/v1.0, administration at /graph/_admin), and a standalone server
 * for tests and tools. Express only adapts HTTP; everything else is in the pipeline so
 * `$batch` inner requests behave exactly like top-level ones.
 */
import type { AddressInfo } from 'node:net';
import express, { Router, type Request, type Response } from 'express';
import { upsertUser } from './directory.js';
import { badRequest, errorBody, GraphError } from './errors.js';
import { faultConfigSchema, Faults, faultsFromEnv } from './faults.js';
import type { LocalGraph, LocalGraphOptions, RunningLocalGraph } from './index.js';
import { ServiceLimits } from './limits.js';
import { ensureSite } from './lists.js';
import { handle } from './pipeline.js';
import { parseBody, type GraphRequest, type GraphResponse } from './protocol.js';
import { errorResponse, newRequestId } from './routes.js';
import { Store } from './store.js';
import { lifecycleRequestSchema, SubscriptionNotifier } from './subscriptions.js';

const jsonContentType = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

function streamBytes(req: Request): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Bodies Graph takes as bytes (an app package for the catalog), not as JSON. */
function isBinary(req: Request): boolean {
  return /^application\/(zip|octet-stream)\b/i.test(req.headers['content-type'] ?? '');
}

/** The JSON body (or the bytes of a binary one), whether or not an upstream body parser already read it. */
async function readBody(req: Request): Promise<unknown> {
  const upstream: unknown = req.body;
  if (isBinary(req)) return Buffer.isBuffer(upstream) ? upstream : await streamBytes(req);
  let raw: string;
  if (Buffer.isBuffer(upstream)) raw = upstream.toString('utf8');
  else if (typeof upstream === 'string') raw = upstream;
  else if (upstream !== undefined) return upstream;
  else raw = (await streamBytes(req)).toString('utf8');
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}

function headersOf(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
    else if (Array.isArray(value)) headers[name.toLowerCase()] = value.join(', ');
  }
  return headers;
}

async function toGraphRequest(req: Request): Promise<GraphRequest> {
  const url = new URL(req.url, 'http://local');
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new GraphError(400, 'BadRequest', 'The request URL is not valid.');
  }
  return {
    method: req.method.toUpperCase(),
    segments,
    query: url.searchParams,
    headers: headersOf(req),
    body: await readBody(req),
    baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`,
  };
}

function send(res: Response, response: GraphResponse): void {
  res.status(response.status);
  res.setHeader('OData-Version', '4.0');
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (response.body === undefined) {
    res.end();
    return;
  }
  // res.end, not res.send: Express would add an ETag of its own and answer a matching
  // If-None-Match with 304, which Graph never does for these resources.
  const payload = Buffer.from(JSON.stringify(response.body));
  res.setHeader('Content-Type', jsonContentType);
  res.setHeader('Content-Length', String(payload.length));
  res.end(payload);
}

function sendError(res: Response, error: unknown, clock: () => Date): void {
  const requestId = newRequestId();
  send(res, { ...errorResponse(error, requestId, clock()), headers: { 'request-id': requestId } });
}

export function createLocalGraph(options: LocalGraphOptions): LocalGraph {
  const store = new Store(options.dataDir);
  const faults = new Faults(options.faults ?? {});
  const clock = options.clock ?? (() => new Date());
  const limits = new ServiceLimits(options.limits ?? {}, clock);
  const state = { store, faults, limits, clock };
  const notifier = new SubscriptionNotifier(store, clock);

  const router = Router();
  router.use(async (req: Request, res: Response) => {
    try {
      send(res, await handle(state, await toGraphRequest(req)));
    } catch (error) {
      sendError(res, error, clock);
    }
  });

  const adminRouter = Router();
  adminRouter.use(async (req: Request, res: Response) => {
    try {
      const path = new URL(req.url, 'http://local').pathname.replace(/\/+$/, '');
      const method = req.method.toUpperCase();
      if (path === '/faults' && method === 'GET') return send(res, { status: 200, headers: {}, body: faults.current() });
      if (path === '/faults' && method === 'PUT') {
        faults.set(parseBody(faultConfigSchema, await readBody(req), 'faultConfig', 'BadRequest'));
        return send(res, { status: 200, headers: {}, body: faults.current() });
      }
      if (path === '/stats' && method === 'GET') return send(res, { status: 200, headers: {}, body: faults.stats() });
      const lifecycle = /^\/subscriptions\/([^/]+)\/lifecycle$/.exec(path);
      if (lifecycle && method === 'POST') {
        // Stands in for Graph deciding to send one (missed, removed, reauthorise).
        const { lifecycleEvent } = parseBody(lifecycleRequestSchema, await readBody(req), 'lifecycle', 'BadRequest');
        const sent = await notifier.sendLifecycle(decodeURIComponent(lifecycle[1] as string), lifecycleEvent);
        return send(res, { status: sent ? 202 : 404, headers: {}, body: { sent } });
      }
      if (path === '/stats/reset' && method === 'POST') {
        faults.resetStats();
        return send(res, { status: 200, headers: {}, body: faults.stats() });
      }
      return send(res, { status: 404, headers: {}, body: errorBody('NotFound', `No administration resource at '${path}'.`, newRequestId(), clock()) });
    } catch (error) {
      return sendError(res, error, clock);
    }
  });

  return {
    router,
    adminRouter,
    setFaults: (config) => faults.set(config),
    setLimits: (config) => limits.set(config),
    stats: () => faults.stats(),
    resetStats: () => faults.resetStats(),
    upsertUser: (user) => upsertUser(store, user),
    ensureSite: (site) => ensureSite(store, site, clock().getTime()),
    isEmpty: () => store.isEmpty(),
    notifications: { settled: () => notifier.settled(), sendLifecycle: (id, event) => notifier.sendLifecycle(id, event), stats: () => ({ ...notifier.stats }) },
    close: () => store.close(),
  };
}

/**
 * Serves the local Graph on loopback (an ephemeral port unless `port` is given). Fault
 * settings come from LOCAL_GRAPH_* environment variables, overridden by `options.faults`.
 */
export async function startLocalGraphServer(options: LocalGraphOptions & { port?: number }): Promise<RunningLocalGraph> {
  const graph = createLocalGraph({ ...options, faults: { ...faultsFromEnv(process.env), ...(options.faults ?? {}) } });
  const app = express();
  app.disable('x-powered-by');
  app.use('/graph/v1.0', graph.router);
  app.use('/graph/_admin', graph.adminRouter);
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(options.port ?? 0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graph/v1.0`,
    graph,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      graph.close();
    },
  };
}
