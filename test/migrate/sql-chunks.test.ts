// The chunker that lets large files be parsed, linted and sent in pieces: its statements are the
// real parser's, whatever quotes, comments and function bodies hold, and its chunks keep their lines.
import { describe, expect, it } from 'vitest';
import { loadParser } from '../../src/stores/postgres/sql/parser.js';
import { sqlChunks } from '../../src/stores/postgres/sql/sql-chunks.js';

const TRICKY = `-- a comment; with a semicolon
select 1; select 'a;b', 'it''s; fine';
select E'\\'; still the string', E'\\\\'; select "we;ird ""id""" from (select 1 as "we;ird ""id""") x;
/* block; /* nested; */ still comment; */ select 2;
create function f() returns text language sql as $$ select 'x;y' $$;
create function g() returns text language plpgsql as $body$ begin return $$;$$; end $body$;
create function h(a int) returns int language sql begin atomic select a + 1; select case when a > 0 then 1 else 2 end; end;
create or replace procedure p() language sql begin atomic insert into t values (1); end;
select $1::int, a$b from (select 1 as a$b) s
  where true;
select U&'d\\0061t\\+000061;', B'1010', X'1F', N'n;';
select 'élan; ☃', '🎉;';
insert into t values (1)`;

/** A statement's syntax tree without positions, to compare two parses of one statement. */
function tree(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v) => (/location|stmt_len/.test(key) ? undefined : v)));
}

async function parsed(sql: string) {
  const result = (await loadParser()).parse(sql);
  if ('failure' in result) throw new Error(result.failure.message);
  return result.statements;
}

/** Lines as the reader of project files gives them: each piece ends at a line end. */
function linePieces(text: string): string[] {
  return text.split(/(?<=\n)/);
}

describe('sqlChunks', () => {
  it('finds the statements the Postgres parser finds, through quotes, comments, dollar quotes and BEGIN ATOMIC', async () => {
    const chunks = [...sqlChunks(linePieces(TRICKY))];
    expect(chunks).toHaveLength(1);
    const ours = chunks[0]!.statements.map(({ start, end }) => chunks[0]!.text.slice(start, end));
    const theirs = await parsed(TRICKY);
    expect(ours).toHaveLength(theirs.length);
    for (const [index, statement] of ours.entries()) {
      const alone = await parsed(statement);
      expect(alone).toHaveLength(1);
      expect(tree(alone[0]!.stmt)).toEqual(tree(theirs[index]!.stmt));
    }
    expect(ours[0]).toBe('select 1;');
    expect(ours.at(-1)).toBe('insert into t values (1)');
  });

  it('cuts chunks only at line ends between statements, each starting on the line it names', () => {
    const lines = Array.from(
      { length: 200 },
      (_, i) => `insert into t values (${i}, 'a;\nb'); -- row ${i}\n`,
    );
    const text = `${lines.join('')}select $$\n;\n$$;\n`;
    const chunks = [...sqlChunks(linePieces(text), 500)];
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
    let line = 1;
    for (const chunk of chunks) {
      expect(chunk.line).toBe(line);
      line += chunk.text.split('\n').length - 1;
      // A trailing comment stays with its statement's line.
      expect(chunk.text.endsWith('\n')).toBe(true);
    }
    expect(chunks.flatMap((chunk) => chunk.statements)).toHaveLength(201);
  });

  it('gives pieces cut anywhere the same statements as the whole text', () => {
    const whole = [...sqlChunks([TRICKY])].flatMap((chunk) => chunk.statements);
    const pieces = [];
    for (let at = 0; at < TRICKY.length; at += 7) pieces.push(TRICKY.slice(at, at + 7));
    expect([...sqlChunks(pieces)].flatMap((chunk) => chunk.statements)).toEqual(whole);
  });

  it('counts only comments and blanks as no statement', () => {
    expect([...sqlChunks(['-- nothing\n/* here; */\n ;\n'])].flatMap((chunk) => chunk.statements)).toEqual(
      [],
    );
  });
});
