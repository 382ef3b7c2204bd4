import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import type { HelmetOptions } from 'helmet';
import { securityHeaders } from './http/security-headers.js';
import { pinoHttp } from 'pino-http';
import type { ServerConfig } from './config.js';
import type { Database } from './db/index.js';
import type { Logger } from './logger.js';
import { apiNotFound, problemHandler, sendProblem } from './http/problem.js';
import cookieParser from 'cookie-parser';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { DatabaseRateLimitStore } from './auth/rate-limit-store.js';
import { mountRoutes } from './http/route.js';
import { openApiDocument } from './http/openapi.js';
import { API_ROUTES } from './routes/index.js';
import { sessionSettings, sessionTokenOf } from './routes/auth.js';
import { DEFAULT_SESSION_LIMITS, userForToken, type User } from './auth/users.js';
import { createHash } from 'node:crypto';
import { jsonSafetyProblem } from '../common/json-safety.js';
import { installationId as installationIdOf } from './queries/app-meta.js';
import { packageRoot, packageVersion } from '../common/package-info.js';

export interface AppDeps {
  db: Database;
  config: Pick<ServerConfig, 'bodyLimitBytes'> &
    Partial<Pick<ServerConfig, 'trustProxy' | 'sessionLimits'>> & {
      /** Sign-in attempts per address and user name per 15 minutes (default 20). */
      loginAttemptsPerWindow?: number;
      /** Sign-in attempts per address, whatever the user names, per 15 minutes (default 100): password spraying. */
      loginAttemptsPerAddress?: number;
    };
  logger?: Logger;
  /** Folder of the built client; default client/dist under the package root. Absent folder: API only. */
  clientDir?: string;
}

/** The security headers of every response (helmet's options; set by securityHeaders). */
export const SECURITY_POLICY: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      'script-src': ["'self'"],
      'connect-src': ["'self'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'worker-src': ["'self'"],
      // Field teams reach the server over plain HTTP on a local network; forcing https would break them.
      'upgrade-insecure-requests': null,
    },
  },
  // HSTS belongs to the TLS-terminating proxy in front of the server, not to this process.
  strictTransportSecurity: false,
};

/** Builds the express application; listening is the caller's business so tests can use a random port. */
export function createApp({ db, config, logger, clientDir }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies named in TRUST_PROXY; otherwise any peer could pick its own address.
  app.set('trust proxy', config.trustProxy ?? false);
  sessionSettings.limits = config.sessionLimits ?? DEFAULT_SESSION_LIMITS;
  // ETags on API answers are never used: they are no-store (below), so nothing revalidates them; computing
  // one hashed every response body. Static files keep theirs (express.static sets its own).
  app.set('etag', false);
  app.use(securityHeaders(SECURITY_POLICY));
  // Request logs are info level: below that nothing would be written, so the middleware is not mounted.
  if (logger && logger.isLevelEnabled('info')) {
    app.use(
      pinoHttp({
        logger,
        autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
        serializers: {
          req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  }

  const api = express.Router();
  // Responses of the API carry personal data: never kept by a browser or a proxy cache.
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(requireJsonBodies);
  // Sign-in bodies are small: a 4 MB "user name" is refused before anything stores or hashes it.
  api.use('/auth/login', express.json({ limit: 4096, strict: true, type: ['application/json', 'application/*+json'] }));
  api.use(express.json({ limit: config.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  api.use(limitNesting);
  api.use(cookieParser());
  const window = 15 * 60_000;
  const tooMany = (_req: express.Request, res: express.Response) => sendProblem(res, 'too-many-attempts', 'too many sign-in attempts; wait 15 minutes');
  // Password spraying: at most N attempts per address whatever the user names ...
  api.use(
    '/auth/login',
    rateLimit({
      windowMs: window,
      limit: config.loginAttemptsPerAddress ?? 100,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
      handler: tooMany,
      // In the database: several server processes on one PostgreSQL share the limit.
      store: new DatabaseRateLimitStore(db, 'login-address'),
      passOnStoreError: false,
    }),
  );
  // ... and password guessing: at most M per address and user name. The key holds a short hash of the
  // name, never the name itself, so the limiter's memory stays small whatever is sent.
  api.use(
    '/auth/login',
    rateLimit({
      windowMs: window,
      limit: config.loginAttemptsPerWindow ?? 20,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req) =>
        `${ipKeyGenerator(req.ip ?? '')}|${createHash('sha256')
          .update(typeof req.body?.username === 'string' ? req.body.username.slice(0, 100) : '')
          .digest('base64url')
          .slice(0, 16)}`,
      handler: tooMany,
      store: new DatabaseRateLimitStore(db, 'login-name'),
      passOnStoreError: false,
    }),
  );
  const authenticate = async (req: express.Request): Promise<User | null> => {
    const token = sessionTokenOf(req);
    return token ? userForToken(db, token, sessionSettings.limits) : null;
  };
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(API_ROUTES, packageVersion()));
  });
  mountRoutes(api, db, API_ROUTES, authenticate);

  api.get('/health', async (_req, res) => {
    const up = await db.ping();
    let installationId: string | undefined;
    if (up) {
      installationId = await installationIdOf(db).catch(() => undefined);
    }
    res.status(up ? 200 : 503).json({
      status: up ? 'ok' : 'degraded',
      version: packageVersion(),
      database: { kind: db.kind, status: up ? 'up' : 'down' },
      installationId,
    });
  });

  app.use('/api/v1', api);
  app.use('/api', apiNotFound);

  const dist = clientDir ?? path.join(packageRoot(), 'client', 'dist');
  if (fs.existsSync(path.join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: false, maxAge: '1h', setHeaders: noCacheForShell }));
    // Client-side routes (/login, /surveys/...) all load the app shell.
    app.get('/{*splat}', (req, res, next) => {
      if (req.method !== 'GET' || !req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(dist, 'index.html'));
    });
  }
  app.use((req, res) => sendProblem(res, 'not-found', `nothing at ${req.originalUrl}`));
  app.use(problemHandler);
  return app;
}

/** The shell and the service worker must be revalidated so a new release reaches offline devices. */
function noCacheForShell(res: express.Response, filePath: string): void {
  const base = path.basename(filePath);
  if (base === 'index.html' || base === 'sw.js' || base.startsWith('workbox-') || base === 'manifest.webmanifest') {
    res.setHeader('Cache-Control', 'no-cache');
  }
}

/** Request bodies nested deeper than recursive code can take are refused with a 400 (checked iteratively). */
const limitNesting: RequestHandler = (req, res, next) => {
  if (req.body !== undefined && typeof req.body === 'object') {
    const p = jsonSafetyProblem(req.body, { text: false });
    if (p) return sendProblem(res, 'too-deep', `the request body ${p.path === '(document)' ? '' : `at ${p.path} `}${p.message}`);
  }
  next();
};

/** Bodies of writes must be JSON: anything else is 415, not a confusing 400 later. */
const requireJsonBodies: RequestHandler = (req, res, next) => {
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && !req.is(['application/json', 'application/*+json'])) {
    return sendProblem(res, 'unsupported-media-type', `request bodies must be application/json; got ${req.headers['content-type'] ?? 'no content type'}`);
  }
  next();
};
