import type { Migration } from 'kysely';
import * as m0001 from './0001_platform.ts';
import * as m0002 from './0002_stores.ts';

/** Every migration, in order. A new migration is a new file listed here; an old one is never edited. */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_stores': m0002,
};
