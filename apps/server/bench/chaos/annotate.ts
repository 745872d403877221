import { type ChaosReport, check, integrity, killGroup, readDb, serve, sleep } from './kit';

export interface AnnotateChaos {
  workspace: string;
  datasetId: string;
  exampleIds: string[];
  clients: number;
  kills: number;
  deadline: number;
  rand: () => number;
}

interface Write {
  version: number;
  reason: string;
}

/** What the clients know of one (example, annotator): the last answered write and the one in flight. */
interface Ledger {
  acked: Write | null;
  pending: Write | null;
}

/**
 * (3) Bursts of annotations through the HTTP API of `steper serve`, the server SIGKILLed at a
 * random moment in each. Each client owns one annotator (no conflicts between clients) and sends
 * one write at a time, so after a kill every row must hold either the last answered write or the
 * one in flight: never a lost answered write, never a mix of the two.
 */
export async function annotateChaos(o: AnnotateChaos): Promise<ChaosReport> {
  const failures: string[] = [];
  const ledger = new Map<string, Ledger>();
  const key = (example: string, annotator: string) => `${example}\u0000${annotator}`;
  let acknowledged = 0;
  let sent = 0;
  let lost = 0;
  let torn = 0;
  let committedUnanswered = 0;
  let kills = 0;
  let n = 0;

  while (kills < o.kills && Date.now() < o.deadline) {
    const { proc, url } = await serve(o.workspace);
    let stop = false;
    const client = async (c: number) => {
      const annotator = `chaos-${c}`;
      while (!stop) {
        const example = o.exampleIds[Math.floor(o.rand() * o.exampleIds.length)]!;
        const k = key(example, annotator);
        const entry = ledger.get(k) ?? { acked: null, pending: null };
        ledger.set(k, entry);
        const reason = `w${n++}`;
        entry.pending = { version: (entry.acked?.version ?? 0) + 1, reason };
        sent += 1;
        try {
          const res = await fetch(`${url}/trpc/annotations.save`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              datasetId: o.datasetId,
              exampleId: example,
              annotator,
              status: n % 2 ? 'accepted' : 'rejected',
              reason,
              ...(entry.acked ? { expectedVersion: entry.acked.version } : {}),
            }),
          });
          const body = (await res.json()) as { result?: { data: { version: number; reason: string } } };
          if (!body.result) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
          entry.acked = { version: body.result.data.version, reason: body.result.data.reason };
          entry.pending = null;
          acknowledged += 1;
        } catch (err) {
          if (!stop) failures.push(`a write failed while the server was up: ${(err as Error).message}`);
          return;
        }
      }
    };
    const clients = Array.from({ length: o.clients }, (_, c) => client(c));
    await sleep(100 + o.rand() * 1500);
    stop = true;
    await killGroup(proc);
    kills += 1;
    await Promise.all(clients);

    // Every row: the answered write, or the one in flight — whole.
    const rows = readDb(o.workspace, (db) => {
      const stmt = db.prepare(
        'SELECT version, reason FROM annotations WHERE dataset_id = ? AND example_id = ? AND annotator = ?',
      );
      return new Map(
        [...ledger.keys()].map((k) => {
          const [example, annotator] = k.split('\u0000') as [string, string];
          return [k, stmt.get(o.datasetId, example, annotator) as Write | undefined];
        }),
      );
    });
    for (const [k, entry] of ledger) {
      const row = rows.get(k);
      const same = (w: Write | null) =>
        w === null ? row === undefined : row?.version === w.version && row.reason === w.reason;
      if (same(entry.acked)) {
        // as answered
      } else if (entry.pending && same(entry.pending)) committedUnanswered += 1;
      else if (entry.acked && (!row || row.version < entry.acked.version)) lost += 1;
      else torn += 1;
      entry.acked = row ? { version: row.version, reason: row.reason } : null;
      entry.pending = null;
    }
  }
  const duplicates = readDb(
    o.workspace,
    (db) =>
      (
        db
          .prepare(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM annotations WHERE annotator LIKE 'chaos-%' GROUP BY dataset_id, example_id, annotator HAVING COUNT(*) > 1)",
          )
          .get() as { n: number }
      ).n,
  );
  const ok = integrity(o.workspace);
  check(failures, lost === 0, `${lost} answered annotation(s) lost`);
  check(failures, torn === 0, `${torn} annotation(s) neither the old nor the new write`);
  check(failures, duplicates === 0, `${duplicates} duplicated annotation(s)`);
  check(failures, ok === 'ok', `integrity_check: ${ok}`);
  check(failures, kills >= o.kills, `only ${kills} kill(s) in the time given`);
  return {
    scenario: `annotation bursts (steper serve, HTTP, ${o.clients} clients)`,
    kills,
    figures: {
      'writes sent': sent,
      'writes answered': acknowledged,
      'answered writes lost': lost,
      'rows neither old nor new': torn,
      'committed, answer cut by the kill': committedUnanswered,
      'duplicated rows': duplicates,
      integrity_check: ok,
    },
    failures: [...new Set(failures)].slice(0, 20),
  };
}
