// The calls that open database connections: pool and client constructors of the common drivers and ORMs.
import type * as TS from 'typescript';
import { calleeOrigin, type Imports, skipOuter } from './module-imports.js';
import { ts } from './typescript.js';

export interface FactoryMatch {
  /** How the call reads in a finding: `new Pool()`, `postgres()`, `mysql.createPool()`. */
  call: string;
  /** What each call opens: `a new pool`, `a new connection`. */
  opens: string;
  /** A pool hands out clients (`pool.connect()`); a client or connection is used itself. */
  isPool: boolean;
  /** A client that opens nothing until `.connect()` is called on it (pg's `Client`). */
  needsConnect: boolean;
}

interface Factory {
  /** The modules that export it. */
  modules: readonly string[];
  /** The export's name; `default` for the module's default export. */
  name: string;
  how: 'new' | 'call';
  opens: string;
  needsConnect?: boolean;
  /** For wrappers that open a connection only when given one to open: `drizzle(url)`, not `drizzle(pool)`. */
  opensWith?: (call: TS.CallExpression | TS.NewExpression) => boolean;
}

const MYSQL = ['mysql', 'mysql2', 'mysql2/promise', 'mariadb', 'mariadb/callback'];
const POOL = 'a new pool';
const CONNECTION = 'a new connection';
const CLIENT = 'a new client and its pool';

/*
 * Deliberately absent: `@neondatabase/serverless` (on edge runtimes its Pool and Client must live
 * within one request, as Neon documents; `neon()` is stateless HTTP), `@planetscale/database` and
 * `@supabase/supabase-js` (HTTP clients), and `new Kysely()` or `drizzle(pool)` over a pool made
 * elsewhere (thin wrappers: the pool they are given is what counts, and is found where it is made).
 */
const FACTORIES: readonly Factory[] = [
  { modules: ['pg', 'pg-pool'], name: 'Pool', how: 'new', opens: POOL },
  { modules: ['pg', 'pg-pool'], name: 'default', how: 'new', opens: POOL },
  { modules: ['pg'], name: 'Client', how: 'new', opens: CONNECTION, needsConnect: true },
  { modules: ['launchdb/pool'], name: 'createPool', how: 'call', opens: POOL },
  { modules: ['postgres'], name: 'default', how: 'call', opens: POOL },
  { modules: MYSQL, name: 'createPool', how: 'call', opens: POOL },
  { modules: MYSQL, name: 'createPoolCluster', how: 'call', opens: POOL },
  { modules: MYSQL, name: 'createConnection', how: 'call', opens: CONNECTION },
  { modules: ['@vercel/postgres'], name: 'createPool', how: 'call', opens: POOL },
  {
    modules: ['@vercel/postgres'],
    name: 'createClient',
    how: 'call',
    opens: CONNECTION,
    needsConnect: true,
  },
  { modules: ['knex'], name: 'default', how: 'call', opens: CLIENT },
  { modules: ['knex'], name: 'knex', how: 'call', opens: CLIENT },
  { modules: ['sequelize', '@sequelize/core'], name: 'Sequelize', how: 'new', opens: CLIENT },
  { modules: ['typeorm'], name: 'DataSource', how: 'new', opens: CLIENT },
  { modules: ['mongodb'], name: 'MongoClient', how: 'new', opens: CLIENT },
  {
    modules: ['@libsql/client', '@libsql/client/node'],
    name: 'createClient',
    how: 'call',
    opens: CONNECTION,
  },
  {
    modules: ['redis', '@redis/client'],
    name: 'createClient',
    how: 'call',
    opens: CONNECTION,
    needsConnect: true,
  },
  { modules: ['ioredis'], name: 'default', how: 'new', opens: CONNECTION },
  { modules: ['ioredis'], name: 'Redis', how: 'new', opens: CONNECTION },
  {
    modules: ['drizzle-orm/node-postgres', 'drizzle-orm/postgres-js', 'drizzle-orm/mysql2'],
    name: 'drizzle',
    how: 'call',
    opens: CLIENT,
    opensWith: drizzleOpensItsOwn,
  },
];

const PRISMA_CLIENT = 'PrismaClient';

/** The factory a `new …(…)` or `…(…)` is, if it opens connections. */
export function connectionFactory(
  node: TS.NewExpression | TS.CallExpression,
  imports: Imports,
  source: TS.SourceFile,
): FactoryMatch | undefined {
  const how = ts.isNewExpression(node) ? 'new' : 'call';
  const callee = skipOuter(node.expression);
  // Prisma's client is generated into a path of the app's choosing, so its name is enough.
  if (how === 'new' && isPrismaClient(callee, imports)) {
    return { call: describeCall(node, source), opens: CLIENT, isPool: false, needsConnect: false };
  }
  const origin = calleeOrigin(callee, imports);
  if (!origin) return undefined;
  const factory = FACTORIES.find(
    (candidate) =>
      candidate.how === how && candidate.name === origin.name && candidate.modules.includes(origin.module),
  );
  if (!factory || (factory.opensWith && !factory.opensWith(node))) return undefined;
  return {
    call: describeCall(node, source),
    opens: factory.opens,
    isPool: factory.opens === POOL,
    needsConnect: factory.needsConnect === true,
  };
}

function isPrismaClient(callee: TS.Expression, imports: Imports): boolean {
  if (ts.isIdentifier(callee)) {
    const origin = imports.get(callee.text);
    return origin ? origin.name === PRISMA_CLIENT : callee.text === PRISMA_CLIENT;
  }
  return ts.isPropertyAccessExpression(callee) && callee.name.text === PRISMA_CLIENT;
}

/**
 * `drizzle(process.env.DATABASE_URL)`, `drizzle('postgres://…')` and `drizzle({ connection })` open
 * a pool of their own; `drizzle(pool)` and `drizzle({ client })` wrap one made elsewhere.
 */
function drizzleOpensItsOwn(call: TS.CallExpression | TS.NewExpression): boolean {
  const first = call.arguments?.[0];
  if (!first) return false;
  const argument = skipOuter(first);
  if (ts.isStringLiteralLike(argument) || ts.isTemplateExpression(argument)) return true;
  if (ts.isObjectLiteralExpression(argument)) {
    return argument.properties.some((property) => property.name?.getText() === 'connection');
  }
  // A property of the environment: `process.env.DATABASE_URL`, `env.DATABASE_URL`.
  return ts.isPropertyAccessExpression(argument) && /\benv\b/.test(argument.expression.getText());
}

/** `new Pool()`, `new pg.Pool()`, `postgres()`: the callee as written, arguments elided. */
function describeCall(node: TS.NewExpression | TS.CallExpression, source: TS.SourceFile): string {
  const callee = node.expression.getText(source);
  const written = callee.length <= 40 && !callee.includes('\n') ? callee : calleeName(node.expression);
  return `${ts.isNewExpression(node) ? 'new ' : ''}${written}()`;
}

function calleeName(expression: TS.Expression): string {
  const inner = skipOuter(expression);
  if (ts.isPropertyAccessExpression(inner)) return inner.name.text;
  if (ts.isIdentifier(inner)) return inner.text;
  return 'factory';
}
