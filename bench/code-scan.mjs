// `launchdb scan code --json` over a generated 2,000-file app, as a whole process (target ≤ 10 s),
// beside a parse-only pass over the same files with the TypeScript API: the floor any scan built on
// the compiler's parser pays (node, loading typescript, reading and parsing), so the ratio is what the
// analysis adds on top. `tsc --noEmit` would anchor a type-checking scan, which this one is not.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, row, timeRun } from './lib.mjs';

const FILES = 2000;
/** Every this many services opens a pool per call (every service is reached from a route); every this many repositories leaks a client. */
const POOL_EVERY = 97;
const LEAK_EVERY = 89;

const PARSE_ONLY = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');
const walk = (dir, out) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\\.[cm]?[jt]sx?$/.test(e.name)) out.push(p);
  }
  return out;
};
let nodes = 0;
for (const file of walk(process.argv[1], [])) {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
  nodes += source.statements.length;
}
process.stdout.write(String(nodes));
`;

export async function run({ runs = 3 } = {}) {
  const dir = benchProject('scanbench', { development: { postgres: {} } });
  try {
    const planted = writeApp(join(dir, 'src'));
    const args = [BIN, 'scan', 'code', 'src', '--json'];
    // The app has planted findings (exit 1): the scan must read all of it either way.
    const first = JSON.parse(timeRun(process.execPath, args, { cwd: dir, okCodes: [1] }).stdout);
    if (first.files !== FILES) throw new Error(`scanned ${first.files} files, expected ${FILES}`);
    const found = first.counts;
    if (found['pool-per-request'] !== planted.pools || found['client-not-released'] !== planted.leaks) {
      throw new Error(`found ${JSON.stringify(found)}, planted ${JSON.stringify(planted)}`);
    }
    const ours = [];
    const anchor = [];
    for (let i = 0; i < runs; i++) {
      ours.push(timeRun(process.execPath, args, { cwd: dir, okCodes: [1] }).ms);
      anchor.push(timeRun(process.execPath, ['-e', PARSE_ONLY, join(dir, 'src')], { cwd: process.cwd() }).ms);
    }
    return [
      row(
        `Scan a ${FILES.toLocaleString('en')}-file app, \`scan code --json\` (target ≤ 10 s; anchor: parse-only with the TypeScript API)`,
        median(ours),
        median(anchor),
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An app like a mid-sized TypeScript service: Express routers calling services, services calling
 * repositories over one shared pool, Next.js route handlers, utilities and React components.
 * Returns how many findings of each rule were planted.
 */
function writeApp(src) {
  const counts = { routes: 250, services: 400, repositories: 350, handlers: 150, utils: 450 };
  const components = FILES - 1 - Object.values(counts).reduce((sum, n) => sum + n, 0);
  const write = (path, text) => {
    mkdirSync(join(src, path, '..'), { recursive: true });
    writeFileSync(join(src, path), text);
  };
  write('db.ts', DB);
  let pools = 0;
  let leaks = 0;
  for (let i = 0; i < counts.repositories; i++) {
    const leaky = i % LEAK_EVERY === LEAK_EVERY - 1;
    if (leaky) leaks++;
    write(`repositories/repo-${i}.ts`, repository(i, leaky));
  }
  for (let i = 0; i < counts.services; i++) {
    const perCall = i % POOL_EVERY === POOL_EVERY - 1;
    if (perCall) pools++;
    write(`services/service-${i}.ts`, service(i, counts.repositories, perCall));
  }
  for (let i = 0; i < counts.routes; i++) write(`routes/router-${i}.ts`, router(i, counts.services));
  for (let i = 0; i < counts.handlers; i++) write(`app/api/r${i}/route.ts`, nextHandler(i, counts.services));
  for (let i = 0; i < counts.utils; i++) write(`utils/util-${i}.ts`, util(i));
  for (let i = 0; i < components; i++) write(`components/Component${i}.tsx`, component(i));
  return { pools, leaks };
}

const DB = `import { Pool } from 'pg';

export const pool = new Pool({ max: 10, connectionString: process.env.DATABASE_URL });
`;

function repository(i, leaky) {
  const table = `table_${i}`;
  const read = leaky
    ? `  async count(): Promise<number> {
    const client = await pool.connect();
    const { rows } = await client.query('select count(*)::int as n from ${table}');
    client.release();
    return rows[0].n;
  }`
    : `  async count(): Promise<number> {
    const client = await pool.connect();
    try {
      const { rows } = await client.query('select count(*)::int as n from ${table}');
      return rows[0].n;
    } finally {
      client.release();
    }
  }`;
  return `// Data access for ${table}.
import { pool } from '../db';

export interface Row${i} {
  id: string;
  name: string;
  email: string;
  createdAt: Date;
  settings: Record<string, unknown>;
}

export class Repository${i} {
  async findById(id: string): Promise<Row${i} | undefined> {
    const { rows } = await pool.query('select * from ${table} where id = $1', [id]);
    return rows[0];
  }

  async list(limit = 50, offset = 0): Promise<Row${i}[]> {
    const { rows } = await pool.query('select * from ${table} order by created_at desc limit $1 offset $2', [limit, offset]);
    return rows;
  }

  async insert(row: Omit<Row${i}, 'id' | 'createdAt'>): Promise<Row${i}> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query(
        'insert into ${table} (name, email, settings) values ($1, $2, $3) returning *',
        [row.name, row.email, JSON.stringify(row.settings)],
      );
      await client.query('commit');
      return rows[0];
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }

${read}
}

export const repository${i} = new Repository${i}();
`;
}

function service(i, repositories, perCall) {
  const repo = i % repositories;
  const extra = perCall
    ? `
  async audit(event: string): Promise<void> {
    const audit = new Pool({ connectionString: process.env.AUDIT_URL });
    await audit.query('insert into audit (event) values ($1)', [event]);
    await audit.end();
  }
`
    : `
  async audit(event: string): Promise<void> {
    await pool.query('insert into audit (event) values ($1)', [event]);
  }
`;
  return `// Business rules for resource ${i}.
import { Pool } from 'pg';
import { pool } from '../db';
import { repository${repo} } from '../repositories/repo-${repo}';
import { formatName${i % 450} } from '../utils/util-${i % 450}';

export interface Input${i} {
  name: string;
  email: string;
}

function validate(input: Input${i}): string[] {
  const problems: string[] = [];
  if (!input.name.trim()) problems.push('name is required');
  if (!/^[^@]+@[^@]+$/.test(input.email)) problems.push('email is invalid');
  return problems;
}

export class Service${i} {
  async get(id: string) {
    const row = await repository${repo}.findById(id);
    if (!row) throw new Error('not found: ' + id);
    return { ...row, name: formatName${i % 450}(row.name) };
  }

  async list(page: number) {
    return repository${repo}.list(50, page * 50);
  }

  async create(input: Input${i}) {
    const problems = validate(input);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const row = await repository${repo}.insert({ ...input, settings: {} });
    await this.audit('created ' + row.id);
    return row;
  }
${extra}}

export const service${i} = new Service${i}();
`;
}

function router(i, services) {
  const a = (i * 2) % services;
  const b = (i * 2 + 1) % services;
  return `// HTTP routes for resources ${a} and ${b}.
import { Router } from 'express';
import { service${a} } from '../services/service-${a}';
import { service${b} } from '../services/service-${b}';

export const router${i} = Router();

router${i}.get('/r${a}/:id', async (req, res) => {
  res.json(await service${a}.get(req.params.id));
});

router${i}.get('/r${a}', async (req, res) => {
  res.json(await service${a}.list(Number(req.query.page ?? 0)));
});

router${i}.post('/r${a}', async (req, res) => {
  res.status(201).json(await service${a}.create(req.body));
});

router${i}.get('/r${b}/:id', async (req, res) => {
  res.json(await service${b}.get(req.params.id));
});

router${i}.post('/r${b}', async (req, res) => {
  try {
    res.status(201).json(await service${b}.create(req.body));
  } catch (error) {
    res.status(400).json({ error: (error as Error).message });
  }
});
`;
}

function nextHandler(i, services) {
  const s = (i * 7) % services;
  return `// Next.js route handler for resource ${s}.
import { NextResponse } from 'next/server';
import { service${s} } from '../../../services/service-${s}';

export async function GET(request: Request) {
  const page = Number(new URL(request.url).searchParams.get('page') ?? 0);
  return NextResponse.json(await service${s}.list(page));
}

export async function POST(request: Request) {
  const body = await request.json();
  return NextResponse.json(await service${s}.create(body), { status: 201 });
}
`;
}

function util(i) {
  return `// Formatting helpers, set ${i}.
export function formatName${i}(name: string): string {
  return name
    .trim()
    .split(/\\s+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join(' ');
}

export function slug${i}(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function money${i}(cents: number, currency = 'EUR'): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}

export function chunk${i}<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
`;
}

function component(i) {
  return `// A presentational component.
import { useState } from 'react';

export interface Props${i} {
  title: string;
  items: { id: string; label: string }[];
  onSelect?: (id: string) => void;
}

export function Component${i}({ title, items, onSelect }: Props${i}) {
  const [selected, setSelected] = useState<string | undefined>();
  return (
    <section className="card">
      <h2>{title}</h2>
      <ul>
        {items.map((item) => (
          <li key={item.id} className={item.id === selected ? 'selected' : undefined}>
            <button type="button" onClick={() => { setSelected(item.id); onSelect?.(item.id); }}>
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
`;
}
