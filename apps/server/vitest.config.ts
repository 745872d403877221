import { defineProject } from 'vitest/config';

export default defineProject({
  // Real SQLite files, child processes and local HTTP servers: give them room on a 2-core machine.
  test: { name: 'server', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
