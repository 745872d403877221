import type { GenerateResult } from '@steper/core';
import { type Db, prepare } from './db';
import { nowIso } from './util';

export interface TeacherCallRecord {
  key: string;
  owner: string | null;
  model: string;
  ok: boolean;
  ms: number;
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
  error?: string | undefined;
}

/** Content-addressed teacher responses plus the log of requests that really went out. */
export class TeacherCacheRepo {
  constructor(private readonly db: Db) {}

  lookup(key: string): GenerateResult | undefined {
    const r = prepare(this.db, 'SELECT response FROM teacher_cache WHERE key = ?').get(key) as
      | { response: string }
      | undefined;
    if (!r) return undefined;
    prepare(this.db, 'UPDATE teacher_cache SET hits = hits + 1 WHERE key = ?').run(key);
    return JSON.parse(r.response) as GenerateResult;
  }

  /** Stores the response and logs the call in one transaction, so a kill cannot separate them. */
  storeCall(
    key: string,
    model: string,
    request: unknown,
    response: GenerateResult,
    call: TeacherCallRecord,
  ): void {
    this.db.transaction(() => {
      prepare(
        this.db,
        'INSERT OR IGNORE INTO teacher_cache (key, model, request, response, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(key, model, JSON.stringify(request), JSON.stringify(response), nowIso());
      this.logCall(call);
    })();
  }

  logCall(call: TeacherCallRecord): void {
    prepare(
      this.db,
      `INSERT INTO teacher_calls (key, owner, model, ok, ms, prompt_tokens, completion_tokens, error, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      call.key,
      call.owner,
      call.model,
      call.ok ? 1 : 0,
      call.ms,
      call.promptTokens ?? null,
      call.completionTokens ?? null,
      call.error ?? null,
      nowIso(),
    );
  }

  size(): number {
    return (prepare(this.db, 'SELECT COUNT(*) AS n FROM teacher_cache').get() as { n: number }).n;
  }

  /** Successful outbound calls per key for an owner: every count must be 1 after a resumed run. */
  callCounts(owner: string): Map<string, number> {
    const rows = prepare(
      this.db,
      'SELECT key, COUNT(*) AS n FROM teacher_calls WHERE owner = ? AND ok = 1 GROUP BY key',
    ).all(owner) as { key: string; n: number }[];
    return new Map(rows.map((r) => [r.key, r.n]));
  }
}
