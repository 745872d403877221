import { defaultDemonstrations, LoopNameSchema } from '@steper/core';
import { z } from 'zod';
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

  /** The built-in few-shot demonstrations of a loop, to edit and send back with a run. */
  demonstrations: procedure
    .input(z.object({ loop: LoopNameSchema }))
    .query(({ input }) => defaultDemonstrations(input.loop)),
});
