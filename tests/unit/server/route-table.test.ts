import express, { type Request } from 'express';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../../server/http/route.js';
import { API_ROUTES } from '../../../server/routes/index.js';

// The API's routes are looked up in a RouteTable instead of express's router. The truth here is
// express itself: for every path, the route express's router picks (first added wins) and its
// parameters must be the table's.

type Found = { route: number; params: Record<string, string> } | 'undecodable' | null;

/** What express's router does with a GET of `url` over `paths` (in that order). */
function expressFinds(paths: string[], url: string): Promise<Found> {
  const router = express.Router();
  return new Promise((resolve) => {
    paths.forEach((p, route) =>
      router.get(p, (req: Request) => {
        resolve({ route, params: { ...(req.params as Record<string, string>) } });
      }),
    );
    const req = { method: 'GET', url, headers: {} } as unknown as Request;
    router(req, {} as never, (err?: unknown) => resolve(err ? 'undecodable' : null));
  });
}

function tableFinds(paths: string[], url: string): Found {
  const table = new RouteTable<number>();
  paths.forEach((p, k) => table.add(p, k));
  const found = table.find(url.split('?')[0]);
  return found === null || found === 'undecodable' ? found : { route: found.value, params: found.params };
}

const API_PATHS = [...new Set(API_ROUTES.map((r) => r.path))];

// A request path made from an API route: its parameters filled with UUIDs, names, encoded or empty
// text; sometimes a literal in upper case, a trailing slash, a segment more or less, a query string.
const segment = fc.oneof(
  fc.uuid(),
  fc.constantFrom(
    'photo.jpg',
    'households.csv',
    'p.CSV',
    '.csv',
    'a.b.csv',
    '%41.csv',
    'a%2Fb',
    '%E2%82%AC',
    '%zz',
    '%',
    '',
    'batch',
    'review',
    'media',
    'submissions',
    'SUBMISSIONS',
    'x y',
  ),
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/),
);
const requestPath = fc
  .record({
    route: fc.constantFrom(...API_PATHS),
    values: fc.array(segment, { minLength: 4, maxLength: 4 }),
    upper: fc.boolean(),
    slash: fc.boolean(),
    change: fc.constantFrom('none', 'extra', 'drop'),
    query: fc.boolean(),
  })
  .map(({ route, values, upper, slash, change, query }) => {
    let k = 0;
    let parts = route
      .split('/')
      .slice(1)
      .map((p) => (p.startsWith(':') ? values[k++ % values.length] : upper ? p.toUpperCase() : p));
    if (change === 'extra') parts = [...parts, values[3]];
    if (change === 'drop') parts = parts.slice(0, -1);
    return `/${parts.join('/')}${slash ? '/' : ''}${query ? '?limit=5&after=x' : ''}`;
  });

describe('RouteTable', () => {
  it('finds the route and parameters express finds, for the API routes', async () => {
    await fc.assert(
      fc.asyncProperty(requestPath, async (url) => {
        expect(tableFinds(API_PATHS, url)).toEqual(await expressFinds(API_PATHS, url));
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with express on hand-picked paths', async () => {
    const paths = ['/surveys', '/surveys/:surveyId', '/surveys/:surveyId/submissions/batch', '/surveys/:surveyId/submissions/:instanceId', '/a/:x/:y'];
    for (const url of [
      '/',
      '',
      '/surveys',
      '/surveys/',
      '/surveys//',
      '/SURVEYS/abc',
      '/surveys/abc/submissions/batch',
      '/surveys/abc/submissions/BATCH',
      '/surveys/abc/submissions/other',
      '/surveys//submissions/x',
      '/a/%41/%42',
      '/a/%E0%A4%A/x',
      '/a/b',
      '/a/b/c/d',
      '//surveys',
    ])
      expect(tableFinds(paths, url), url).toEqual(await expressFinds(paths, url));
  });

  it('refuses route paths it cannot match as express would', () => {
    expect(() => new RouteTable().add('/a/:x?', 1)).toThrow(/only literal segments/);
    expect(() => new RouteTable().add('/a/*rest', 1)).toThrow(/only literal segments/);
    expect(() => new RouteTable().add('/a/:', 1)).toThrow(/only literal segments/);
  });
});
