// The postgrator anchor: `node postgrator-up.mjs DIR URL` applies every migration in DIR.
import pg from 'pg';
import Postgrator from 'postgrator';

const [dir, url] = process.argv.slice(2);
const client = new pg.Client({ connectionString: url });
await client.connect();
const postgrator = new Postgrator({
  migrationPattern: `${dir}/*`,
  driver: 'pg',
  execQuery: (query) => client.query(query),
});
await postgrator.migrate();
await client.end();
