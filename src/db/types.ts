// Table types for Kysely, kept by hand beside the migrations.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** `date` columns are read as 'YYYY-MM-DD' strings (see the type parser in database.ts). */
type DateString = string;

export interface OrganisationsTable {
  id: Generated<number>;
  name: string;
  code: string;
  type: string;
  areas: string[];
  active_from: string;
  active_to: string | null;
  return_contacts: string[];
  escalation_contact: string;
  created_at: CreatedAt;
}

export type UserRole = 'partner' | 'ccsu_analyst' | 'ccsu_admin';
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  role: UserRole;
  organisation_id: number | null;
  password_hash: string | null;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  failed_attempts: ColumnType<number, number | undefined, number>;
  locked_until: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  created_at: CreatedAt;
  /** The TOTP key, encrypted (accounts/two-factor.ts); null until the user sets up a second factor. */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_enabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The last TOTP time step accepted, so the same code cannot be used twice. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  /** A partner user nominated by their organisation: manages colleagues and contacts, accepts agreements. */
  return_lead: ColumnType<boolean, boolean | undefined, boolean>;
  /** Deactivated by CCSU: only CCSU may reactivate (a return lead may undo only the organisation's own). */
  deactivated_by_ccsu: ColumnType<boolean, boolean | undefined, boolean>;
  /** The random user handle every passkey of the user carries (accounts/passkeys.ts); null before the first. */
  passkey_handle: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AgreementsTable {
  id: Generated<number>;
  version: string;
  title: string;
  body: string | null;
  link: string | null;
  effective_from: DateString;
  published_by: string;
  published_at: CreatedAt;
}

export interface AgreementAcceptancesTable {
  id: Generated<number>;
  agreement_id: number;
  organisation_id: number;
  user_id: number;
  accepter_name: string;
  job_title: string;
  accepted_at: Timestamp;
}

export interface LdisAlertsTable {
  id: Generated<number>;
  reference: string;
  title: string;
  issued_on: DateString;
  /** Data-dictionary substance codes. */
  substances: ColumnType<string[], string, string>;
  /** Area codes. */
  areas: ColumnType<string[], string, string>;
  severity: 'information' | 'warning' | 'urgent';
  link: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface AreasTable {
  code: string;
  name: string;
  /** ONS GSS code (E07…); none for "out of county", "no fixed abode" and "unknown". */
  gss_code: string | null;
  ordinal: number;
}

export interface AreaPopulationsTable {
  area_code: string;
  year: number;
  population: number;
  source: string;
  loaded_by: string;
  loaded_at: Timestamp;
}

export interface ContextChanges {
  added: number;
  changed: number;
  same: number;
  /** Figures already loaded for the file's periods that the file does not have (they go on loading). */
  removed: number;
}

export interface ContextLoadsTable {
  id: Generated<number>;
  dataset: string;
  status: 'pending' | 'loaded';
  source: string;
  extracted_on: DateString;
  notes: string | null;
  file_sha256: string;
  period_from: string;
  period_to: string;
  rows: number;
  changes: ColumnType<ContextChanges, string, string>;
  created_by: string;
  created_at: Timestamp;
  loaded_at: Timestamp | null;
}

export interface ContextCountsTable {
  id: Generated<string>;
  load_id: number;
  dataset: string;
  area_code: string;
  period_start: string;
  months: number;
  measure: string;
  substance_group: Generated<string>;
  count: number;
}

export interface AuditLoadsTable {
  id: Generated<number>;
  source: string;
  extracted_on: DateString;
  rows: number;
  /** For a pending load, what confirming would do; for a loaded one, what it did. */
  added: number;
  updated: number;
  unchanged: Generated<number>;
  loaded_by: string;
  loaded_at: Timestamp;
  status: Generated<'pending' | 'loaded'>;
  /** A pending load's checked rows (keys, never identifiers); emptied when it is loaded. */
  pending_rows: ColumnType<unknown[] | null, string | null, string | null>;
}

export interface AuditInquestsTable {
  id: Generated<number>;
  /** The coroner's office's own reference for the inquest. */
  inquest_ref: string;
  load_id: number;
  date_of_death: DateString;
  inquest_date: DateString | null;
  conclusion: string;
  drug_related: boolean;
  alcohol_related: boolean;
  substances: ColumnType<string[], string[] | undefined, string[]>;
  age_at_death: number | null;
  sex: string | null;
  residence_area: string | null;
  match_key_nhs: string | null;
  match_key_demo: string | null;
}

export interface AuditDecisionsTable {
  inquest_id: number;
  record_id: number;
  same: boolean;
  decided_by: string;
  decided_at: Timestamp;
}

export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: Timestamp;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: Timestamp | null;
}

export interface RememberedBrowsersTable {
  token_hash: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export type PasskeyDeviceType = 'singleDevice' | 'multiDevice';

/** A WebAuthn credential: its public key and counter, never anything that could sign. */
export interface PasskeysTable {
  id: Generated<number>;
  user_id: number;
  /** base64url, as the browser reports it. */
  credential_id: string;
  public_key: Buffer;
  counter: ColumnType<number, number | undefined, number>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  device_type: PasskeyDeviceType;
  /** Synced by its provider (iCloud Keychain, Google Password Manager…) rather than bound to one device. */
  backed_up: boolean;
  name: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

/** A challenge a WebAuthn ceremony was given: used once, within minutes. */
export interface WebauthnChallengesTable {
  challenge: string;
  purpose: 'register' | 'sign_in';
  user_id: number | null;
  expires_at: Timestamp;
}

export interface UserTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: 'invite' | 'reset';
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface SessionsTable {
  sid: string;
  sess: unknown;
  expires_at: Timestamp;
}

export interface ReturnsTable {
  id: Generated<number>;
  organisation_id: number;
  period: string;
  state: ColumnType<'in_progress' | 'submitted' | 'nil' | 'reopened', string | undefined, string>;
  submitted_late: ColumnType<boolean, boolean | undefined, boolean>;
  current_version: ColumnType<number, number | undefined, number>;
  reference: string | null;
  first_submitted_at: Timestamp | null;
  last_submitted_at: Timestamp | null;
  locked_at: Timestamp | null;
  amendment_reason: string | null;
  amendment_text: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ReturnSubmissionsTable {
  id: Generated<number>;
  return_id: number;
  version: number;
  kind: 'submit' | 'nil' | 'amend';
  reason: string | null;
  reason_text: string | null;
  signed_by: number | null;
  signed_by_email: string | null;
  /** Not a person at the pages: a reminder's nil-return link, or a submission key (and who declared). */
  signed_via: ColumnType<string | null, string | null | undefined, string | null>;
  signed_at: Timestamp;
  record_count: number;
}

export interface RecordsTable {
  id: Generated<number>;
  organisation_id: number;
  return_id: number;
  partner_record_ref: string;
  date_of_death: DateString | null;
  date_of_death_basis: string | null;
  date_partner_aware: DateString | null;
  place_of_death_type: string | null;
  place_of_death_area: string | null;
  death_classification: string | null;
  evidence_stage: string | null;
  inquest_conclusion: string | null;
  underlying_cause_icd10: string | null;
  age_at_death: number | null;
  age_unknown: ColumnType<boolean, boolean | undefined, boolean>;
  sex: string | null;
  ethnic_group: string | null;
  residence_area: string | null;
  residence_lsoa21: string | null;
  housing_status: string | null;
  lived_alone: string | null;
  substances: ColumnType<string[], string[] | undefined, string[]>;
  substances_other: string | null;
  treatment_status: string | null;
  on_ost_at_death: string | null;
  mh_contact_12m: string | null;
  custody_release_interval: string | null;
  under_probation: string | null;
  hospital_discharge_interval: string | null;
  previous_nonfatal_overdose: string | null;
  injecting_history: string | null;
  ambulance_attended: string | null;
  naloxone_administered: string | null;
  naloxone_kit_held: string | null;
  found_alone: string | null;
  ldis_alert_ref: string | null;
  match_key_nhs: string | null;
  match_key_demo: string | null;
  record_status: ColumnType<
    'active' | 'withdrawn',
    'active' | 'withdrawn' | undefined,
    'active' | 'withdrawn'
  >;
  withdrawn_reason: string | null;
  /** Problems that stop the record being submitted, as of its last save. */
  completeness_problems: ColumnType<number, number | undefined, number>;
  /** The case (de-duplicated death) this record belongs to, once submitted. */
  case_id: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RecordVersionsTable {
  id: Generated<number>;
  record_id: number;
  submission_id: number;
  snapshot: ColumnType<Record<string, unknown>, string, string>;
}

export interface OutboxTable {
  id: Generated<string>;
  idempotency_key: string;
  to_addresses: string[];
  subject: string;
  html: string;
  text: string;
  status: ColumnType<'pending' | 'sending' | 'sent' | 'dead', string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: Timestamp | null;
  /** While a sender works on a message; after this another sender may claim it again. */
  claimed_until: Timestamp | null;
  /** Carries a personal link: unreadable in the app, and blanked once sent. */
  secret: Generated<boolean>;
  created_at: CreatedAt;
}

export interface SignInThrottleTable {
  key: string;
  failures: ColumnType<number, number | undefined, number>;
  window_started_at: Timestamp;
  blocked_until: Timestamp | null;
}

export interface RemindersTable {
  id: Generated<number>;
  organisation_id: number;
  period: string;
  kind: string;
  queued_at: Timestamp;
  recipients: string[];
}

export interface NilLinksTable {
  id: Generated<number>;
  token_hash: string;
  organisation_id: number;
  period: string;
  recipient: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface SummariesTable {
  id: Generated<number>;
  period: string;
  kind: 'scheduled' | 'on_demand';
  sent_at: Timestamp;
  requested_by: string;
  figures: ColumnType<Record<string, unknown>, string, string>;
}

export interface CandidatePairsTable {
  id: Generated<number>;
  record_a: number;
  record_b: number;
  status: ColumnType<'pending' | 'linked' | 'kept_apart', string | undefined, string>;
  reason: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
}

export interface QueriesTable {
  id: Generated<number>;
  record_id: number;
  organisation_id: number;
  field: string;
  question: string;
  answer: string | null;
  status: ColumnType<'open' | 'answered' | 'closed', string | undefined, string>;
  raised_by: number;
  raised_at: Timestamp;
  answered_by: number | null;
  answered_at: Timestamp | null;
  closed_at: Timestamp | null;
}

export interface UploadCounts {
  rows: number;
  new: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  errors: number;
  errorRows: number;
}

export interface UploadsTable {
  id: Generated<number>;
  organisation_id: number;
  period: string;
  user_id: number;
  file_name: string;
  file_sha256: string;
  status: ColumnType<'pending' | 'confirmed' | 'expired', string | undefined, string>;
  counts: ColumnType<UploadCounts, string, string>;
  summary: ColumnType<{ field: string; message: string; rows: number }[], string | undefined, string>;
  records_fingerprint: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  confirmed_at: Timestamp | null;
}

export interface UploadRowsTable {
  upload_id: number;
  row_number: number;
  action: 'new' | 'updated' | 'unchanged' | 'withdrawn';
  record_id: number | null;
  data: ColumnType<Record<string, unknown>, string, string>;
}

export interface UploadErrorsTable {
  upload_id: number;
  row_number: number;
  cell: string;
  field: string;
  value: string;
  message: string;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor_user_id: number | null;
  actor: string;
  organisation_id: number | null;
  action: string;
  entity: string;
  entity_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

export interface CaseFactsTable {
  case_id: number;
  /** Null once the case's records have been purged (retention); the row keeps counting. */
  best_record_id: number | null;
  date_of_death: DateString | null;
  death_month: string | null;
  reported_month: string | null;
  residence_area: string | null;
  death_classification: string | null;
  evidence_stage: string | null;
  age_band: string;
  /** Age at death in whole years (for age-standardised rates); null when unknown. */
  age: ColumnType<number | null, number | null | undefined, number | null>;
  sex: string | null;
  place_of_death_type: string | null;
  substances: string[];
  substance_groups: string[];
  organisation_types: string[];
  report_count: number;
  refreshed_at: Timestamp;
  archived_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type ApiTokenScope = 'aggregates' | 'records' | 'submit';

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  scope: ApiTokenScope;
  created_by: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** A `submit` key's organisation: it acts for that organisation only (null for feed tokens). */
  organisation_id: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A write to the submission API sent with an Idempotency-Key, and the answer it got. */
export interface IdempotentRequestsTable {
  token_id: number;
  key: string;
  request_hash: string;
  status: number | null;
  body: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface AreaAgePopulationsTable {
  area_code: string;
  year: number;
  /** The 2013 European Standard Population's five-year group: 0 is 0–4, 18 is 90 and over. */
  age_group: number;
  population: number;
  source: string;
  loaded_by: string;
  loaded_at: Timestamp;
}

export interface EnglandRatesTable {
  year: number;
  /** Age-standardised deaths related to drug poisoning per 100,000, with ONS's 95% interval. */
  rate: number;
  lower: number;
  upper: number;
  source: string;
  loaded_by: string;
  loaded_at: Timestamp;
}

export interface AlertMeasure {
  concern: string;
  observed: number;
  expected: number;
  threshold: number;
  windowDays: number;
  /** False when the county's history was too short for a baseline and the minimum count decided. */
  baseline: boolean;
}

export interface AlertsTable {
  id: Generated<number>;
  concern: string;
  first_death: DateString;
  last_death: DateString;
  case_ids: number[];
  /** Per concern: deaths in the busiest window, what its history predicted, the threshold (empty before 019). */
  measures: ColumnType<AlertMeasure[], string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by: number | null;
}

export interface DB {
  sign_in_throttle: SignInThrottleTable;
  recovery_codes: RecoveryCodesTable;
  rate_limits: RateLimitsTable;
  areas: AreasTable;
  ldis_alerts: LdisAlertsTable;
  context_loads: ContextLoadsTable;
  context_counts: ContextCountsTable;
  audit_loads: AuditLoadsTable;
  audit_inquests: AuditInquestsTable;
  audit_decisions: AuditDecisionsTable;
  area_populations: AreaPopulationsTable;
  area_age_populations: AreaAgePopulationsTable;
  england_rates: EnglandRatesTable;
  remembered_browsers: RememberedBrowsersTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  agreements: AgreementsTable;
  agreement_acceptances: AgreementAcceptancesTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  user_tokens: UserTokensTable;
  sessions: SessionsTable;
  returns: ReturnsTable;
  return_submissions: ReturnSubmissionsTable;
  records: RecordsTable;
  record_versions: RecordVersionsTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  reminders: RemindersTable;
  nil_links: NilLinksTable;
  summaries: SummariesTable;
  candidate_pairs: CandidatePairsTable;
  queries: QueriesTable;
  uploads: UploadsTable;
  upload_rows: UploadRowsTable;
  upload_errors: UploadErrorsTable;
  case_facts: CaseFactsTable;
  api_tokens: ApiTokensTable;
  idempotent_requests: IdempotentRequestsTable;
  alerts: AlertsTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type Passkey = Selectable<PasskeysTable>;
export type ReturnRow = Selectable<ReturnsTable>;
export type RecordRow = Selectable<RecordsTable>;
export type NewRecord = Insertable<RecordsTable>;
export type RecordUpdate = Updateable<RecordsTable>;
