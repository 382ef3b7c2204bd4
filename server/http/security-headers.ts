import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's response headers for a fixed policy, worked out once. helmet runs a chain of a dozen
 * middlewares on every request, each setting one header whose value never changes for a policy without
 * per-request parts (nonces); here helmet is run once against a recording response at start-up, and
 * each request gets the recorded headers set (and removed) in the same order. The headers are exactly
 * helmet's: the policy is still written as helmet options, and a policy helmet rejects still fails at
 * start-up. A directive given as a function (computed per request) is refused: it needs helmet itself.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): RequestHandler {
  const directives = (options.contentSecurityPolicy as { directives?: Record<string, unknown> } | undefined)?.directives ?? {};
  for (const [name, value] of Object.entries(directives))
    if (typeof value === 'function' || (Array.isArray(value) && value.some((v) => typeof v === 'function')))
      throw new Error(`securityHeaders: the directive ${name} is computed per request; use helmet() for it`);
  const steps: { set: boolean; name: string; value: string }[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      steps.push({ set: true, name, value: String(value) });
    },
    removeHeader(name: string) {
      steps.push({ set: false, name, value: '' });
    },
  };
  let failure: unknown;
  (helmet(options) as unknown as (req: unknown, res: unknown, next: (err?: unknown) => void) => void)({}, recorder, (err) => {
    failure = err;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return (_req, res, next) => {
    for (let k = 0; k < steps.length; k++) {
      const s = steps[k];
      if (s.set) res.setHeader(s.name, s.value);
      else res.removeHeader(s.name);
    }
    next();
  };
}
