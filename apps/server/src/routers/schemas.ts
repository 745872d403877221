import { z } from 'zod';

export const Paging = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
});

export const Id = z.string().min(1).max(100);
