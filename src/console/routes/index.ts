// Every route of the console, in one table: the app registers exactly these, and the route
// inventory test walks them to prove each refuses whoever may not use it.
import type { ConsoleRoute } from '../console-context.js';
import { accessPage } from './access.js';
import { accountsPage } from './accounts.js';
import { actionEvents, actionPage, actionsPage, startActionRoute } from './actions.js';
import { ASSETS } from './assets.js';
import { backupsPage } from './backups.js';
import { connectionsPage } from './connections.js';
import { dataPage } from './data.js';
import { environmentPage } from './environment.js';
import { home } from './home.js';
import { migrationsPage } from './migrations.js';
import { signInPage, signInSubmit, signOut } from './sign-in.js';
import { smokePage } from './smoke.js';

export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [
  ...ASSETS,
  signInPage,
  signInSubmit,
  signOut,
  home,
  environmentPage,
  accountsPage,
  backupsPage,
  accessPage,
  smokePage,
  migrationsPage,
  dataPage,
  connectionsPage,
  startActionRoute,
  actionPage,
  actionEvents,
  actionsPage,
];
