// Every number in the config has a range: a value outside it is exit 2 naming the path, the range and the value.
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const TIMER = 'from 1 to 2147483647 ms';

/** A config with `value` at `path` (dotted), everything else minimal and valid. */
function configWith(path: string, value: unknown): Record<string, unknown> {
  const config: Record<string, unknown> = { project: 'shop', environments: { production: {} } };
  const keys = path.split('.');
  let at = config;
  for (const key of keys.slice(0, -1)) {
    at[key] ??= {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
  return config;
}

function problemsOf(config: unknown): string[] {
  try {
    validateConfig(config, 'launchdb.config.ts');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

// [path, a value past the end of the range, the range as the message says it]
const CASES: [string, number, string][] = [
  ['environments.production.postgres.connectTimeout', 2 ** 31, TIMER],
  ['environments.production.postgres.appRole.statementTimeout', 1e15, TIMER],
  ['environments.production.postgres.appRole.idleInTransactionTimeout', 2 ** 31, TIMER],
  ['environments.production.postgres.appRole.lockTimeout', 0, TIMER],
  ['environments.production.postgres.appRole.connectionLimit', 1e12, 'from 1 to 262143'],
  ['checks.timeout', 99_999_999_999, TIMER],
  ['migrations.lockTimeout', 2 ** 31, TIMER],
  ['migrations.sessionLockTimeout', 2 ** 31, 'from 0 to 2147483647 ms'],
  ['migrations.statementTimeout', -1, 'from 0 to 2147483647 ms'],
  ['scan.rowsPerTable', 2 ** 31, 'from 1 to 2147483647'],
  ['scan.concurrency', 33, 'from 1 to 32'],
  ['connections.usageWarn', 75, 'a share above 0 and at most 1'],
  ['connections.usageFail', 0, 'a share above 0 and at most 1'],
  ['connections.longRunning', 2 ** 31, TIMER],
  ['connections.idleInTransaction', 2 ** 31, TIMER],
  ['connections.blocked', 2 ** 31, TIMER],
  ['connections.processes.web', 1e9, 'from 0 to 10000'],
  ['backups.compressionLevel', 10, 'from 1 to 9'],
  ['backups.workers', 17, 'from 1 to 16'],
  ['backups.rpo', 1e12, 'from 1 to 31622400000 ms'],
  ['backups.retention.days', 1e6, 'from 1 to 36500'],
  ['backups.retention.daily', 1e6, 'from 0 to 10000'],
  ['backups.provider.retentionDays', 1e6, 'from 0 to 36500'],
];

describe('config numbers', () => {
  it.each(CASES)('%s: %d is refused, naming the path, the range and the value', (path, value, range) => {
    const config = configWith(path, value);
    if (path === 'backups.provider.retentionDays') {
      Object.assign((config.backups as { provider: object }).provider, {
        name: 'rds',
        automatedBackups: true,
      });
    }
    const problems = problemsOf(config);
    expect(problems.join('\n')).toContain(`${path}: expected`);
    expect(problems.join('\n')).toContain(range);
    expect(problems.join('\n')).toContain(`got ${value}`);
  });

  it('accepts the ends of each range', () => {
    expect(problemsOf(configWith('environments.production.postgres.connectTimeout', 2 ** 31 - 1))).toEqual(
      [],
    );
    expect(
      problemsOf(configWith('environments.production.postgres.appRole.connectionLimit', 262_143)),
    ).toEqual([]);
    expect(problemsOf(configWith('migrations.statementTimeout', 0))).toEqual([]);
    expect(problemsOf(configWith('connections.usageFail', 1))).toEqual([]);
  });

  describe('from the CLI', () => {
    let project: TempProject | undefined;
    afterAll(() => project?.remove());

    it('refuses appRole.connectionLimit: 1e12 with exit 2 before anything connects', async () => {
      project = tempProject(`{
        project: '{project}',
        environments: {
          production: { postgres: { url: 'postgresql://app@127.0.0.1:1/shop', appRole: { connectionLimit: 1e12 } } },
        },
      }`);
      const result = await runCli(['check', '--env', 'production'], { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'environments.production.postgres.appRole.connectionLimit: expected a whole number from 1 to 262143, got 1000000000000',
      );
    });
  });
});
