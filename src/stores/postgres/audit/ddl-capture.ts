// Capturing DDL made outside launchdb: two event triggers (ddl_command_end, sql_drop) write each
// schema change, with its statement and the role that logged in, to `launchdb.captured_ddl`. The
// trail itself is not written from SQL: each event there carries the head signed with the audit key,
// which lives outside the database, so launchdb folds captured rows into the chain at its next
// append (any launchdb action, or `check`). The staging table belongs to the superuser who installed
// it; the environment's owner may read it and mark rows folded, nothing else, so a captured row can be
// neither edited nor removed by the roles that make everyday changes.
//
// Event triggers need a superuser to create (Postgres 15/16). Installed at attach and by `check`
// when they connect as one; elsewhere `access.manual-changes` says why not, and drift stays the net.
import type { Queryable } from '../database.js';

export const CAPTURE_TABLE = 'launchdb.captured_ddl';
const END_TRIGGER = 'launchdb_capture_ddl';
const DROP_TRIGGER = 'launchdb_capture_drop';
/** Carried as the functions' comment: a newer launchdb replaces an older capture. */
const CAPTURE_VERSION = 'launchdb ddl capture 2';
/** A statement is kept up to this many characters (a long script is noted, not stored whole). */
const STATEMENT_CHARS = 8000;

/*
 * Both functions are SECURITY DEFINER, so whoever runs the DDL (any role) can add a row without
 * being able to write the table; search_path is pinned so nothing they create is called instead.
 * Every failure is caught: a capture that breaks never makes the user's statement fail, it warns.
 * What is left out: temporary objects (sessions make them all the time), what CREATE EXTENSION does
 * inside itself (the CREATE EXTENSION is kept), IF NOT EXISTS that did nothing (no command), and the
 * statement text of a migration's DDL (the migration file is the statement, named instead).
 */
const INSTALL = `
create schema if not exists launchdb;
create table if not exists ${CAPTURE_TABLE} (
  id bigserial primary key,
  at timestamptz not null default statement_timestamp(),
  transaction bigint not null default txid_current(),
  session_user_name text not null default session_user,
  set_role text,
  client inet default inet_client_addr(),
  application text,
  migration text,
  tag text not null,
  objects jsonb not null,
  statement text,
  statement_chars int,
  -- The audit event this row went into: set once, by the fold, under the trail's lock.
  folded_seq bigint
);
create index if not exists captured_ddl_pending on ${CAPTURE_TABLE} (id) where folded_seq is null;
-- A table restored from a backup may come without its sequence's place: new rows go after the last.
select setval('${CAPTURE_TABLE}_id_seq', coalesce((select max(id) from ${CAPTURE_TABLE}), 0) + 1, false);

create or replace function launchdb.capture_ddl_row(tag text, objects jsonb) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $fn$
declare
  migration text := nullif(current_setting('launchdb.migration', true), '');
  statement text := current_query();
begin
  insert into launchdb.captured_ddl
    (set_role, application, migration, tag, objects, statement, statement_chars)
  values (
    nullif(current_setting('role', true), 'none'),
    current_setting('application_name', true),
    migration, tag, objects,
    case when migration is null then left(statement, ${STATEMENT_CHARS}) end,
    length(statement));
end
$fn$;
revoke all on function launchdb.capture_ddl_row(text, jsonb) from public;

create or replace function launchdb.capture_ddl_end() returns event_trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $fn$
declare
  objects jsonb;
begin
  select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
           'tag', c.command_tag, 'type', c.object_type, 'identity', c.object_identity)) order by c.classid, c.objid)
    into objects
    from pg_event_trigger_ddl_commands() c
   where not c.in_extension and coalesce(c.schema_name, '') not like 'pg\\_temp%';
  if objects is null then return; end if;
  perform launchdb.capture_ddl_row(tg_tag, objects);
exception when others then
  raise warning 'launchdb could not record this change in its audit trail: %', sqlerrm;
end
$fn$;

create or replace function launchdb.capture_ddl_drop() returns event_trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $fn$
declare
  objects jsonb;
begin
  -- ALTER TABLE … DROP COLUMN and the like are recorded by ddl_command_end; only DROP … here.
  if tg_tag not like 'DROP%' then return; end if;
  select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
           'tag', tg_tag, 'type', d.object_type, 'identity', d.object_identity)))
    into objects
    from pg_event_trigger_dropped_objects() d
   where d.original and not d.is_temporary;
  if objects is null then return; end if;
  perform launchdb.capture_ddl_row(tg_tag, objects);
exception when others then
  raise warning 'launchdb could not record this change in its audit trail: %', sqlerrm;
end
$fn$;
comment on function launchdb.capture_ddl_end() is '${CAPTURE_VERSION}';

revoke all on ${CAPTURE_TABLE} from public;
-- The owners of the database and of schema launchdb fold rows into the trail: read, and mark folded.
-- Granted before the triggers exist, so installing leaves no captured row of its own.
do $do$
declare folder text;
begin
  for folder in
    select distinct r.rolname from pg_roles r
     where r.oid in ((select datdba from pg_database where datname = current_database()),
                     (select nspowner from pg_namespace where nspname = 'launchdb'))
       and not r.rolsuper
  loop
    execute format('grant select, update (folded_seq) on ${CAPTURE_TABLE} to %I', folder);
    -- Backups read every table and sequence of schema launchdb.
    execute format('grant select on sequence ${CAPTURE_TABLE}_id_seq to %I', folder);
  end loop;
  if not exists (select from pg_event_trigger where evtname = '${END_TRIGGER}') then
    create event trigger ${END_TRIGGER} on ddl_command_end execute function launchdb.capture_ddl_end();
  end if;
  if not exists (select from pg_event_trigger where evtname = '${DROP_TRIGGER}') then
    create event trigger ${DROP_TRIGGER} on sql_drop execute function launchdb.capture_ddl_drop();
  end if;
end
$do$;
alter event trigger ${END_TRIGGER} enable;
alter event trigger ${DROP_TRIGGER} enable;
`;

export interface CaptureState {
  /** Both triggers are there, enabled, and as this launchdb would install them. */
  installed: boolean;
  /** Some of it is there but not all, disabled or older. */
  partial: boolean;
  /** The connected role may create event triggers. */
  superuser: boolean;
}

export async function captureState(db: Queryable): Promise<CaptureState> {
  const { rows } = await db.query<{
    triggers: number;
    current: boolean;
    superuser: boolean;
  }>(
    `select (select count(*)::int from pg_event_trigger
              where evtname in ('${END_TRIGGER}', '${DROP_TRIGGER}') and evtenabled <> 'D') as triggers,
            coalesce(obj_description(to_regprocedure('launchdb.capture_ddl_end()'), 'pg_proc') = '${CAPTURE_VERSION}', false)
              and to_regclass('${CAPTURE_TABLE}') is not null as current,
            (select rolsuper from pg_roles where rolname = current_user) as superuser`,
  );
  const row = rows[0];
  const installed = row?.triggers === 2 && row.current === true;
  return {
    installed,
    partial: !installed && ((row?.triggers ?? 0) > 0 || row?.current === true),
    superuser: row?.superuser === true,
  };
}

export type CaptureInstall = { installed: true; changed: boolean } | { installed: false; reason: string };

/**
 * Installs (or repairs) the capture in the connected database when the connection may, and grants
 * the owners the right to fold it. Idempotent, and a no-op when all is in place: installing is DDL,
 * which the capture itself would record.
 */
export async function ensureCapture(db: Queryable): Promise<CaptureInstall> {
  const state = await captureState(db);
  if (state.installed) return { installed: true, changed: false };
  if (!state.superuser) {
    return {
      installed: false,
      reason:
        'launchdb connects as a role that is not a superuser, and only a superuser may create the event trigger that captures DDL',
    };
  }
  await db.query(INSTALL);
  return { installed: true, changed: true };
}

/** Why capture is not in place, for a connection that will not install it. */
export function notInstalledReason(state: CaptureState): string {
  if (state.partial) {
    return 'the event triggers that capture DDL are missing, disabled or from an older launchdb (a restore does not carry them: they belong to the database, not its contents); attach again with an admin URL of a superuser (or check as one) to put them back';
  }
  return 'no event trigger captures DDL in this database: attach with an admin URL of a superuser (or check as one) to install it';
}
