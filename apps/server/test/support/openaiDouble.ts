import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback OpenAI-compatible endpoint with a fixed per-call latency, for what a real server will
 * not do on cue: answer slowly enough to be killed mid-run (resume test), answer 429 or hang
 * (retry tests), and give a steady latency to measure throughput against (bench). Its text is a
 * deterministic function of the prompt, so two runs over it give the same traces.
 */
export interface DoubleOptions {
  latencyMs?: number;
  /** The first N requests get 429 with Retry-After-Ms. */
  rateLimitFirst?: number;
  /** The first N requests never get an answer (the client's timeout fires). */
  hangFirst?: number;
  /** Answer 200 with a body that is not an OpenAI response. */
  garbage?: boolean;
  /** Refuse every completion with 400, as a server refuses a prompt longer than its context. */
  badRequest?: boolean;
}

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  at: number;
}

export interface OpenAiDouble {
  baseURL: string;
  requests: RecordedRequest[];
  /** The Authorization header of every request, /models included: which keys reached it. */
  authorizations: string[];
  /** Most requests being handled at the same moment. */
  maxInFlight: number;
  /** Requests being handled now: received, not yet answered. */
  inFlight: number;
  /** Sum over answered requests of the time each was being handled: busy time × mean concurrency. */
  servedMs: number;
  close(): Promise<void>;
}

function textFor(prompt: string): string {
  const h = createHash('sha256').update(prompt).digest('hex');
  // Ends the loop at aggregation like a teacher would; otherwise one reasoning sentence.
  if (prompt.includes('For the last question, use all of its passages'))
    return ` So the answer is: item ${h.slice(0, 4)}`;
  return ` The passage about ${h.slice(0, 6)} says ${h.slice(6, 12)}.`;
}

export async function startOpenAiDouble(opts: DoubleOptions = {}): Promise<OpenAiDouble> {
  const requests: RecordedRequest[] = [];
  const authorizations: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let servedMs = 0;
  let seen = 0;
  const pending = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const n = seen++;
    authorizations.push(req.headers.authorization ?? '');
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ object: 'list', data: [{ id: 'double', object: 'model' }] }));
      return;
    }
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    requests.push({ path: req.url ?? '', body, at: Date.now() });
    if (opts.hangFirst && n < opts.hangFirst) {
      pending.add(res);
      return;
    }
    if (opts.rateLimitFirst && n < opts.rateLimitFirst) {
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '20' })
        .end(JSON.stringify({ error: { message: 'rate limited' } }));
      return;
    }
    if (opts.badRequest) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'prompt is longer than the context' } }));
      return;
    }
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, opts.latencyMs ?? 0));
    servedMs += performance.now() - t0;
    inFlight -= 1;
    if (opts.garbage) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
      return;
    }
    const chat = req.url?.includes('/chat/');
    const prompt = chat
      ? String(((body.messages as { content: string }[] | undefined) ?? []).map((m) => m.content).join('\n'))
      : String(body.prompt ?? '');
    const text = textFor(prompt);
    const usage = {
      prompt_tokens: Math.ceil(prompt.length / 4),
      completion_tokens: Math.ceil(text.length / 4),
    };
    const choice = chat
      ? { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: text } }
      : { index: 0, finish_reason: 'stop', text };
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `x${n}`,
        object: chat ? 'chat.completion' : 'text_completion',
        model: body.model,
        choices: [choice],
        usage,
      }),
    );
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    authorizations,
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    get servedMs() {
      return servedMs;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of pending) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
