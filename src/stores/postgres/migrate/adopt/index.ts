// The tools `migrate adopt --from` takes over from, by name.
import { dbmateHistory } from './dbmate.js';
import { drizzleHistory } from './drizzle.js';
import { flywayHistory } from './flyway.js';
import type { AdoptTool, HistorySource } from './history-source.js';
import { nodePgMigrateHistory } from './node-pg-migrate.js';
import { prismaHistory } from './prisma.js';
import { supabaseHistory } from './supabase.js';

export type { AdoptTool, HistorySource } from './history-source.js';

/** Every tool with a history reader; `satisfies` makes a new layout a type error here until it has one. */
export const HISTORY_SOURCES = {
  prisma: prismaHistory,
  drizzle: drizzleHistory,
  supabase: supabaseHistory,
  flyway: flywayHistory,
  dbmate: dbmateHistory,
  'node-pg-migrate': nodePgMigrateHistory,
} as const satisfies Record<AdoptTool, HistorySource>;

export const ADOPT_TOOLS = Object.keys(HISTORY_SOURCES) as AdoptTool[];

export function isAdoptTool(name: string): name is AdoptTool {
  return Object.hasOwn(HISTORY_SOURCES, name);
}
