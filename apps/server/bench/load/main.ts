/**
 * `npm run load`: concurrent clients browse and annotate against `steper serve` on a big
 * workspace (default 1,000,000 passages and a run of 100,000 traces, built once and cached under
 * .cache/), for a fixed time. Prints p50/p99 per procedure, errors by status (5xx must be 0), the
 * server's RSS over time and explorer-list requests/s. Exits 1 on a 5xx or a failed request.
 *
 * Usage: tsx apps/server/bench/load/main.ts [--seconds 60] [--clients 50]
 *          [--passages 1000000] [--traces 100000] [--seed N]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../src/paths';
import { killGroup, random, serve, sleep } from '../chaos/kit';
import { loadWorkspace } from './workspace';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '50' },
    passages: { type: 'string', default: '1000000' },
    traces: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    /** Clients only page the explorer list (the issue's figure), no other procedure. */
    'list-only': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const PAGE = 50;

const t0 = performance.now();
const ws = await loadWorkspace(join(REPO_ROOT, '.cache'), Number(values.passages), Number(values.traces));
console.log(
  `load: workspace ${ws.dir} (${values.passages} passages, ${values.traces} traces) ${ws.built ? 'built' : 'reused'} in ${ws.seconds.toFixed(1)} s`,
);
const { proc, url } = await serve(ws.dir);
const pid = proc.child.pid!;
/** The server's CPU seconds so far (user + system, /proc/PID/stat): what its answers cost, whatever else runs. */
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
};
console.log(
  `steper serve up at ${url} (pid ${pid}, RSS ${rssMb()} MB) after ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const latencies = new Map<string, number[]>();
const statuses = new Map<string, number>();
const failures: string[] = [];

/** One tRPC call over HTTP, timed under its procedure's name; the result, or undefined when refused. */
async function call<T>(path: string, input: unknown, mutation = false): Promise<T | undefined> {
  const start = performance.now();
  let status = 0;
  try {
    const res = mutation
      ? await fetch(`${url}/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        })
      : await fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
    status = res.status;
    const body = (await res.json()) as { result?: { data: T } };
    return body.result?.data;
  } catch (err) {
    failures.push(`${path}: ${(err as Error).message}`);
    return undefined;
  } finally {
    const list = latencies.get(path) ?? [];
    list.push(performance.now() - start);
    latencies.set(path, list);
    const cls = status ? `${Math.floor(status / 100)}xx` : 'network';
    statuses.set(cls, (statuses.get(cls) ?? 0) + 1);
  }
}

interface TracePage {
  items: { questionId: string }[];
  total: number;
}

/** One user: opens the explorer, pages and filters, opens traces, looks at question sets, annotates. */
async function client(c: number, until: number): Promise<void> {
  const rand = random(Number(values.seed) * 1000 + c);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pages = Math.ceil(Number(values.traces) / PAGE);
  let seen: string[] = [];
  const versions = new Map<string, number>();
  const annotator = `load-${c}`;
  const examples = values['list-only']
    ? []
    : ((
        await call<{ items: { id: string }[] }>('stepData.examples', { id: ws.datasetId, limit: 100 })
      )?.items.map((e) => e.id) ?? []);
  while (performance.now() < until) {
    const r = values['list-only'] ? 0 : rand();
    if (r < 0.5) {
      // The explorer list: mostly the first pages, sometimes anywhere, sometimes filtered.
      const page = rand() < 0.7 ? Math.floor(rand() * 20) : Math.floor(rand() * pages);
      const filter = rand();
      const input = {
        id: ws.runId,
        offset: page * PAGE,
        limit: PAGE,
        ...(filter < 0.1
          ? { correct: rand() < 0.5 }
          : filter < 0.15
            ? { steps: 1 + Math.floor(rand() * 4) }
            : {}),
      };
      const got = await call<TracePage>('teacherRuns.traces', input);
      if (got?.items.length) seen = got.items.map((t) => t.questionId);
    } else if (r < 0.7) {
      const questionId = seen.length ? pick(seen) : undefined;
      if (questionId) await call('teacherRuns.trace', { id: ws.runId, questionId });
      else await call('teacherRuns.list', undefined);
    } else if (r < 0.75) {
      await call('teacherRuns.questionTypes', { id: ws.runId });
    } else if (r < 0.8) {
      await call('questionSets.list', undefined);
    } else if (r < 0.9) {
      const offset = Math.floor(rand() * (Number(values.traces) - PAGE));
      await call('questionSets.questions', { id: ws.questionSetId, offset, limit: PAGE });
    } else if (examples.length) {
      // Annotate: a save with the version last seen; a conflict (409) means reload, as the UI does.
      const exampleId = pick(examples);
      const expected = versions.get(exampleId);
      const saved = await call<{ version: number }>(
        'annotations.save',
        {
          datasetId: ws.datasetId,
          exampleId,
          annotator,
          status: rand() < 0.8 ? 'accepted' : 'rejected',
          ...(expected ? { expectedVersion: expected } : {}),
        },
        true,
      );
      if (saved) versions.set(exampleId, saved.version);
      else {
        const list = await call<{ exampleId: string; version: number }[]>('annotations.list', {
          datasetId: ws.datasetId,
          annotator,
        });
        for (const a of list ?? []) versions.set(a.exampleId, a.version);
      }
    }
  }
}

// Warm-up, untimed: the first list of a run computes and caches its counts and question types.
await call('teacherRuns.traces', { id: ws.runId, limit: 50 });
await call('teacherRuns.traces', { id: ws.runId, correct: true, limit: 50 });
for (let steps = 1; steps <= 4; steps++) await call('teacherRuns.traces', { id: ws.runId, steps, limit: 50 });
await call('teacherRuns.questionTypes', { id: ws.runId });
latencies.clear();
statuses.clear();
const rss: { t: number; mb: number }[] = [{ t: 0, mb: rssMb() }];
const cpu0 = cpuSeconds();
const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const start = performance.now();
const until = start + seconds * 1000;
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    await sleep(5000);
    if (sampling) rss.push({ t: Math.round((performance.now() - start) / 1000), mb: rssMb() });
  }
})();
await Promise.all(Array.from({ length: clients }, (_, c) => client(c, until)));
const elapsed = (performance.now() - start) / 1000;
sampling = false;
await sampler;
rss.push({ t: Math.round(elapsed), mb: rssMb() });
const cpu = cpuSeconds() - cpu0;
const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
await killGroup(proc);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
console.log(
  `\n${clients} clients for ${elapsed.toFixed(1)} s${values['list-only'] ? ', explorer list only' : ''}`,
);
console.log(
  `${'procedure'.padEnd(28)} ${'calls'.padStart(7)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
);
for (const [path, xs] of [...latencies].sort((a, b) => b[1].length - a[1].length)) {
  console.log(
    `${path.padEnd(28)} ${String(xs.length).padStart(7)} ${(xs.length / elapsed).toFixed(1).padStart(7)} ${pct(xs, 50).toFixed(1).padStart(8)} ${pct(xs, 99).toFixed(1).padStart(8)}`,
  );
}
const list = latencies.get('teacherRuns.traces')?.length ?? 0;
const all = [...latencies.values()].reduce((n, xs) => n + xs.length, 0);
console.log(
  `\nexplorer list (teacherRuns.traces): ${(list / elapsed).toFixed(1)} req/s at ${clients} connections`,
);
// On a shared machine the wall-clock rate says how much CPU the server got; this says what it needs.
console.log(
  `server CPU: ${cpu.toFixed(1)} s in ${elapsed.toFixed(1)} s (${((100 * cpu) / elapsed).toFixed(0)}% of a core); ` +
    `${(all / cpu).toFixed(0)} requests per CPU-second; this mix on a whole core ≈ ${(list / cpu).toFixed(0)} list req/s`,
);
console.log(`load average before / after: ${load0} / ${load1}`);
console.log(`responses by status: ${[...statuses].map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`server RSS (MB) over time: ${rss.map((s) => `${s.t}s ${s.mb}`).join(', ')}`);
for (const f of [...new Set(failures)].slice(0, 5)) console.log(`  ✗ ${f}`);
const fivexx = statuses.get('5xx') ?? 0;
process.exitCode = fivexx || failures.length ? 1 : 0;
