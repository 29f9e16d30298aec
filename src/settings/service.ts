// The administrators' settings page reads and saves through this, never the database directly.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Actor } from '../audit/audit.js';
import { getSettings, saveSettings, type Settings } from './settings.js';

export class SettingsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  get(): Promise<Settings> {
    return getSettings(this.db);
  }

  /** Saves every setting at once, audited with what changed. */
  save(next: Settings, actor: Actor): Promise<void> {
    return saveSettings(this.db, next, actor, this.clock.now());
  }
}
