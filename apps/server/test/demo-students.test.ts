import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_WORLD, demoWorld } from '../src/demo/demo';
import { MULTI_HOP_TYPES, measureStudent } from '../src/demo/measure';
import { SHIPPED_DEMO_DIR, shippedStudents, startShippedEvaluations } from '../src/demo/shipped';
import { liveGenerators } from '../src/students/generators';
import { smallDemo, tempDir, testWorkbench } from './support/workspace';

const manifest = JSON.parse(readFileSync(join(SHIPPED_DEMO_DIR, 'manifest.json'), 'utf8')) as {
  world: Record<string, unknown>;
  loop: { maxSteps: number; topK: number; maxTokens: number };
  corpus: { index: { path: string } };
  questions: { id: string; question: string; answers: string[]; type?: string }[];
  students: { id: string; heldOut: { variant: string; questions: number; correct: number; em: number } }[];
};

describe('the embedded default world', () => {
  it('is the world the shipped students learnt, with their loop', () => {
    expect(manifest.world).toEqual(DEMO_WORLD);
    expect(manifest.loop).toMatchObject({ maxSteps: 5, topK: DEMO_WORLD.topK, maxTokens: 48 });
  });
});

describe('the shipped demo students (public/demo)', () => {
  it('StepER answers at least 30% of the held-out multi-hop questions through the playground’s loop in Node', async () => {
    const questions = manifest.questions.filter(
      (q) => q.type !== undefined && MULTI_HOP_TYPES.includes(q.type),
    );
    expect(questions.length).toBeGreaterThanOrEqual(150);
    const steper = shippedStudents().find((s) => s.id === 'steper')!;
    // Two halves side by side, one thread each: the same greedy answers, in half the time on two cores.
    const half = Math.ceil(questions.length / 2);
    const halves = await Promise.all(
      [questions.slice(0, half), questions.slice(half)].map((part) =>
        measureStudent(
          steper.dir,
          steper.variant,
          join(SHIPPED_DEMO_DIR, manifest.corpus.index.path),
          manifest.loop,
          part,
        ),
      ),
    );
    const measured = {
      questions: halves[0]!.questions + halves[1]!.questions,
      correct: halves[0]!.correct + halves[1]!.correct,
    };
    const em = measured.correct / measured.questions;
    expect(measured.questions).toBe(questions.length);
    expect(em).toBeGreaterThanOrEqual(0.3);
    // What the playground shows is what this measures.
    const recorded = manifest.students.find((s) => s.id === 'steper')!.heldOut;
    expect(recorded).toMatchObject({
      variant: steper.variant,
      questions: questions.length,
      correct: measured.correct,
    });
  }, 1_800_000);

  it('are evaluated once on a demo workspace of their world, and on no other', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    // The real manifest names the standard world: a workspace of another world is left alone, saying why.
    const other = await startShippedEvaluations(wb, demo);
    expect(other.started).toEqual([]);
    expect(other.skipped).toMatch(/trained on .*"questions":12000.*this workspace holds .*"questions":60/);
    expect(wb.store.evaluations.list()).toEqual([]);

    // The same students, with a manifest that names this workspace's world.
    const dir = tempDir();
    cpSync(SHIPPED_DEMO_DIR, dir, { recursive: true });
    const copy = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { world: unknown };
    copy.world = demoWorld({ seed: 7, passages: 300, questions: 60 });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(copy));
    const first = await startShippedEvaluations(wb, demo, dir);
    expect(first.skipped).toBeNull();
    expect(first.started.map((e) => e.name).sort()).toEqual([
      expect.stringMatching(/^Demo student: StepER \(public\/demo, (fp32|int8|fp16)\)$/),
      expect.stringMatching(/^Demo student: Vanilla-KD \(public\/demo, (fp32|int8|fp16)\)$/),
    ]);
    expect((await startShippedEvaluations(wb, demo, dir)).started).toEqual([]);

    wb.runner.start();
    for (const e of first.started) {
      const job = await wb.runner.waitFor(wb.store.evaluations.require(e.id).jobId!);
      expect(job.status, job.error ?? '').toBe('done');
      const done = wb.store.evaluations.require(e.id);
      expect(done.config).toMatchObject({
        questionSetId: demo.questionSetIds.test,
        topK: manifest.loop.topK,
      });
      expect(done.tracesDone).toBeGreaterThan(0);
    }
  }, 300_000);

  it('are offered as live generators with the variant they ship', () => {
    const wb = testWorkbench();
    const demo = liveGenerators(wb).filter((g) => g.id.startsWith('student:demo-'));
    expect(demo.map((g) => g.id).sort()).toEqual(['student:demo-steper', 'student:demo-vanilla']);
    for (const g of demo) {
      expect(g.spec).toMatchObject({ kind: 'onnx', variant: manifest.students[0]!.heldOut.variant });
    }
  });
});
