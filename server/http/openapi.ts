import type { RouteSpec } from './route.js';

/** OpenAPI 3.1 document of the API, generated from the route list. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const openPath = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: r.textParams?.includes(m[1]) ? { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$' } : { type: 'string', format: 'uuid' },
    }));
    const responses: Record<string, unknown> = {
      '200': { description: 'OK' },
      '400': { $ref: '#/components/responses/Problem' },
      '422': { $ref: '#/components/responses/Problem' },
    };
    if (r.method === 'post') responses['201'] = { description: 'Created' };
    if (r.roles !== 'public') {
      responses['401'] = { $ref: '#/components/responses/Problem' };
      responses['403'] = { $ref: '#/components/responses/Problem' };
    }
    (paths[openPath] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      'x-roles': r.roles,
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      ...(r.roles === 'public' ? { security: [] } : {}),
      responses,
    };
  }
  paths['/api/v1/health'] = {
    get: { summary: 'Health', tags: ['system'], security: [], responses: { '200': { description: 'Up' }, '503': { description: 'Database down' } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'mdsurvey API',
      version,
      description: 'Surveys, assignments, submissions that are never lost, review workflow and exports. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }, { bearer: [] }],
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'mdsurvey_session' }, bearer: { type: 'http', scheme: 'bearer' } },
      responses: {
        Problem: {
          description: 'Problem',
          content: {
            'application/problem+json': {
              schema: {
                type: 'object',
                properties: {
                  type: { type: 'string' },
                  title: { type: 'string' },
                  status: { type: 'integer' },
                  detail: { type: 'string' },
                  code: { type: 'string' },
                  errors: { type: 'array' },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
