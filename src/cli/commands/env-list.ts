// `launchdb env list`: every environment × store, probed concurrently; unreachable stores are data, not failure.
import { dataOwnerOf, type Person } from '../../core/config/people.js';
import type { ExitCode } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import type { ListOptions, StoreListing } from '../../stores/store-listing.js';
import { declaredStores } from '../../stores/stores.js';
import { integerFlag, stringFlag } from '../args.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export type { StoreListing, StoreStatus } from '../../stores/store-listing.js';

export interface EnvironmentListing {
  environment: string;
  guarded: boolean;
  /** The data owner (`environments.<env>.owner`), null when none is named. */
  owner: Person | null;
  stores: StoreListing[];
}

export interface EnvListDocument {
  project: string;
  environments: EnvironmentListing[];
}

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const document = await listEnvironments(project, {
    connectTimeoutMs: integerFlag(input, 'connect-timeout'),
    secrets: io.secrets,
  });
  if (input.flags.json) io.out(`${JSON.stringify(document, null, 2)}\n`);
  else io.out(renderListing(document, io));
  return 0;
}

/** Probes every declared environment × store at once; a store that cannot answer says why. */
export async function listEnvironments(project: Project, options: ListOptions): Promise<EnvListDocument> {
  const environments = await Promise.all(
    project.environmentNames().map(async (name): Promise<EnvironmentListing> => {
      const env = project.environment(name);
      const stores = declaredStores(env);
      return {
        environment: name,
        guarded: env.guarded,
        owner: dataOwnerOf(project.config, name) ?? null,
        stores: await Promise.all(stores.map((store) => store.list(env, options))),
      };
    }),
  );
  return { project: project.name, environments };
}

function renderListing(document: EnvListDocument, io: Io): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const env of document.environments) {
    const name = env.guarded ? `${env.environment} ${io.style('dim', '(guarded)')}` : env.environment;
    const owner = env.owner ? env.owner.id : '-';
    if (env.stores.length === 0) rows.push([name, io.style('dim', '(no stores)')]);
    for (const store of env.stores) {
      rows.push([
        name,
        store.store,
        store.backing,
        store.database ?? '-',
        store.host ?? '-',
        statusCell(store, io),
        store.version?.split(' ')[0] ?? '-',
        store.size ?? '-',
        attachedCell(store, env.environment, document.project),
        owner,
      ]);
      if (store.error) {
        notes.push(`${env.environment} ${store.store}: ${store.error}`);
        if (store.fix) notes.push(`${io.style('dim', '  fix:')} ${store.fix}`);
      }
    }
  }
  const table = renderTable(rows, {
    header: [
      'ENVIRONMENT',
      'STORE',
      'BACKING',
      'DATABASE',
      'HOST',
      'REACHABLE',
      'VERSION',
      'SIZE',
      'ATTACHED',
      'OWNER',
    ].map((title) => io.style('bold', title)),
  });
  const head = `${io.style('bold', 'project')} ${document.project}\n\n`;
  return `${head}${table}\n${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}`;
}

function statusCell(store: StoreListing, io: Io): string {
  if (store.reachable) {
    const served = store.servedOn !== undefined ? ` (served on :${store.servedOn})` : '';
    return io.style('green', `yes${served}`);
  }
  if (store.status === 'not attached') return io.style('yellow', 'not attached');
  if (store.status === 'unreachable') return io.style('red', 'no');
  return io.style('red', `no (${store.status})`);
}

function attachedCell(store: StoreListing, environment: string, project: string): string {
  if (!store.marker) return store.reachable ? 'no' : '-';
  const { marker } = store;
  const owner = marker.project === project ? marker.environment : `${marker.project}/${marker.environment}`;
  return marker.project === project && marker.environment === environment
    ? `yes (${owner})`
    : `other: ${owner}`;
}
