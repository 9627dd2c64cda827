import type { AddressInfo } from 'node:net';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  LogController,
  type RouteHandlerMethod,
} from 'fastify';
import { ServingError } from './errors.js';
import { createMetrics } from './metrics.js';
import { pageSecurityPolicy, renderIndexPage, renderModelPage } from './page.js';
import { defaultLimits, parseJsonBody } from './request.js';
import { registerApiRoutes, requestLabels } from './routes.js';
import type { ServingOptions } from './runtime.js';
import type { Serving } from './types.js';

/**
 * The HTTP server around a serving runtime: TF Serving's REST API, health and readiness probes,
 * Prometheus metrics, a page per model, one JSON log line per request, and errors that tell a
 * client what it got wrong but never how the server is built.
 */

export interface ServerOptions {
  /** Largest request body in bytes; a larger one is answered 413. Default 4 MiB. */
  bodyLimit?: number;
  /** Examples in one request (instances, columnar rows, classify/regress examples). Default 1,024. */
  maxExamples?: number;
  /** Nesting of lists and objects in a body, the body being level 1. Default 8. */
  maxDepth?: number;
  /** Numbers (and record values) in one request. Default 1,048,576. */
  maxValues?: number;
  /**
   * Time to receive a whole request, in ms; serve() also gives it to the runtime as its deadline
   * for answering one (504). Default 10,000.
   */
  requestTimeoutMs?: number;
  /** JSON log lines: true for stdout, false for none, or a stream to write them to. Default true. */
  logger?: boolean | { stream: { write(line: string): void } };
}

export interface ListenOptions extends ServerOptions {
  /** Default 127.0.0.1: other machines reach the server only when told to. */
  host?: string;
  /** Default 8501, TF Serving's REST port; 0 picks a free one. */
  port?: number;
}

/** The runtime's options (which models, batching, reloading) and the server's. */
export interface ServeOptions extends ListenOptions, ServingOptions {}

export interface RunningServer {
  /** Where the server listens, e.g. http://127.0.0.1:8501. */
  url: string;
  /** Stops accepting connections, finishes the requests in flight, then stops the runtime. */
  close(): Promise<void>;
}

const defaults = { bodyLimit: 4 * 1024 * 1024, requestTimeoutMs: 10_000, host: '127.0.0.1', port: 8501 };

/** The server, not listening: `inject()` requests into it, or `listen()` it. */
export function createServer(serving: Serving, options: ServerOptions = {}): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? defaults.bodyLimit;
  const requestTimeoutMs = options.requestTimeoutMs ?? defaults.requestTimeoutMs;
  // A backstop behind the runtime's own deadline, so that no request can hang its connection.
  const handlerTimeout = requestTimeoutMs + 1000;
  const limits = {
    maxExamples: options.maxExamples ?? defaultLimits.maxExamples,
    maxDepth: options.maxDepth ?? defaultLimits.maxDepth,
    maxValues: options.maxValues ?? defaultLimits.maxValues,
  };
  const app = Fastify({
    logger: options.logger ?? true,
    // The one log line per request is written by the onResponse hook below, with model and version.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    requestTimeout: requestTimeoutMs,
    // A connection silent for twice the time a request may take is gone; idle keep-alive ones included.
    connectionTimeout: 2 * requestTimeoutMs,
    handlerTimeout,
    frameworkErrors: (_error, _request, reply) => {
      (reply as FastifyReply)
        .code(400)
        .send({ error: 'malformed URL: a percent-encoding in the path is not valid' });
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer, request.headers['content-type'], limits.maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ServingError) return reply.code(error.status).send({ error: error.message });
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send({ error: `the request body is larger than ${bodyLimit} bytes` });
    if (error.code === 'FST_ERR_HANDLER_TIMEOUT')
      return reply.code(504).send({ error: `no answer within ${handlerTimeout} ms` });
    if (error.code?.startsWith('FST_') && error.statusCode !== undefined && error.statusCode < 500)
      return reply.code(error.statusCode).send({ error: error.message });
    request.log.error({ err: error }, 'internal error');
    return reply.code(500).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `unknown route: ${request.method} ${request.url.slice(0, 200)}` }),
  );

  const metrics = createMetrics();
  app.addHook('onResponse', async (request, reply) => {
    const labels = requestLabels(request, serving);
    if (labels) metrics.observeRequest(labels, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
        model: labels?.model || undefined,
        version: labels?.version || undefined,
      },
      'request',
    );
  });
  // Once closing, answers in flight also close their keep-alive connection, so that close() need
  // not wait for the client to hang up.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (closing) reply.header('connection', 'close');
  });

  registerApiRoutes(app, serving, limits);
  getOnly(app, '/healthz', async () => ({ status: 'ok' }));
  getOnly(app, '/readyz', async (_request, reply) =>
    serving.ready()
      ? { status: 'ready' }
      : reply.code(503).send({ error: 'not ready: the models are still loading' }),
  );
  getOnly(app, '/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.render();
    return reply.type(contentType).send(text);
  });
  getOnly(app, '/', async (_request, reply) => {
    const names = serving.names();
    const html =
      names.length === 1
        ? renderModelPage(serving.resolve(names[0], { kind: 'default' }))
        : renderIndexPage(names);
    return sendPage(reply, html);
  });
  getOnly(app, '/models/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    if (!serving.names().includes(name))
      return reply
        .code(404)
        .send({ error: `no model named ${JSON.stringify(name.slice(0, 200))} is served` });
    return sendPage(reply, renderModelPage(serving.resolve(name, { kind: 'default' })));
  });
  return app;
}

const sendPage = (reply: FastifyReply, html: string): FastifyReply =>
  reply.type('text/html; charset=utf-8').header('content-security-policy', pageSecurityPolicy).send(html);

/** A GET route whose other methods are answered 405, as for the API's routes. */
function getOnly(app: FastifyInstance, url: string, handler: RouteHandlerMethod): void {
  app.get(url, handler);
  app.route({
    method: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url,
    handler: async (request, reply) =>
      reply
        .code(405)
        .header('allow', 'GET, HEAD')
        .send({ error: `${request.method} is not allowed here; use GET` }),
  });
}

/** Listens with any Serving; `close()` then closes it too. */
export async function listen(serving: Serving, options: ListenOptions = {}): Promise<RunningServer> {
  const app = createServer(serving, options);
  await app.listen({ host: options.host ?? defaults.host, port: options.port ?? defaults.port });
  const { address, port } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close: () => {
      closing ??= app.close().then(() => serving.close());
      return closing;
    },
  };
}

/** Loads the registry's models and serves them until `close()`. */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  // Imported here so that embedding createServer or listen with another Serving never loads the
  // runtime (its worker threads and the registry).
  const { createServing } = await import('./runtime.js');
  const requestTimeoutMs = options.requestTimeoutMs ?? defaults.requestTimeoutMs;
  const serving = await createServing({ ...options, requestTimeoutMs });
  try {
    return await listen(serving, { ...options, requestTimeoutMs });
  } catch (error) {
    await serving.close();
    throw error;
  }
}
