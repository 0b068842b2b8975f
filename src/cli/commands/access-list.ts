// `launchdb access list`: every role that can log in to the environment's database, what it can do
// there, and the person or service it belongs to, or UNKNOWN.
import { describePerson } from '../../core/config/people.js';
import type { ExitCode } from '../../core/errors.js';
import {
  type AccessEntry,
  type AccessList,
  ddlOf,
  describeTables,
  listAccess,
  requireLoginRoles,
  roleNotes,
} from '../../stores/postgres/access/access-list.js';
import { describeOwner } from '../../stores/postgres/access/role-owner.js';
import { PostgresSession } from '../../stores/postgres/session.js';
import { connectTimeoutOf, resolvePostgresTarget } from '../../stores/postgres/target.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { clean } from '../render/report-terminal.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = requireLoginRoles(env, resolvePostgresTarget(env));
  const session = new PostgresSession(env, target, {
    connectTimeoutMs: connectTimeoutOf(env, connectTimeoutMs),
    command: 'access list',
  });
  let list: AccessList;
  try {
    list = await listAccess(await session.connect(), project, env, target);
  } finally {
    await session.close();
  }
  if (input.flags.json) io.out(`${JSON.stringify(list, null, 2)}\n`);
  else io.out(renderAccessList(list, `${target.host}:${target.port}`, io));
  return 0;
}

function renderAccessList(list: AccessList, host: string, io: Io): string {
  const guarded = list.guarded ? ', guarded' : '';
  const lines = [
    `${io.style('bold', 'access to')} ${clean(list.database)} on ${clean(host)} (environment ${list.environment}${guarded})`,
    `${io.style('bold', 'data owner:')} ${list.dataOwner ? clean(describePerson(list.dataOwner)) : io.style(list.guarded ? 'red' : 'dim', 'none named')}`,
    `${io.style('bold', 'pgAudit:')} ${auditLine(list)}`,
    '',
  ];
  const rows = list.roles.map((entry) => [
    clean(entry.name),
    belongsCell(entry, io),
    ddlCell(entry),
    clean(describeTables(entry.write, list.tables, entry.superuser)),
    clean(describeTables(entry.read, list.tables, entry.superuser)),
    entry.bypassRls ? io.style('yellow', 'yes') : 'no',
    entry.connectionLimit === null ? '-' : String(entry.connectionLimit),
    entry.validUntil ?? '-',
    String(entry.sessions),
  ]);
  const header = [
    'ROLE',
    'BELONGS TO',
    'DDL',
    'WRITE',
    'READ',
    'BYPASS RLS',
    'CONN LIMIT',
    'VALID UNTIL',
    'SESSIONS',
  ];
  lines.push(renderTable(rows, { header: header.map((title) => io.style('bold', title)) }), '');

  const notes = list.roles.flatMap((entry) =>
    roleNotes(entry).map((note) => `${clean(entry.name)}: ${note}`),
  );
  if (notes.length > 0) lines.push(...notes, '');
  const unknown = list.roles.filter((entry) => entry.belongsTo.kind === 'unknown').length;
  lines.push(
    `${list.roles.length} role(s) can log in to ${clean(list.database)}; ${list.tables} app table(s)` +
      (unknown > 0
        ? `; ${io.style('red', `${unknown} UNKNOWN`)}: declare them under access.services or access.people.<id>.roles, or drop them`
        : ''),
    '',
  );
  return lines.join('\n');
}

function auditLine(list: AccessList): string {
  const { pgaudit } = list;
  if (!pgaudit.loaded)
    return 'not loaded (shared_preload_libraries): what people do in a session is not audited by the server';
  return pgaudit.extension
    ? 'loaded, extension created'
    : 'loaded (the extension is not created in this database)';
}

function belongsCell(entry: AccessEntry, io: Io): string {
  const text = clean(describeOwner(entry.belongsTo));
  if (entry.belongsTo.kind === 'unknown') return io.style('red', text);
  const personal = entry.personal;
  if (!personal) return text;
  const level = personal.level ?? 'personal';
  return `${text} (${level}${personal.expires ? `, until ${personal.expires}` : ''})`;
}

function ddlCell(entry: AccessEntry): string {
  const ddl = ddlOf(entry);
  return ddl.length > 0 ? clean(ddl.join('; ')) : '-';
}
