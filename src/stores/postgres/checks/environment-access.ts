// The environment's access list for the access checks: read once per session, shared by them all.
import { type AccessList, listAccess } from '../access/access-list.js';
import type { PostgresDatabase } from '../database.js';
import type { PostgresCheckContext } from './context.js';

const readings = new WeakMap<PostgresDatabase, Promise<AccessList>>();

/** Who can log in and what each can do; undefined on an embedded database, which has no logins. */
export async function environmentAccess(ctx: PostgresCheckContext): Promise<AccessList | undefined> {
  const { target } = ctx.postgres;
  const db = await ctx.postgres.db();
  if (!db.capabilities.loginRoles || target.backing !== 'server') return undefined;
  let reading = readings.get(db);
  if (!reading) {
    reading = listAccess(db, ctx.project, ctx.env, target);
    readings.set(db, reading);
  }
  return reading;
}
