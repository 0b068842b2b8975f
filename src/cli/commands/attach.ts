// `launchdb attach postgres`: attaches Postgres to an environment and prints what was done.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { suggest } from '../../core/suggest.js';
import { attachPostgres, planAttach } from '../../stores/postgres/attach.js';
import { stringFlag } from '../args.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

const STORES = ['postgres'];

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const store = input.positionals[0];
  if (store === undefined) {
    throw new UsageError('attach needs a store: launchdb attach postgres --env NAME');
  }
  if (!STORES.includes(store)) {
    const guess = suggest(store, [...STORES, 'documents', 'objects', 'cache']);
    throw new UsageError(`store "${store}" cannot be attached yet; available: ${STORES.join(', ')}`, {
      ...(guess === 'postgres' ? { fix: 'did you mean `launchdb attach postgres`?' } : {}),
    });
  }
  const url = stringFlag(input, 'url');
  const adminUrl = stringFlag(input, 'admin-url');
  // Read from a file: the target line names the file flag, not a --url the user never typed.
  const fileFlag = ['url-file', 'admin-url-file'].find((name) => stringFlag(input, name) !== undefined);
  const { env, connectTimeoutMs } = await commandContext(input, io);
  const flags = {
    ...(url ? { url } : {}),
    ...(adminUrl ? { adminUrl } : {}),
    ...(fileFlag ? { urlFlag: `--${fileFlag} ${stringFlag(input, fileFlag)}` } : {}),
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    rotate: input.flags.rotate === true,
  };
  const plan = planAttach(env, flags);
  const how = { embedded: 'embedded Postgres', url: 'Postgres server', provision: 'provision on server' }[
    plan.mode
  ];
  const source = plan.source === 'default' ? 'no URL given' : `from ${plan.source}`;
  await confirmChange(env, input, io, `postgres: ${how} ${plan.location} (${source})`);
  const result = await attachPostgres(env, plan, flags);

  const printSecrets = input.flags['print-secrets'] === true;
  for (const value of Object.values(result.secrets ?? {})) {
    const password = passwordOf(value);
    if (password && !printSecrets) io.secrets.add(password);
  }
  if (input.flags.json) {
    const { secrets, ...rest } = result;
    io.out(`${JSON.stringify(printSecrets && secrets ? { ...rest, secrets } : rest, null, 2)}\n`);
    return 0;
  }
  const verb = result.marked ? 'attached' : 'already attached';
  io.out(
    `${io.style('green', verb)}: postgres (${result.backing}) to ${env.name} at ${result.location} in ${result.durationMs} ms\n`,
  );
  if (result.provisioned) {
    for (const item of result.provisioned.created) io.out(`  ${io.style('green', 'created')} ${item}\n`);
    for (const item of result.provisioned.differences) io.out(`  ${io.style('yellow', 'differs')} ${item}\n`);
    if (result.provisioned.rotated)
      io.out(`  ${io.style('yellow', 'rotated')} passwords of the provisioned roles\n`);
  }
  if (result.secretsFile) {
    io.out(`  credentials in ${result.secretsFile.slice(env.root.length + 1)} (mode 0600)\n`);
  }
  if (printSecrets && result.secrets) {
    for (const [key, value] of Object.entries(result.secrets)) io.outUnredacted(`${key}=${value}\n`);
  }
  return 0;
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
