import type { RouteSpec } from '../http/route.js';
import { authRoutes } from './auth.js';
import { userRoutes } from './users.js';
import { surveyRoutes } from './surveys.js';
import { submissionRoutes } from './submissions.js';
import { exportRoutes } from './exports.js';

/** Every API route under /api/v1 (the OpenAPI document and the role matrix test read this list). */
export const API_ROUTES: RouteSpec[] = [...authRoutes, ...userRoutes, ...surveyRoutes, ...submissionRoutes, ...exportRoutes];
export { SESSION_COOKIE } from './auth.js';
