// launchdb.audit only grows: UPDATE, DELETE and TRUNCATE are revoked from the owner that created it
// and refused by triggers even once the owner grants them back to itself, or for a superuser; the app
// role may read the trail but not write to it.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const CHANGES = [
  'update launchdb.audit set hash = hash',
  'delete from launchdb.audit where seq = 1',
  'truncate launchdb.audit',
];

describe.runIf(serverAvailable)('the trail is append-only', () => {
  let project: TempProject;
  let database: string;
  let urls: { owner: string; app: string };

  /** The error `sql` fails with on `url`, or undefined when it succeeds (rolled back either way). */
  async function refusal(url: string, sql: string, before?: string): Promise<pg.DatabaseError | undefined> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('begin');
      if (before) await client.query(before);
      await client.query(sql);
      return undefined;
    } catch (error) {
      return error as pg.DatabaseError;
    } finally {
      await client.query('rollback').catch(() => {});
      await client.end();
    }
  }

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { staging: { postgres: { adminUrl: '${SERVER_URL}' } } },
    }`);
    database = `${project.name}_staging`;
    const attached = await runCli(['attach', 'postgres', '--env', 'staging'], { cwd: project.dir });
    expect(attached.code, attached.stderr).toBe(0);
    const secrets = readSecrets(join(project.dir, '.launchdb'), 'staging');
    urls = { owner: secrets.DATABASE_MIGRATION_URL!, app: secrets.DATABASE_URL! };
  }, 60_000);

  afterAll(async () => {
    if (database) {
      await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
      for (const kind of ['owner', 'app', 'readonly']) {
        await adminQuery(`drop role if exists ${database}_${kind}`).catch(() => {});
      }
    }
    project?.remove();
  });

  it('is owned by the owner role, which holds no UPDATE, DELETE or TRUNCATE on it', async () => {
    const { rows } = await adminQuery(
      `select pg_get_userbyid(relowner) as owner,
         has_table_privilege($1, 'launchdb.audit', 'UPDATE') as can_update,
         has_table_privilege($1, 'launchdb.audit', 'DELETE') as can_delete,
         has_table_privilege($1, 'launchdb.audit', 'TRUNCATE') as can_truncate,
         has_table_privilege($1, 'launchdb.audit', 'INSERT') as can_insert
       from pg_class where oid = 'launchdb.audit'::regclass`,
      [`${database}_owner`],
      database,
    );
    expect(rows[0]).toEqual({
      owner: `${database}_owner`,
      can_update: false,
      can_delete: false,
      can_truncate: false,
      can_insert: true,
    });
  });

  for (const sql of CHANGES) {
    it(`refuses the owner: ${sql}`, async () => {
      const error = await refusal(urls.owner, sql);
      expect(error?.code).toBe('42501');
      expect(error?.message).toBe('permission denied for table audit');
    });

    it(`refuses the owner that granted itself the right back: ${sql}`, async () => {
      const error = await refusal(
        urls.owner,
        sql,
        'grant update, delete, truncate on launchdb.audit to current_user',
      );
      expect(error?.message).toMatch(/^launchdb\.audit is append-only: (UPDATE|DELETE|TRUNCATE) refused$/);
    });

    it(`refuses a superuser: ${sql}`, async () => {
      const error = await refusal(serverUrlFor(database), sql);
      expect(error?.message).toMatch(/^launchdb\.audit is append-only: (UPDATE|DELETE|TRUNCATE) refused$/);
    });
  }

  it('lets the app role read the trail, and not append to it', async () => {
    const client = new pg.Client({ connectionString: urls.app });
    await client.connect();
    try {
      const { rows } = await client.query('select count(*)::int as events from launchdb.audit');
      expect(rows[0].events).toBe(1);
    } finally {
      await client.end();
    }
    const error = await refusal(urls.app, "insert into launchdb.audit values (2, '{}', 'x', 'x', 'x')");
    expect(error?.message).toBe('permission denied for table audit');
  });
});
