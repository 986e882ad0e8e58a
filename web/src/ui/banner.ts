import { byId, clear, el } from './dom.js';

/** The page-level error banner (role=alert): for failures that have no line in a file to point at. */
export function showBanner(message: string, kind: 'error' | 'info' = 'error'): void {
  const b = byId('banner');
  clear(b);
  b.className = kind;
  b.append(el('span', {}, message));
  const close = el('button', { type: 'button', 'aria-label': 'Dismiss' }, '×');
  close.addEventListener('click', hideBanner);
  b.append(close);
  b.hidden = false;
}

export function hideBanner(): void {
  byId('banner').hidden = true;
}

/** Uncaught errors and rejections end up in the banner, never as a blank page. */
export function installGlobalErrorBanner(): void {
  window.addEventListener('error', (e) => showBanner(`Unexpected error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => {
    const r = e.reason as unknown;
    showBanner(`Unexpected error: ${r instanceof Error ? r.message : String(r)}`);
  });
}
