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

/** Whether a response about to be written is an HTML page (sirv sets the type it sends). */
export function isHtml(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.startsWith('text/html');
}
