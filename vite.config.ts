import { defineConfig, type Plugin } from 'vite';

/**
 * The web app (web/, docs/web.md). The built page carries this Content-Security-Policy twice: as a meta
 * tag in index.html (any static host) and as a header from `vite preview` (which also covers the worker
 * script, since a worker takes its policy from its own response). No 'unsafe-eval': zod runs jitless.
 * 'unsafe-inline' for styles only: CodeMirror and d3 set style attributes/elements.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "frame-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'meshsim-csp-meta',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<meta charset="utf-8" />',
        `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
      ),
  };
}

export default defineConfig({
  root: 'web',
  base: './',
  plugins: [cspMeta()],
  build: { outDir: '../web-dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2500 },
  worker: { format: 'es' },
  server: { fs: { allow: ['..'] } },
  preview: { headers: { 'Content-Security-Policy': CSP } },
});
