// API tokens for the partnership dashboard feed (Power BI, Excel "From web"): issued by an admin, shown
// once, stored as a SHA-256 hash (they are long random strings, so a slow hash adds nothing), scoped,
// expiring and revocable; each use is noted (at most once a minute, to spare a write per request).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { ApiTokenScope, User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import * as repo from './repository.js';
import { hashLinkToken } from '../lib/link-tokens.js';
import { fail, type Result } from '../lib/result.js';

export const TOKEN_PREFIX = 'drd_';
const LAST_USED_RESOLUTION_MS = 60_000;

export type RevokeResult = Result<object, 'not_found' | 'already_revoked'>;

export type TokenCheck =
  | {
      ok: true;
      id: number;
      scope: ApiTokenScope;
      name: string;
      /** A `submit` key's organisation and who created the key; null for feed tokens. */
      organisationId: number | null;
      createdBy: string;
    }
  | { ok: false; reason: 'missing' | 'unknown' | 'revoked' | 'expired' };

export class ApiTokensService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Every feed read is audited, like every export: which token, which path, which filters. */
  async recordRead(
    token: { id: number; name: string; scope: string },
    path: string,
    filters: object,
  ): Promise<void> {
    await audit(this.db, {
      actor: { userId: null, label: `API token ${token.id} (${token.name})` },
      organisationId: null,
      action: 'feed_read',
      entity: 'api_token',
      entityId: token.id,
      detail: { path, scope: token.scope, filters: { ...filters } },
      at: this.clock.now(),
    });
  }

  /** An organisation's submission keys, for its return lead: never the keys themselves. */
  async listSubmitKeys(organisationId: number) {
    const now = this.clock.now();
    const rows = await repo.submitKeysOf(this.db, organisationId);
    return rows.map((row) => ({ ...row, expired: row.expires_at <= now }));
  }

  async list() {
    const now = this.clock.now();
    const rows = await repo.allTokens(this.db);
    return rows.map((row) => ({ ...row, expired: row.expires_at <= now }));
  }

  /** Issues a token; the plain token is returned this once and never stored. */
  async issue(
    input: { name: string; scope: ApiTokenScope; days: number; organisationId?: number },
    admin: User,
  ): Promise<string> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.insertToken(trx, {
        name: input.name,
        token_hash: hashLinkToken(token),
        scope: input.scope,
        created_by: admin.id,
        organisation_id: input.organisationId ?? null,
        created_at: now,
        expires_at: new Date(now.getTime() + input.days * 86_400_000),
      });
      await audit(trx, {
        actor: actorOf(admin),
        organisationId: input.organisationId ?? null,
        action: 'api_token_issued',
        entity: 'api_token',
        entityId: row.id,
        detail: { name: input.name, scope: input.scope, days: input.days },
        at: now,
      });
    });
    return token;
  }

  /**
   * Revokes a token; with an organisation, only one of that organisation's submission keys. A token
   * someone has already revoked (a second click, a colleague) is already_revoked: it no longer works.
   */
  async revoke(id: number, admin: User, organisationId?: number): Promise<RevokeResult> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.revokeToken(trx, id, now, organisationId)))
        return fail((await repo.tokenExists(trx, id, organisationId)) ? 'already_revoked' : 'not_found');
      await audit(trx, {
        actor: actorOf(admin),
        organisationId: organisationId ?? null,
        action: 'api_token_revoked',
        entity: 'api_token',
        entityId: id,
        at: now,
      });
      return { ok: true as const };
    });
  }

  /** The token of an `Authorization: Bearer …` header, checked. */
  async check(header: string | undefined): Promise<TokenCheck> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!token) return { ok: false, reason: 'missing' };
    const row = await repo.tokenByHash(this.db, hashLinkToken(token));
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked_at) return { ok: false, reason: 'revoked' };
    const now = this.clock.now();
    if (row.expires_at <= now) return { ok: false, reason: 'expired' };
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS)
      await repo.markTokenUsed(this.db, row.id, now);
    return {
      ok: true,
      id: row.id,
      scope: row.scope,
      name: row.name,
      organisationId: row.organisation_id,
      createdBy: row.created_by ?? 'a former user',
    };
  }
}
