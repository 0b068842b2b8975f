// `launchdb attach STORE`: attaches a store to an environment and prints what was done.
import { type ExitCode, UsageError } from '../../core/errors.js';
import { passwordOf } from '../../core/redact.js';
import { STORES, storeKind } from '../../stores/stores.js';
import { stringFlag } from '../args.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const name = input.positionals[0];
  if (name === undefined) {
    const names = STORES.map((kind) => kind.name).join('|');
    throw new UsageError(`attach needs a store: launchdb attach ${names} --env NAME`);
  }
  const store = storeKind(name);
  const url = stringFlag(input, 'url');
  const adminUrl = stringFlag(input, 'admin-url');
  // Read from a file: the target line names the file flag, not a --url the user never typed.
  const fileFlag = ['url-file', 'admin-url-file'].find((flag) => stringFlag(input, flag) !== undefined);
  const { env, connectTimeoutMs } = await commandContext(input, io);
  const flags = {
    ...(url ? { url } : {}),
    ...(adminUrl ? { adminUrl } : {}),
    ...(fileFlag ? { urlFlag: `--${fileFlag} ${stringFlag(input, fileFlag)}` } : {}),
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    rotate: input.flags.rotate === true,
  };
  const plan = store.planAttach(env, flags);
  const source = plan.source === 'default' ? 'no URL given' : `from ${plan.source}`;
  await confirmChange(env, input, io, `${store.name}: ${plan.how} ${plan.location} (${source})`);
  const result = await store.attach(env, plan, flags);

  const printSecrets = input.flags['print-secrets'] === true;
  for (const value of Object.values(result.secrets ?? {})) {
    // A URL's password, or a secret that is not a URL (an access key) as a whole.
    const secret = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? passwordOf(value) : value;
    if (secret && !printSecrets) io.secrets.add(secret);
  }
  if (input.flags.json) {
    const { secrets, ...rest } = result;
    io.out(`${JSON.stringify(printSecrets && secrets ? { ...rest, secrets } : rest, null, 2)}\n`);
    return 0;
  }
  const verb = result.marked ? 'attached' : 'already attached';
  io.out(
    `${io.style('green', verb)}: ${store.name} (${result.backing}) to ${env.name} at ${result.location} in ${result.durationMs} ms\n`,
  );
  if (result.provisioned) {
    for (const item of result.provisioned.created) io.out(`  ${io.style('green', 'created')} ${item}\n`);
    for (const item of result.provisioned.differences) io.out(`  ${io.style('yellow', 'differs')} ${item}\n`);
    if (result.provisioned.rotated)
      io.out(`  ${io.style('yellow', 'rotated')} the provisioned credentials\n`);
  }
  for (const item of result.checked ?? []) io.out(`  ${io.style('green', 'checked')} ${item}\n`);
  if (result.secretsFile) {
    io.out(`  credentials in ${result.secretsFile.slice(env.root.length + 1)} (mode 0600)\n`);
  }
  if (printSecrets && result.secrets) {
    for (const [key, value] of Object.entries(result.secrets)) io.outUnredacted(`${key}=${value}\n`);
  }
  return 0;
}
