import type { Kysely } from 'kysely';

// LDIS alerts (src/ldis/): the Local Drug Information System's alerts, entered by CCSU, linked to the
// records that carry their reference (records.ldis_alert_ref) and shown beside early warnings.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ldis_alerts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'date', (c) => c.notNull())
    .addColumn('substances', 'jsonb', (c) => c.notNull())
    .addColumn('areas', 'jsonb', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ldis_alerts').execute();
}
