// The quick start's main job: the launch-readiness flow of the example shop on the embedded default.
// Each step is the real CLI, run as a user would run it; the last step is the verdict.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const cwd = fileURLToPath(new URL('./shop/', import.meta.url));
const env = process.argv[2] ?? 'production';
// Every run starts from nothing, as on a fresh clone: the embedded databases live in .launchdb/.
rmSync(new URL('./shop/.launchdb/', import.meta.url), { recursive: true, force: true });

const steps = [
  ['attach postgres', ['attach', 'postgres', '--env', env, '--confirm', env]],
  ['lint migrations', ['migrate', 'lint']],
  ['apply migrations', ['migrate', 'up', '--env', env, '--confirm', env]],
  ['migration status', ['migrate', 'status', '--env', env, '--check']],
  ['seed reference data (demo data never reaches production)', ['seed', '--env', env, '--confirm', env]],
  [
    'create the initial admin, on purpose, with its owner',
    [
      'admin',
      'create',
      '--env',
      env,
      '--confirm',
      env,
      '--email',
      'ops@shop.dev',
      '--name',
      'Shop Operator',
      '--owner',
      'Ada Lovelace <ada@shop.dev>',
      '--reason',
      'runs the shop on launch day',
    ],
  ],
  ['admins and their owners', ['admin', 'list', '--env', env]],
  ['scan for demo data', ['scan', 'data', '--env', env]],
  ['back up, encrypted', ['backup', 'create', '--env', env]],
  ['prove the backup restores: a drill into a scratch database', ['backup', 'drill', '--env', env]],
  ['environments', ['env', 'list']],
  ['readiness report', ['check', '--env', env]],
];

// The backup key lives outside the project, in the environment; for the demo, a new one each run.
const childEnv = { ...process.env, LAUNCHDB_BACKUP_KEY: randomBytes(24).toString('base64') };
let code = 0;
for (const [title, args] of steps) {
  process.stdout.write(`\n── ${title}: launchdb ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'inherit', env: childEnv });
  code = result.status ?? 1;
  if (code !== 0) break;
}
process.exitCode = code;
