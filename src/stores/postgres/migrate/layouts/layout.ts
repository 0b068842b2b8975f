// A migration layout: where a tool keeps its migrations, and how launchdb reads them in place.
import type { MigrationLayout } from '../../../../core/config/types.js';
import type { MigrationFile } from '../migration-files.js';

/** What a layout's reader found: the migrations, and what it passed over as the tool itself does. */
export interface LayoutReading {
  /** Every migration, in apply order. */
  files: MigrationFile[];
  /** One line per file the tool does not run either (a `.sql` file drizzle's journal does not list), for the output. */
  notes: string[];
}

export interface Layout {
  name: MigrationLayout;
  /** The folder the tool uses by default, relative to the project root. */
  defaultDir: string;
  /**
   * Every migration in `dir`, in apply order, with versions that sort as strings. Bad files are
   * reported together as bad input (exit 2); a missing folder is no migrations.
   */
  read(root: string, dir: string): LayoutReading;
  /** How the tool itself creates a migration named `name`; undefined for launchdb, which makes its own. */
  newCommand?: (name: string, dir: string) => string;
}
