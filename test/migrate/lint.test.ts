import { it } from 'vitest';
import { lintSql } from '../../src/stores/postgres/migrate/lint/lint.js';

it('smoke', async () => {
  const sql = `-- hello
create table t (id serial primary key, b timestamp, c char(3), d json);
create index on t (b);
create index i_users_email on users (email);
alter table users add column x uuid default gen_random_uuid(), add column y int not null, alter column e type varchar(20), alter column f type bigint;
alter table users alter column name set not null; -- launchdb-lint-ignore drop-column
alter table users drop column legacy;
alter table users rename column a to b;
alter table users rename to people;
drop table users, t;
drop index concurrently i_old;
truncate a, b cascade;
begin;
alter table orders add constraint fk foreign key (user_id) references users(id), add constraint ck check (x > 0), add constraint uq unique (z), add constraint uq2 unique using index z_idx;
alter table orders add constraint ck2 check (total is not null) not valid;
alter table orders validate constraint ck2;
alter table orders alter column total set not null;
create table ${'a'.repeat(70)} (id bigint generated always as identity primary key);
commit;
drop database prod;
`;
  const findings = await lintSql({ file: 'x.sql', sql, noTransaction: false }, { sessionLockTimeout: false });
  for (const f of findings)
    console.log(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}: ${f.message}`);
  console.log(await lintSql({ file: 'y.sql', sql: 'select 1;\ncreate tabel x ();', noTransaction: false }));
});
