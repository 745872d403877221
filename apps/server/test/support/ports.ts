// Apart from workspace.ts (which registers Vitest hooks), so scripts outside Vitest can use it.
/** A loopback port nothing listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
