import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../../server/http/security-headers.js';
import { SECURITY_POLICY } from '../../../server/app.js';

/** The headers a one-route app answers with, behind the given middleware (Date left out: it changes). */
async function headersBehind(mw: RequestHandler): Promise<[string, string][]> {
  const app = express();
  app.use(mw);
  app.get('/x', (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
    await res.arrayBuffer();
    return [...res.headers.entries()].filter(([k]) => k !== 'date' && k !== 'keep-alive' && k !== 'connection');
  } finally {
    server.close();
  }
}

// Policies of the server (server/app.ts) and others: each answered exactly as helmet itself answers.
const POLICIES: HelmetOptions[] = [
  SECURITY_POLICY,
  {},
  { contentSecurityPolicy: false, xFrameOptions: { action: 'deny' }, referrerPolicy: { policy: ['no-referrer', 'strict-origin'] } },
  { strictTransportSecurity: { maxAge: 86400, includeSubDomains: false }, crossOriginEmbedderPolicy: true, xPoweredBy: false },
];

describe('securityHeaders', () => {
  it.each(POLICIES.map((p, k) => [k, p] as const))('policy %i: the same headers as helmet, in the same order', async (_k, policy) => {
    const ours = await headersBehind(securityHeaders(policy));
    expect(ours).toEqual(await headersBehind(helmet(policy) as unknown as RequestHandler));
    expect(ours.length).toBeGreaterThan(3);
  });

  it('removes X-Powered-By as helmet does', async () => {
    const names = (await headersBehind(securityHeaders({}))).map(([k]) => k);
    expect(names).not.toContain('x-powered-by');
    expect(names).toContain('x-content-type-options');
  });

  it('refuses what helmet refuses, at start-up', () => {
    expect(() => securityHeaders({ referrerPolicy: { policy: 'sometimes' as never } })).toThrow(/Referrer-Policy/);
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { 'script-src': ['self'] } } })).toThrow(/should be quoted/);
  });

  it('refuses a directive computed per request', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { 'script-src': ["'self'", () => "'nonce-abc'"] } } })).toThrow(/per request/);
  });
});
