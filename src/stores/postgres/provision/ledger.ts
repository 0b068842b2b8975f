// The record of a provisioning run: what it created, found different, or left unchanged.
const INSUFFICIENT_PRIVILEGE = '42501';

/** Records each item of a run in exactly one of created, differences, unchanged. */
export class Ledger {
  readonly created: string[] = [];
  readonly differences: string[] = [];
  readonly unchanged: string[] = [];

  /** Something launchdb manages: applied when not in place, then verified. */
  async ensure(what: string, inPlace: () => Promise<boolean>, apply: () => Promise<unknown>): Promise<void> {
    if (await inPlace()) {
      this.unchanged.push(what);
      return;
    }
    try {
      await apply();
    } catch (error) {
      if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      this.differences.push(`${what}: not done (${(error as Error).message})`);
      return;
    }
    // GRANT and REVOKE only warn when the admin may not make them, so look again.
    if (await inPlace()) this.created.push(what);
    else this.differences.push(`${what}: not done (the admin user is not allowed to)`);
  }
}
