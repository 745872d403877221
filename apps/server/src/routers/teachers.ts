import { LoopNameSchema } from '@steper/core';
import { z } from 'zod';
import { WorkspacePrompts } from '../store/prompts';
import { createTeacher } from '../teachers/create';
import { TeacherSpecSchema } from '../teachers/spec';
import { procedure, router } from '../trpc';

export const teachersRouter = router({
  /** Named endpoints of the server's endpoints file: names, URLs and models, never keys. */
  endpoints: procedure.query(({ ctx }) => ctx.wb.endpoints.list()),

  /** Whether a teacher answers at all (GET /models), without a paid call. */
  check: procedure.input(TeacherSpecSchema).mutation(async ({ ctx, input }) => {
    const teacher = createTeacher(input, { store: ctx.wb.store, endpoints: ctx.wb.endpoints, owner: null });
    await teacher.probe();
    return { ok: true, teacher: teacher.describe };
  }),

  /**
   * The few-shot demonstrations a teacher run of this loop gets by default, to edit and send back
   * with a run: the workspace's saved default (`source: 'workspace'`), else the built-in ones.
   */
  demonstrations: procedure.input(z.object({ loop: LoopNameSchema })).query(({ ctx, input }) => {
    const { file, source } = new WorkspacePrompts(ctx.wb.store.dir).effective(input.loop);
    return { ...file, source };
  }),
});
