import { DemonstrationFileSchema } from '@steper/core';
import { z } from 'zod';
import { WorkspacePrompts } from '../store/prompts';
import { procedure, router } from '../trpc';

const Loop = z.enum(['ircot', 'self-ask']);

export const promptsRouter = router({
  /**
   * Saves the workspace's default demonstrations of a loop: teacher runs started without
   * demonstrations use them (and record so), and teachers.demonstrations returns them.
   */
  save: procedure
    .input(z.object({ loop: Loop, file: DemonstrationFileSchema }))
    .mutation(({ ctx, input }) => {
      new WorkspacePrompts(ctx.wb.store.dir).save(input.loop, input.file);
      return { saved: true as const };
    }),

  /** Drops the saved default: the loop's built-in demonstrations apply again. */
  reset: procedure.input(z.object({ loop: Loop })).mutation(({ ctx, input }) => ({
    reset: new WorkspacePrompts(ctx.wb.store.dir).reset(input.loop),
  })),
});
