// The quick start's main job: the launch-readiness flow of the example shop on the embedded default.
// Each step is the real CLI, run as a user would run it; the last step is the verdict.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const cwd = fileURLToPath(new URL('./shop/', import.meta.url));
const env = process.argv[2] ?? 'production';

const steps = [
  ['attach postgres', ['attach', 'postgres', '--env', env, '--confirm', env]],
  ['lint migrations', ['migrate', 'lint']],
  ['apply migrations', ['migrate', 'up', '--env', env, '--confirm', env]],
  ['migration status', ['migrate', 'status', '--env', env, '--check']],
  ['environments', ['env', 'list']],
  ['readiness report', ['check', '--env', env]],
];

let code = 0;
for (const [title, args] of steps) {
  process.stdout.write(`\n── ${title}: launchdb ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'inherit' });
  code = result.status ?? 1;
  if (code !== 0) break;
}
process.exitCode = code;
