// What `migrate adopt` reads from another tool: its history table, as entries launchdb can match.
import type { MigrationLayout } from '../../../../core/config/types.js';
import type { Queryable } from '../../database.js';
import type { MigrationFile } from '../migration-files.js';

export type AdoptTool = Exclude<MigrationLayout, 'launchdb'>;

/** One row of a tool's history, in launchdb's terms. */
export interface HistoryEntry {
  /** How the tool names it, for messages: `20240101000000_init`, `V1.1__add_posts.sql`. */
  label: string;
  /** The version the tool's layout gives the migration; undefined when the row names none. */
  version?: string;
  /** Every migration up to this version counts as applied without a row of its own (a Flyway baseline). */
  upTo?: string;
  /** SHA-256 (hex) of the file as the tool applied it, when the tool records one (Prisma, drizzle). */
  sha256?: string;
  /** Why the tool does not count the row as applied (failed, rolled back, …); undefined when it does. */
  ignored?: string;
}

/** The project's side, for sources that need more than the files (drizzle's journal). */
export interface AdoptProject {
  root: string;
  dir: string;
  layout: MigrationLayout;
  files: readonly MigrationFile[];
}

export interface HistorySource {
  tool: AdoptTool;
  /** The tool's name in messages. */
  title: string;
  /** The history table's name, as the tool creates it by default. */
  table: string;
  /** Where the tool creates it, in order of preference; elsewhere counts when it is in one schema only. */
  schemas: readonly string[];
  /** Columns the tool's table has; a table without them is someone else's. */
  columns: readonly string[];
  /** A column that gives away another tool's table of the same name, and that tool. */
  foreign?: { column: string; tool: string };
  /** The rows as entries, oldest first; `table` is the found table, schema-qualified and quoted. */
  read(db: Queryable, table: string, project: AdoptProject): Promise<HistoryEntry[]>;
}
