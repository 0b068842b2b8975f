// The CI recipes in examples/ci (quoted by docs/CI.md) run as written: each `run:` and `script:`
// command of their lint and gate jobs runs here, in bash as the CI runs it, on a copy of
// examples/shop on the embedded default, with the variables the CI would set. Needs dist/.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, type CliResult, runCli, runProcess } from '../helpers/cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { type RunningScheduler, startScheduler, stopSchedulers } from '../helpers/scheduler.js';
import { serveEmbeddedEnvironment, startShopApp } from '../helpers/shop-app.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const GITHUB_RECIPE = join(EXAMPLES, 'ci/github-deploy-gate.yml');
const GITLAB_RECIPE = join(EXAMPLES, 'ci/gitlab-ci.yml');
/** The CI's secrets. DATABASE_URL is not one here: the shop's production is the embedded default. */
const SECRETS: Record<string, string> = { LAUNCHDB_BACKUP_KEY: 'the shop backup key for the CI recipe test' };

/**
 * The deploy, as far as the smoke job sees it: the shop's app running on production (its embedded
 * database served), its URL the APP_URL secret, for as long as `fn` runs.
 */
async function withShopApp<T>(fn: () => Promise<T>): Promise<T> {
  const served = await serveEmbeddedEnvironment({ cwd: shop, env: 'production' });
  try {
    const app = await startShopApp({ databaseUrl: served.url, cwd: shop });
    SECRETS.APP_URL = app.url;
    try {
      return await fn();
    } finally {
      delete SECRETS.APP_URL;
      await app.stop();
    }
  } finally {
    await served.stop();
  }
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface GithubJob {
  if?: string;
  env?: Record<string, string>;
  steps: Step[];
}
interface GitlabJob {
  rules?: { if: string }[];
  variables?: Record<string, string>;
  script: string[];
  artifacts?: { paths?: string[]; reports?: { junit?: string } };
}

it('docs/CI.md quotes both recipes exactly', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/CI.md', import.meta.url)), 'utf8');
  for (const recipe of [GITHUB_RECIPE, GITLAB_RECIPE]) {
    expect(doc).toContain(`\`\`\`yaml\n${readFileSync(recipe, 'utf8')}\`\`\`\n`);
  }
});

let shop: string;
let scheduler: RunningScheduler | undefined;
beforeAll(async () => {
  shop = mkdtempSync(join(tmpdir(), 'launchdb-ci-shop-'));
  cpSync(join(EXAMPLES, 'shop'), shop, {
    recursive: true,
    filter: (source) => !/[\\/](\.launchdb|node_modules)$/.test(source),
  });
  // Once, before the first deploy, as operations would: attach production, apply, seed, name the
  // admin, back up and drill, so the gate's verdict is ready.
  process.env.LAUNCHDB_BACKUP_KEY = SECRETS.LAUNCHDB_BACKUP_KEY;
  try {
    const production = ['--env', 'production', '--confirm', 'production'];
    for (const args of [
      ['attach', 'postgres'],
      ['migrate', 'up'],
      ['seed'],
      ['admin', 'create', '--email', 'ops@shop.dev', '--name', 'Shop Operator'],
      ['backup', 'create'],
      ['backup', 'drill'],
    ]) {
      const owner =
        args[0] === 'admin' ? ['--owner', 'Ada Lovelace <ada@shop.dev>', '--reason', 'runs the shop'] : [];
      const result = await runCli([...args, ...production, ...owner], { cwd: shop });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
  } finally {
    delete process.env.LAUNCHDB_BACKUP_KEY;
  }
  // And the scheduler runs as a service, taking the shop's nightly backup and prune jobs: the gate's
  // backups.schedule-ran and backups.prune-ran see it waiting for their first slot.
  scheduler = await startScheduler(shop, ['--env', 'production', '--confirm', 'production']);
});
afterAll(async () => {
  if (scheduler) await stopSchedulers([scheduler]);
  rmSync(shop, { recursive: true, force: true });
});

describe('examples/ci/github-deploy-gate.yml', () => {
  const workflow = parse(readFileSync(GITHUB_RECIPE, 'utf8')) as {
    env?: Record<string, string>;
    jobs: Record<string, GithubJob>;
  };

  it('lint job: SARIF, then migrate lint and scan code as annotations, on pull requests', async () => {
    const job = workflow.jobs.lint!;
    expect(githubCondition(job.if, 'pull_request')).toBe(true);
    expect(githubCondition(job.if, 'push')).toBe(false);
    const { uploads } = await runGithubJob(job, 'pull_request');
    expect(uploads).toEqual(['launchdb-lint.sarif', 'launchdb-code.sarif']);
    for (const file of uploads)
      expect(sarifErrors(JSON.parse(readFileSync(join(shop, file), 'utf8')))).toEqual([]);
  });

  it('deploy gate: migrate up, then check: ready, with JUnit, SARIF and the job summary', async () => {
    const job = workflow.jobs['deploy-gate']!;
    expect(githubCondition(job.if, 'push')).toBe(true);
    const { uploads, summary } = await runGithubJob(job, 'push');
    expect(uploads).toEqual(['reports/launchdb-check.xml', 'launchdb-check.sarif']);
    expect(readFileSync(join(shop, 'reports/launchdb-check.xml'), 'utf8')).toContain(
      '<testsuites name="launchdb shop production"',
    );
    const sarif = JSON.parse(readFileSync(join(shop, 'launchdb-check.sarif'), 'utf8'));
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results.filter((result: { level: string }) => result.level === 'error')).toEqual([]);
    expect(summary).toContain('## launchdb: shop, environment production: ✅ ready');
  });

  it('smoke job, after the deploy: smoke through the live app, then the full verdict', async () => {
    const job = workflow.jobs.smoke!;
    expect(githubCondition(job.if, 'push')).toBe(true);
    const { uploads, summary } = await withShopApp(() => runGithubJob(job, 'push'));
    expect(uploads).toEqual(['reports/launchdb-smoke.xml']);
    expect(readFileSync(join(shop, 'reports/launchdb-smoke.xml'), 'utf8')).toContain('failures="0"');
    expect(summary).toContain('## launchdb: shop, environment production: ✅ ready');
  });

  /** Runs the job's steps in order, as the runner would; returns the files its upload steps name. */
  async function runGithubJob(job: GithubJob, event: string) {
    removeOutputs();
    const summaryFile = join(shop, '..', `${shop.split('/').at(-1)}-step-summary.md`);
    const uploads: string[] = [];
    for (const step of job.steps) {
      if (step.uses) {
        const file = step.with?.sarif_file ?? step.with?.path;
        if (file) uploads.push(file);
        continue;
      }
      const run = step.run!;
      // The test's stand-in for installing the project's dependencies.
      if (run.trim() === 'npm ci') {
        installLaunchdb(shop);
        continue;
      }
      writeFileSync(summaryFile, '');
      const variables = {
        ...evaluateGithub({ ...workflow.env, ...job.env, ...step.env }),
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: event,
        GITHUB_WORKSPACE: shop,
        GITHUB_STEP_SUMMARY: summaryFile,
      };
      const result = await bash(
        ['--noprofile', '--norc', '-eo', 'pipefail', '-c', evaluateGithub({ run }).run!],
        variables,
      );
      expect(result.code, `step ${step.name ?? run}:\n${result.stdout}\n${result.stderr}`).toBe(0);
    }
    for (const file of uploads) expect(existsSync(join(shop, file)), file).toBe(true);
    const summary = readFileSync(summaryFile, 'utf8');
    rmSync(summaryFile, { force: true });
    return { uploads, summary };
  }
});

describe('examples/ci/gitlab-ci.yml', () => {
  const pipeline = parse(readFileSync(GITLAB_RECIPE, 'utf8')) as Record<string, unknown> & {
    default: { before_script: string[] };
    variables?: Record<string, string>;
  };
  const CI_VARIABLES = { CI: 'true', GITLAB_CI: 'true', CI_DEFAULT_BRANCH: 'main' };

  it('lint job: SARIF kept, then migrate lint and scan code, on merge requests', async () => {
    const job = pipeline['launchdb-lint'] as GitlabJob;
    const variables = { ...CI_VARIABLES, CI_PIPELINE_SOURCE: 'merge_request_event', CI_COMMIT_BRANCH: '' };
    expect(gitlabRules(job, variables)).toBe(true);
    await runGitlabJob(job, variables);
    for (const file of job.artifacts!.paths!) {
      expect(sarifErrors(JSON.parse(readFileSync(join(shop, file), 'utf8')))).toEqual([]);
    }
  });

  it('gate job: migrate up, then check: ready, with the JUnit report', async () => {
    const job = pipeline['launchdb-gate'] as GitlabJob;
    const variables = { ...CI_VARIABLES, CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main' };
    expect(gitlabRules(job, variables)).toBe(true);
    expect(gitlabRules(job, { ...variables, CI_COMMIT_BRANCH: 'feature' })).toBe(false);
    await runGitlabJob(job, variables);
    expect(readFileSync(join(shop, job.artifacts!.reports!.junit!), 'utf8')).toContain(
      'failures="0" errors="0"',
    );
    expect(sarifErrors(JSON.parse(readFileSync(join(shop, 'launchdb-check.sarif'), 'utf8')))).toEqual([]);
  });

  it('smoke job, after the deploy: smoke through the live app, then the full verdict', async () => {
    const job = pipeline['launchdb-smoke'] as GitlabJob;
    const variables = { ...CI_VARIABLES, CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main' };
    expect(gitlabRules(job, variables)).toBe(true);
    await withShopApp(() => runGitlabJob(job, variables));
    expect(readFileSync(join(shop, job.artifacts!.reports!.junit!), 'utf8')).toContain('failures="0"');
  });

  /** before_script and script in one shell, as the runner runs them; the artifacts must exist. */
  async function runGitlabJob(job: GitlabJob, ci: Record<string, string>) {
    removeOutputs();
    const lines = [...pipeline.default.before_script, ...job.script].filter((line) => {
      if (line.trim() !== 'npm ci') return true;
      installLaunchdb(shop); // the test's stand-in for installing the project's dependencies
      return false;
    });
    const variables = { ...pipeline.variables, ...job.variables, ...ci, ...SECRETS, CI_PROJECT_DIR: shop };
    const result = await bash(
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', lines.join('\n')],
      variables,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const artifacts = [...(job.artifacts?.paths ?? []), ...Object.values(job.artifacts?.reports ?? {})];
    for (const file of artifacts) expect(existsSync(join(shop, file)), file).toBe(true);
  }
});

/** What an earlier job wrote, so each job's files are its own. */
function removeOutputs(): void {
  for (const file of ['launchdb-lint.sarif', 'launchdb-code.sarif', 'launchdb-check.sarif', 'reports']) {
    rmSync(join(shop, file), { recursive: true, force: true });
  }
}

/** `node_modules/.bin/launchdb` running the built CLI, as `npm ci` installs it: `npx launchdb` finds it there. */
function installLaunchdb(project: string): void {
  mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
  const bin = join(project, 'node_modules/.bin/launchdb');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(bin, 0o755);
}

/** `${{ secrets.NAME }}` replaced as Actions does (a missing secret is empty); any other expression is refused. */
function evaluateGithub(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      String(value ?? '').replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
        const secret = /^secrets\.(\w+)$/.exec(expression);
        if (!secret) throw new Error(`the test knows only secrets.NAME, not \${{ ${expression} }}`);
        return SECRETS[secret[1]!] ?? '';
      }),
    ]),
  );
}

/** A job's `if:`, of the one form the recipe uses: `github.event_name == '…'`. */
function githubCondition(condition: string | undefined, event: string): boolean {
  const match = /^github\.event_name == '([\w-]+)'$/.exec(condition ?? '');
  if (!match) throw new Error(`the test knows only github.event_name == '…', not ${condition}`);
  return match[1] === event;
}

/** Whether a job's rules let it run: rules of the form `$A == "x"` or `$A == $B`. */
function gitlabRules(job: GitlabJob, variables: Record<string, string>): boolean {
  return (job.rules ?? []).some((rule) => {
    const match = /^\$(\w+) == (?:"([^"]*)"|\$(\w+))$/.exec(rule.if);
    if (!match) throw new Error(`the test knows only $A == "x" and $A == $B, not ${rule.if}`);
    const [, left, literal, right] = match;
    return (variables[left!] ?? '') === (literal ?? variables[right!] ?? '');
  });
}

/** bash in the shop copy with the CI's variables over this process's, less any database or launchdb setting of ours. */
function bash(args: string[], variables: Record<string, string>): Promise<CliResult> {
  const ours = Object.keys(process.env).filter((name) => /^(DATABASE_|LAUNCHDB_|PG)/.test(name));
  return runProcess('bash', args, {
    cwd: shop,
    env: { ...Object.fromEntries(ours.map((name) => [name, undefined])), ...variables },
    timeoutMs: 120_000,
  });
}
