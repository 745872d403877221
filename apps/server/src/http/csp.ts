import type { ServerResponse } from 'node:http';

/**
 * The Content-Security-Policy of the app's HTML pages. Everything the app loads is its own
 * (Vite bundles, Monaco, onnxruntime-web's loader and .wasm): 'self' everywhere, plus
 * - 'wasm-unsafe-eval': compiling WebAssembly (onnxruntime-web), and nothing else that evals;
 * - worker-src blob:: Monaco and Emscripten fall back to blob: workers;
 * - style-src 'unsafe-inline': Monaco injects <style> elements and React sets style attributes;
 * - data: images and fonts: the inline favicon, small bundled assets.
 * A worker started from a file answers to its own response (JS files carry no policy), so the
 * playground worker and its WebAssembly threads are unaffected.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The response, set to carry the policy if it turns out to be an HTML page: sirv names the type
 * only in the head it writes (index.html for any deep link), so the check waits for writeHead.
 */
export function withHtmlPolicy(res: ServerResponse): ServerResponse {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((r) => typeof r === 'object' && r !== null) as
      | Record<string, unknown>
      | undefined;
    const type = headers?.['Content-Type'] ?? headers?.['content-type'] ?? res.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    }
    return writeHead(status, ...rest);
  }) as ServerResponse['writeHead'];
  return res;
}
