/** Renderers of a Result: fortio-like text, JSON, Envoy stats text, Prometheus exposition. */
import type { Result } from '../run/result.js';
import { renderEnvoyStats } from './envoy-stats.js';
import { renderText } from './fortio-text.js';
import { renderPrometheus } from './prometheus.js';

export { renderText, renderEnvoyStats, renderPrometheus };

export type ReportFormat = 'text' | 'json' | 'envoy-stats' | 'prometheus';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'envoy-stats', 'prometheus'];

export function renderJson(r: Result): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export function render(r: Result, format: ReportFormat): string {
  switch (format) {
    case 'text':
      return renderText(r);
    case 'json':
      return renderJson(r);
    case 'envoy-stats':
      return renderEnvoyStats(r);
    case 'prometheus':
      return renderPrometheus(r);
  }
}
export {
  renderStudy,
  renderStudyText,
  renderStudyCsv,
  shortParam,
  STUDY_FORMATS,
} from './study.js';
export type { StudyFormat } from './study.js';
export { renderJunit } from './junit.js';
export { withMisconfigHeader } from './header.js';
export type { HeaderFormat } from './header.js';
