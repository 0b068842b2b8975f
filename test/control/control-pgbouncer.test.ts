// The control database behind a real PgBouncer in transaction pooling mode: it opens and migrates
// there, concurrent first opens included, since its protocol keeps nothing beyond a transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_MIGRATIONS } from '../../src/control/migrations/index.js';
import { openControlDatabase } from '../../src/control/open-control.js';
import { Project } from '../../src/core/project.js';
import { adminQuery, serverAvailable, uniqueName } from '../helpers/databases.js';
import { PGBOUNCER, startTransactionPgbouncer, type TransactionPgbouncer } from '../helpers/pgbouncer.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe.skipIf(!serverAvailable || !PGBOUNCER)(
  'the control database through PgBouncer in transaction mode',
  () => {
    const database = uniqueName('ldbc');
    let bouncer: TransactionPgbouncer;
    let temp: TempProject;

    beforeAll(async () => {
      await adminQuery(`create database ${database}`);
      bouncer = await startTransactionPgbouncer(database, { maxClientConn: 20 });
      temp = tempProject(`{ project: '{project}', environments: { development: { postgres: {} } } }`);
      temp.write('.env', `LAUNCHDB_CONTROL_URL=${bouncer.url}\n`);
    });

    afterAll(async () => {
      await bouncer?.stop();
      temp?.remove();
      await adminQuery(`drop database if exists ${database} with (force)`);
    });

    it('opens and migrates, two first opens at once applying each migration once', async () => {
      const project = await Project.load(temp.dir);
      try {
        const controls = await Promise.all([openControlDatabase(project), openControlDatabase(project)]);
        try {
          const { rows } = await controls[0].db.query<{ version: string }>(
            'select version from launchdb_control.migrations order by version',
          );
          expect(rows.map((row) => row.version)).toEqual(
            CONTROL_MIGRATIONS.map((migration) => migration.version),
          );
          // Statements of one transaction, claim and read, work through the pooler too.
          const claimed = await controls[1].db.transaction(async (tx) => {
            await tx.query(
              `insert into launchdb_control.job_runs (project, job, environment, slot, claimed_by, lease_until)
             values ('shop', 'backup', 'production', now(), 'a', now() + interval '1 minute')`,
            );
            return (await tx.query<{ n: number }>('select count(*)::int as n from launchdb_control.job_runs'))
              .rows[0]!.n;
          });
          expect(claimed).toBe(1);
        } finally {
          await Promise.all(controls.map((control) => control.close()));
        }
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- pgbouncer log ---\n${bouncer.log()}`, {
          cause: error,
        });
      }
    });
  },
);
