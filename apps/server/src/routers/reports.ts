import { z } from 'zod';
import { confineReportDir, IMPORTS_DIR, REPORT_ROOTS } from '../corpora/confine';
import { importReport } from '../reports/import';
import { listReports, openReport } from '../reports/open';
import { REPORT_KINDS } from '../store/reports';
import { procedure, router } from '../trpc';
import { Id } from './schemas';

/** Reports of the experiment and the paper's analyses: the rows, and each folder's contents. */
export const reportsRouter = router({
  list: procedure.query(({ ctx }) => listReports(ctx.wb.store)),
  /** Metadata, the checked result.json, report.md and the figure names (files at /api/reports/<id>/files/<name>). */
  get: procedure.input(z.object({ id: Id })).query(({ ctx, input }) => openReport(ctx.wb.store, input.id)),
  /** Adds a report folder written elsewhere: committed under docs/results, or copied into the workspace's imports/. */
  import: procedure
    .input(
      z.object({
        outDir: z
          .string()
          .trim()
          .min(1, 'give the report folder, e.g. docs/results/quick-smoke-2026-11-23')
          .max(4096),
        kind: z.enum(REPORT_KINDS).optional(),
        name: z.string().trim().min(1).max(200).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      importReport(ctx.wb, {
        ...input,
        outDir: confineReportDir(input.outDir, REPORT_ROOTS(ctx.wb.store.path(IMPORTS_DIR))),
      }),
    ),
});
