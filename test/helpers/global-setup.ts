// Before any suite: the Postgres server must answer when CI=true; locally, suites that need it skip.
import pg from 'pg';

export const SERVER_URL =
  process.env.LAUNCHDB_TEST_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.end();
    process.env.LAUNCHDB_TEST_SERVER = '1';
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(
        `CI=true but the Postgres server at ${SERVER_URL} is unreachable: ${(error as Error).message}`,
      );
    }
    process.env.LAUNCHDB_TEST_SERVER = '0';
    console.warn(`Postgres server unreachable (${(error as Error).message}); server suites will be skipped`);
  }
}
