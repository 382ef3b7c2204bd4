import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** Structured JSON logs (pino) at the configured level. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'mdsurvey' }, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}
export type { Logger };
