import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemonstrationFile, defaultDemonstrations } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { callerFor, failure } from './support/caller';
import { runCli } from './support/cli';
import { smallDemo, testWorkbench } from './support/workspace';

const edited = (): DemonstrationFile => {
  const file = structuredClone(defaultDemonstrations('ircot'));
  return {
    ...file,
    name: 'ircot-edited',
    demonstrations: file.demonstrations.slice(0, 2),
  } as DemonstrationFile;
};

describe('workspace default demonstrations', () => {
  it('saves, serves, survives a restart, and resets to the built-in ones', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const builtIn = await api.teachers.demonstrations({ loop: 'ircot' });
    expect(builtIn).toMatchObject({ name: defaultDemonstrations('ircot').name, source: 'built-in' });

    expect(await api.prompts.save({ loop: 'ircot', file: edited() })).toEqual({ saved: true });
    const saved = await api.teachers.demonstrations({ loop: 'ircot' });
    expect(saved).toMatchObject({ format: 'ircot', name: 'ircot-edited', source: 'workspace' });
    expect(saved.demonstrations).toHaveLength(2);
    // IRCoT demonstrations also serve the single-step baseline; Self-Ask keeps its own.
    expect((await api.teachers.demonstrations({ loop: 'single-step' })).name).toBe('ircot-edited');
    expect((await api.teachers.demonstrations({ loop: 'self-ask' })).source).toBe('built-in');

    // Another server on the same workspace sees them.
    const again = callerFor(testWorkbench({ workspace: wb.store.dir }));
    expect((await again.teachers.demonstrations({ loop: 'ircot' })).name).toBe('ircot-edited');

    expect(await api.prompts.reset({ loop: 'ircot' })).toEqual({ reset: true });
    expect(await api.prompts.reset({ loop: 'ircot' })).toEqual({ reset: false });
    expect(await api.teachers.demonstrations({ loop: 'ircot' })).toMatchObject({
      name: defaultDemonstrations('ircot').name,
      source: 'built-in',
    });
  });

  it('refuses a file of the wrong format or shape, and writes nothing', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const selfAsk = defaultDemonstrations('self-ask');
    const wrong = await failure(api.prompts.save({ loop: 'ircot', file: selfAsk }));
    expect(wrong.code).toBe('BAD_REQUEST');
    expect(wrong.message).toMatch(/field "file.format": the ircot loop needs "ircot" demonstrations/);
    const broken = { ...edited(), demonstrations: [{ question: 'Q?', passages: [], answer: 'A' }] };
    const shape = await failure(
      api.prompts.save({ loop: 'ircot', file: broken as unknown as DemonstrationFile }),
    );
    expect(shape.code).toBe('BAD_REQUEST');
    expect(shape.message).toMatch(/field "file\.demonstrations\.0\.reasoning"/);
    const loop = await failure(api.prompts.save({ loop: 'no-retrieval' as 'ircot', file: edited() }));
    expect(loop.message).toMatch(/field "loop"/);
    expect((await api.teachers.demonstrations({ loop: 'ircot' })).source).toBe('built-in');
  });

  it('says how to recover from a default file broken by hand', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    await api.prompts.save({ loop: 'self-ask', file: defaultDemonstrations('self-ask') });
    writeFileSync(join(wb.store.dir, 'prompts', 'self-ask.json'), '{"format": "self-ask"');
    const err = await failure(api.teachers.demonstrations({ loop: 'self-ask' }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toMatch(/self-ask\.json.*reset to the built-in demonstrations/);
    await api.prompts.reset({ loop: 'self-ask' });
    expect((await api.teachers.demonstrations({ loop: 'self-ask' })).source).toBe('built-in');
  });

  it('teacher runs without demonstrations use the workspace default and record which they used', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const base = { corpusId: demo.corpusId, questionSetId: demo.questionSetIds.test, limit: 2 };
    const config = async (id: string) =>
      (await api.teacherRuns.get({ id })).config as {
        demonstrations: DemonstrationFile;
        demonstrationsSource: string;
      };

    const builtIn = await api.teacherRuns.start(base);
    expect(builtIn.run.config).toMatchObject({ demonstrationsSource: 'built-in' });
    expect((await config(builtIn.run.id)).demonstrations.name).toBe(defaultDemonstrations('ircot').name);

    await api.prompts.save({ loop: 'ircot', file: edited() });
    const workspace = await api.teacherRuns.start(base);
    expect(await config(workspace.run.id)).toMatchObject({
      demonstrationsSource: 'workspace',
      demonstrations: { name: 'ircot-edited' },
    });
    // Given ones win over the default.
    const given = { ...edited(), name: 'given' } as DemonstrationFile;
    const request = await api.teacherRuns.start({ ...base, demonstrations: given });
    expect(await config(request.run.id)).toMatchObject({
      demonstrationsSource: 'request',
      demonstrations: { name: 'given' },
    });
    // A Self-Ask run has no saved default: the built-in Self-Ask ones.
    const selfAsk = await api.teacherRuns.start({ ...base, loop: 'self-ask' });
    expect(await config(selfAsk.run.id)).toMatchObject({
      demonstrationsSource: 'built-in',
      demonstrations: { format: 'self-ask' },
    });
    // The command line starts runs the same way: the workspace default, recorded as such.
    const cli = await runCli([
      'teach',
      '--workspace',
      wb.store.dir,
      '--corpus',
      demo.corpusId,
      '--questions',
      demo.questionSetIds.test,
      '--limit',
      '1',
      '--no-build',
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(await config(cli.stdout.trim())).toMatchObject({
      demonstrationsSource: 'workspace',
      demonstrations: { name: 'ircot-edited' },
    });
  });
});
