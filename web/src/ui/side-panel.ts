import { clear, el } from './dom.js';

export interface PanelSection {
  heading: string;
  /** [name, value] rows; an empty list prints "none". */
  rows: [string, string][];
}

/**
 * A details panel beside the graph (Kiali's side panel): a title, sections of name/value rows, a close
 * button; Esc closes it too. Text only via textContent.
 */
export class SidePanel {
  private readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly heading: HTMLElement;

  constructor(
    host: HTMLElement,
    private readonly onClose: () => void,
  ) {
    this.root = el('aside', { class: 'side-panel', 'aria-label': 'Selection details', hidden: '' });
    const head = el('div', { class: 'side-panel-head' });
    this.heading = el('h3', {});
    const close = el(
      'button',
      {
        type: 'button',
        class: 'side-panel-close',
        'aria-label': 'Close details (Esc)',
        title: 'Close (Esc)',
      },
      '×',
    );
    close.addEventListener('click', () => this.close());
    head.append(this.heading, close);
    this.body = el('div', { class: 'side-panel-body' });
    this.root.append(head, this.body);
    host.append(this.root);
    this.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
  }

  get open(): boolean {
    return !this.root.hidden;
  }

  show(title: string, subtitle: string, sections: readonly PanelSection[]): void {
    this.heading.textContent = title;
    clear(this.body);
    this.body.append(el('p', { class: 'side-panel-sub' }, subtitle));
    for (const s of sections) {
      const sec = el('section', { 'data-section': s.heading });
      sec.append(el('h4', {}, s.heading));
      const table = el('table', {});
      const rows = s.rows.length === 0 ? ([['none', '']] as [string, string][]) : s.rows;
      for (const [k, v] of rows) {
        const tr = el('tr', {});
        tr.append(el('th', { scope: 'row' }, k), el('td', {}, v));
        table.append(tr);
      }
      sec.append(table);
      this.body.append(sec);
    }
    this.root.hidden = false;
  }

  close(): void {
    if (this.root.hidden) return;
    this.root.hidden = true;
    this.onClose();
  }
}
