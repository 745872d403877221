import { z } from 'zod';

/** The most items a client may ask for in one page: lists carry summaries, so 100 stays small. */
export const PAGE_MAX = 100;

export const Paging = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(PAGE_MAX).default(50),
});

export const Id = z.string().min(1).max(100);
