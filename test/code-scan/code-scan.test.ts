// The code scan over fixtures that state their own expectations, its precision and recall, the CLI, and the check.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanCodeDocument } from '../../src/cli/commands/scan-code.js';
import { run as scanCodeCommand } from '../../src/cli/commands/scan-code.js';
import type { Io } from '../../src/cli/io.js';
import type { CodeScanResult } from '../../src/code-scan/finding.js';
import { scanCode } from '../../src/code-scan/scan-code.js';
import { findSourceFiles } from '../../src/code-scan/source-files.js';
import type { LaunchdbConfig } from '../../src/core/config/types.js';
import { UsageError } from '../../src/core/errors.js';
import { Project } from '../../src/core/project.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import {
  connectionsPoolPerRequest,
  NO_SOURCE_SKIP,
} from '../../src/stores/postgres/checks/pool-per-request.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

/** `file:line:rule` keys read from the fixtures' `// expect: RULE` and `// expect-not: RULE` comments. */
function readExpectations(): { expected: Set<string>; negatives: Set<string> } {
  const expected = new Set<string>();
  const negatives = new Set<string>();
  for (const path of findSourceFiles([FIXTURES])) {
    const file = relative(FIXTURES, path);
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((text, index) => {
        const [, kind, rules] = /\/\/ (expect|expect-not): ([a-z-]+(?:, *[a-z-]+)*)/.exec(text) ?? [];
        for (const rule of rules?.split(/, */) ?? []) {
          (kind === 'expect' ? expected : negatives).add(`${file}:${index + 1}:${rule}`);
        }
      });
  }
  return { expected, negatives };
}

const keyOf = (finding: { file: string; line: number; rule: string }) =>
  `${finding.file}:${finding.line}:${finding.rule}`;

let result: CodeScanResult;
let found: Set<string>;
const { expected, negatives } = readExpectations();

beforeAll(async () => {
  result = await scanCode({ paths: [FIXTURES], base: FIXTURES });
  found = new Set(result.findings.map(keyOf));
});

describe('the fixtures', () => {
  const groups: [string, string][] = [
    [
      'express',
      'Express routes, middleware, wrapped and bound handlers, same-file and imported helpers, CommonJS',
    ],
    ['koa', 'Koa middleware and @koa/router routes'],
    ['fastify', 'Fastify routes, route options, plugins, request hooks; decorate() and onReady run once'],
    ['hono', "Hono routes, on() and chains; Kysely over an inline pool; Neon's and undici's pools pass"],
    ['nest', 'NestJS controller routes; a repository field pool is one per instance'],
    ['next', 'Next.js route handlers, server actions, pages/api, getServerSideProps, server components'],
    ['sveltekit', 'SvelteKit endpoints'],
    ['remix', 'Remix loaders and actions'],
    ['nuxt', 'Nuxt server routes'],
    ['astro', 'Astro endpoints'],
    ['trpc', 'tRPC procedures; the context client is made once'],
    ['node-http', "Node's http request listener; a 'listening' handler runs once"],
    ['lambda', 'AWS Lambda handlers, ES modules and CommonJS through middy'],
    ['netlify', 'Netlify functions'],
    ['api', 'Vercel functions under api/'],
    ['services', 'a class method reached through an imported instance, returning a fresh client'],
    ['singletons', 'module-scope singletons of every driver, used by handlers'],
    ['scripts', 'scripts and factories never called from a handler'],
    ['release', 'clients released in a finally, or not on every path; returned or handed to a callback'],
  ];

  it.each(groups)('%s: %s — finds exactly what the fixture expects', (folder) => {
    const inFolder = (key: string) => key.startsWith(`${folder}/`);
    expect([...found].filter(inFolder).sort()).toEqual([...expected].filter(inFolder).sort());
  });

  it('covers every fixture folder', () => {
    const folders = new Set([...expected, ...negatives].map((key) => key.split('/')[0]));
    expect([...folders].sort()).toEqual(groups.map(([folder]) => folder).sort());
  });

  it('has precision and recall of 1 over every expected finding and every true negative', () => {
    const truePositives = [...found].filter((key) => expected.has(key)).length;
    const falsePositives = [...found].filter((key) => !expected.has(key));
    const falseNegatives = [...expected].filter((key) => !found.has(key));
    const precision = truePositives / (truePositives + falsePositives.length);
    const recall = truePositives / (truePositives + falseNegatives.length);
    const flaggedNegatives = [...negatives].filter((key) => found.has(key));
    console.info(
      `code scan fixtures: ${expected.size} expected findings, ${negatives.size} true negatives; ` +
        `precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}`,
    );
    expect({ falsePositives, falseNegatives, flaggedNegatives }).toEqual({
      falsePositives: [],
      falseNegatives: [],
      flaggedNegatives: [],
    });
    expect(expected.size).toBeGreaterThanOrEqual(35);
    expect(negatives.size).toBeGreaterThanOrEqual(35);
  });

  it('names the handler and the functions that lead to the pool', () => {
    const finding = result.findings.find((candidate) => candidate.file === 'services/user-service.ts')!;
    expect(finding).toMatchObject({
      rule: 'pool-per-request',
      severity: 'error',
      line: 12,
      column: 12,
      call: 'knex()',
      handler: { framework: 'Express', name: 'route GET /me', file: 'express/routes.ts', line: 56 },
      via: ['UserService.list()', 'UserService.connect()'],
      fix: 'create the pool once at module scope and reuse it; see docs/POOL.md',
    });
  });

  it('follows a tsconfig path alias (`@/lib/db`) to the helper', () => {
    const finding = result.findings.find(
      (candidate) => candidate.file === 'next/lib/db.ts' && candidate.line === 7,
    );
    expect(finding?.handler).toMatchObject({ framework: 'Next.js', name: 'route handler POST' });
  });

  it('says which path leaves a client checked out', () => {
    const messages = result.findings
      .filter((finding) => finding.file === 'release/queries.ts')
      .map((finding) => finding.message.split(': ')[1]);
    expect(messages).toEqual([
      'an error thrown on line 44 leaves it checked out',
      'the return on line 53 leaves it checked out',
      'it is never released',
      'it is still checked out when the function ends',
      'the client is never kept, so it is never released',
    ]);
  });
});

describe('what the scan reads', () => {
  let dir: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  const PER_REQUEST = `import express from 'express';
import { Pool } from 'pg';
const app = express();
app.get('/', async (_req, res) => {
  const pool = new Pool();
  res.json((await pool.query('select 1')).rows);
});
`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'launchdb-scan-'));
    write('src/app.ts', PER_REQUEST);
    for (const skipped of [
      'node_modules/lib/index.js',
      'dist/app.js',
      'build/app.js',
      '.next/server.js',
      'coverage/x.js',
      '.cache/y.ts',
    ]) {
      write(skipped, PER_REQUEST);
    }
    write('src/types.d.ts', PER_REQUEST);
    write(
      'src/ignored.ts',
      PER_REQUEST.replace(
        '  const pool',
        '  // launchdb-scan-ignore pool-per-request -- a one-off admin tool\n  const pool',
      ),
    );
    write(
      'src/other-rule-ignored.ts',
      PER_REQUEST.replace('new Pool();', 'new Pool(); // launchdb-scan-ignore client-not-released'),
    );
    write('src/bundle.js', `${'// generated\n'.repeat(90_000)}${PER_REQUEST}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('skips installed packages, build output, dot-folders, declarations and bundles; honours ignore comments', async () => {
    const scan = await scanCode({ paths: [dir], base: dir });
    expect(scan.findings.map((finding) => finding.file)).toEqual(['src/app.ts', 'src/other-rule-ignored.ts']);
    expect(scan.files).toBe(3);
    expect(scan.skipped).toEqual([
      { file: 'src/bundle.js', reason: expect.stringMatching(/^over 1 MB .*: bundled or generated code$/) },
    ]);
  });
});

/** Runs `launchdb scan code` (the command module) with captured output. */
async function scanCodeCli(
  positionals: string[],
  options: { cwd: string; json?: boolean },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd: options.cwd,
    secrets: new Set(),
    out: (text) => {
      stdout += text;
    },
    outUnredacted: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    style: (_style, text) => text,
    ask: async () => undefined,
  };
  const code = await scanCodeCommand({ positionals, flags: { json: options.json } }, io);
  return { code, stdout, stderr };
}

describe('launchdb scan code', () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'launchdb-scan-project-'));
    mkdirSync(join(project, 'server'));
    writeFileSync(
      join(project, 'server', 'db.ts'),
      "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
    );
    const config = {
      project: 'scanapp',
      environments: { development: {} },
      connections: { source: ['server'] },
    };
    writeFileSync(join(project, 'launchdb.config.json'), JSON.stringify(config));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('prints file:line:col: rule: message for each finding and exits 1', async () => {
    const { code, stdout } = await scanCodeCli(['release'], { cwd: FIXTURES });
    expect(code).toBe(1);
    expect(stdout).toContain(
      'release/queries.ts:43:24: client-not-released: pool.connect() checks out a client that is not released on every path: an error thrown on line 44 leaves it checked out\n',
    );
    expect(stdout).toContain('\n6 problems (6 client-not-released) in 2 files\n');
    expect(stdout).toContain('fix (client-not-released): release the client in a finally');
  });

  it('gives one JSON document with --json', async () => {
    const { code, stdout } = await scanCodeCli(['express', 'services'], { cwd: FIXTURES, json: true });
    const document = JSON.parse(stdout) as ScanCodeDocument;
    expect(code).toBe(1);
    expect(document).toMatchObject({
      paths: ['express', 'services'],
      files: 5,
      counts: { 'pool-per-request': 9, 'client-not-released': 0 },
      skipped: [],
    });
    expect(document.findings[0]).toMatchObject({
      file: 'express/products-service.ts',
      line: 6,
      rule: 'pool-per-request',
    });
  });

  it('exits 0 when the code is clean', async () => {
    const { code, stdout } = await scanCodeCli(['singletons'], { cwd: FIXTURES });
    expect(code).toBe(0);
    expect(stdout).toBe('no pools or clients made per request, none left checked out, in 2 files\n');
  });

  it('refuses a folder that does not exist (exit 2)', async () => {
    const scan = scanCodeCli(['express', 'no-such-folder'], { cwd: FIXTURES });
    await expect(scan).rejects.toThrow(UsageError);
    await expect(scan).rejects.toMatchObject({ exitCode: 2, message: 'no such folder: no-such-folder' });
  });

  it('refuses a path that holds no source file instead of reporting 0 files clean (exit 2)', async () => {
    const scan = scanCodeCli(['next/tsconfig.json'], { cwd: FIXTURES });
    await expect(scan).rejects.toMatchObject({
      exitCode: 2,
      message: 'no TypeScript or JavaScript files in next/tsconfig.json',
    });
  });

  it("scans the config's connections.source by default, from the project root", async () => {
    const { code, stdout } = await scanCodeCli([], { cwd: join(project, 'server'), json: true });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ paths: ['server'], files: 1 });
  });

  it('scans the current folder when there is no config', async () => {
    const { code, stdout } = await scanCodeCli([], { cwd: join(FIXTURES, 'lambda'), json: true });
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ paths: ['.'], files: 2, counts: { 'pool-per-request': 2 } });
  });
});

describe('connections.pool-per-request', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'launchdb-scan-check-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /**
   * The check's context, with the app's database at a port where nothing listens: the check must
   * not need it, so it passes or fails on the code alone.
   */
  function contextFor(connections: LaunchdbConfig['connections']): PostgresCheckContext {
    const config: LaunchdbConfig = {
      project: 'scanapp',
      environments: { development: { postgres: { url: 'postgresql://app@127.0.0.1:1/nothing' } } },
      connections,
    };
    const project = new Project({ config, file: join(root, 'launchdb.config.json'), root });
    const env = project.environment('development');
    const postgres = new PostgresSession(env, resolvePostgresTarget(env)!, {
      connectTimeoutMs: 500,
      command: 'check',
    });
    return { project, env, postgres, now: new Date() };
  }

  it('skips, with the reason, when the config names no source folders', async () => {
    expect(await connectionsPoolPerRequest.run(contextFor(undefined))).toEqual({
      status: 'skip',
      summary: NO_SOURCE_SKIP,
    });
  });

  it('fails on pools made per request, listing where', async () => {
    const outcome = await connectionsPoolPerRequest.run(contextFor({ source: [join(FIXTURES, 'next')] }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^10 pools or clients made per request: \S+next\/app\/actions\.ts:7 \(postgres\(\)\), .* and 7 more$/,
    );
    expect(outcome.fix).toContain('create the pool once at module scope and reuse it; see docs/POOL.md');
    expect((outcome.details as { findings: unknown[] }).findings).toHaveLength(10);
  });

  it('warns when clients are only not released on every path', async () => {
    const outcome = await connectionsPoolPerRequest.run(contextFor({ source: [join(FIXTURES, 'release')] }));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(/^6 clients not released on every path: /);
  });

  it('passes on clean code', async () => {
    const outcome = await connectionsPoolPerRequest.run(
      contextFor({ source: [join(FIXTURES, 'singletons')] }),
    );
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: 'no pool or client made per request, none left checked out, in 2 files',
    });
  });

  it('is an error, with the fix, when a source folder does not exist', async () => {
    const outcome = await connectionsPoolPerRequest.run(contextFor({ source: ['src'] }));
    expect(outcome).toMatchObject({
      status: 'error',
      summary: 'connections.source names src, which does not exist',
    });
  });
});
