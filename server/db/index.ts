export { openDatabase, DatabaseUnavailableError } from './database.js';
export type { Database, Queryable, QueryResult, OpenOptions } from './database.js';
export { migrate, loadMigrations, MigrationError, defaultMigrationsDir } from './migrate.js';
export type { Migration } from './migrate.js';
