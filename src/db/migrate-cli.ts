/**
 * `npm run migrate`: applies the migrations to `DATABASE_URL` and exits.
 */
import { loadConfig } from '../config.js';
import { migrateDatabase } from './migrate.js';

const config = loadConfig();
if (config.databaseUrl === undefined) {
  console.error('DATABASE_URL: is needed to migrate (the embedded start migrates its own database)');
  process.exit(1);
}
const applied = await migrateDatabase(config.databaseUrl, (line) => console.log(line));
console.log(applied.length === 0 ? 'Database is current.' : `Applied: ${applied.join(', ')}`);
