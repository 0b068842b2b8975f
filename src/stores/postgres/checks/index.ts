// The Postgres readiness checks, in report order.
import type { Check } from '../../../core/checks/check.js';
import { adminDocumented } from './admin-documented.js';
import { adminExists } from './admin-exists.js';
import { appRoleDdl } from './app-role-ddl.js';
import { appRolePrivileges } from './app-role-privileges.js';
import { appRoleSuperuser } from './app-role-superuser.js';
import { auditChain } from './audit-chain.js';
import { backupsConfigured } from './backups-configured.js';
import { backupsDrill } from './backups-drill.js';
import { backupsEncrypted } from './backups-encrypted.js';
import { backupsOffsite } from './backups-offsite.js';
import { backupsProtected } from './backups-protected.js';
import { backupsRecent } from './backups-recent.js';
import { backupsRestoreOwner } from './backups-restore-owner.js';
import { backupsRetention } from './backups-retention.js';
import { backupsVerify } from './backups-verify.js';
import { connectionChecks } from './connection-checks.js';
import type { PostgresCheckContext } from './context.js';
import { dataOwner } from './data-owner.js';
import { demoData } from './demo-data.js';
import { directAccessCount } from './direct-access-count.js';
import { drift } from './drift.js';
import { expiredGrants } from './expired-grants.js';
import { isolation } from './isolation.js';
import { manualChanges } from './manual-changes.js';
import { migrationsChecksum } from './migrations-checksum.js';
import { migrationsPending } from './migrations-pending.js';
import { personalPasswordExpiry } from './personal-password-expiry.js';
import { connectionsPoolPerRequest } from './pool-per-request.js';
import { publicSchemaCreate } from './public-schema-create.js';
import { reachable } from './reachable.js';
import { readWrite } from './read-write.js';
import { readonlyRolePrivileges } from './readonly-role-privileges.js';
import { referenceSeedsChanged } from './reference-seeds-changed.js';
import { schemaCatalogChecks } from './schema-checks.js';
import { serverVersion } from './server-version.js';
import { smokeLastRun } from './smoke-last-run.js';
import { superusers } from './superusers.js';
import { tls } from './tls.js';
import { unknownRoles } from './unknown-roles.js';

export const postgresChecks: Check<PostgresCheckContext>[] = [
  reachable,
  isolation,
  serverVersion,
  tls,
  readWrite,
  appRoleSuperuser,
  appRoleDdl,
  appRolePrivileges,
  readonlyRolePrivileges,
  publicSchemaCreate,
  dataOwner,
  unknownRoles,
  superusers,
  directAccessCount,
  expiredGrants,
  personalPasswordExpiry,
  auditChain,
  manualChanges,
  migrationsPending,
  migrationsChecksum,
  drift,
  ...schemaCatalogChecks,
  referenceSeedsChanged,
  adminDocumented,
  adminExists,
  demoData,
  ...connectionChecks,
  connectionsPoolPerRequest,
  backupsConfigured,
  backupsRecent,
  backupsRetention,
  backupsEncrypted,
  backupsProtected,
  backupsOffsite,
  backupsVerify,
  backupsDrill,
  backupsRestoreOwner,
  smokeLastRun,
];
