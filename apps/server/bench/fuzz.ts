/**
 * `npm run fuzz`: every parser and every tRPC procedure input under 10,000+ arbitrary inputs each
 * (fast-check), printing cases/s and property violations per target. Exits 1 on any violation.
 * Usage: tsx apps/server/bench/fuzz.ts [--runs N] [--seed S] [--only parsers|api]
 */
import { runTarget } from '../test/support/fuzz';
import { apiTargets } from '../test/support/fuzz-api';
import { parserTargets } from '../test/support/fuzz-parsers';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const runs = Number(arg('runs', '10000'));
const seed = Number(arg('seed', String(Date.now() % 1_000_000)));
const only = arg('only', 'all');

console.log(`fuzz: ${runs.toLocaleString('en')} cases per target, seed ${seed}`);
console.log(
  `${'target'.padEnd(40)} ${'cases'.padStart(7)} ${'cases/s'.padStart(9)} ${'accepted'.padStart(9)} failures`,
);
let failed = 0;
const report = (name: string, r: Awaited<ReturnType<typeof runTarget>>) => {
  failed += r.failures.length;
  const rate = Math.round(r.cases / r.seconds);
  const acc = `${Math.round((100 * r.accepted) / r.cases)}%`;
  console.log(
    `${name.padEnd(40)} ${String(r.cases).padStart(7)} ${String(rate).padStart(9)} ${acc.padStart(9)} ${r.failures.length}`,
  );
  for (const f of r.failures.slice(0, 3)) {
    console.log(`    ${f.error.slice(0, 300)}\n    input: ${JSON.stringify(f.input)?.slice(0, 300)}`);
  }
};
if (only !== 'api') for (const t of parserTargets) report(t.name, await runTarget(t, runs, seed));
if (only !== 'parsers') {
  const api = await apiTargets();
  try {
    for (const t of api.targets) report(t.name, await runTarget(t, runs, seed));
  } finally {
    await api.close();
  }
}
console.log(failed === 0 ? 'fuzz: no violations' : `fuzz: ${failed} violation(s)`);
process.exitCode = failed === 0 ? 0 : 1;
