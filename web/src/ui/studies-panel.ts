import { clear, el } from './dom.js';

/** One entry of notebooks/index.json, written by notebooks/build-all.ts. */
interface NotebookEntry {
  name: string;
  title: string;
  question: string;
  answer: string;
  file: string;
  short: boolean;
}

/**
 * The Studies tab: the notebook reports built with the app (notebooks/build-all.ts). Each report is a
 * self-contained HTML page without scripts, shown in a sandboxed frame (no scripts, no same-origin).
 * Every field from index.json is rendered as text, never as HTML.
 */
export async function renderStudies(list: HTMLElement, frame: HTMLIFrameElement): Promise<void> {
  clear(list);
  let entries: NotebookEntry[];
  try {
    const res = await fetch('notebooks/index.json');
    if (!res.ok) throw new Error(String(res.status));
    entries = parseIndex(await res.json());
  } catch {
    list.append(
      el(
        'p',
        { class: 'hint' },
        'No notebook reports in this build: `npm run build:web` renders them (or `npm run notebook -- notebooks/<name>`).',
      ),
    );
    return;
  }
  for (const e of entries) {
    const open = el('button', { type: 'button' }, e.title);
    open.addEventListener('click', () => {
      frame.src = `notebooks/${encodeURIComponent(e.file)}`;
      frame.title = e.title;
      frame.hidden = false;
      frame.scrollIntoView({ block: 'start' });
    });
    // The answer is folded so the list stays short and the opened report has the room.
    const answer = el('details', { class: 'answer' });
    answer.append(el('summary', {}, 'Answer'), el('p', {}, e.answer + (e.short ? ' (CI settings)' : '')));
    const li = el('li');
    li.append(open, el('p', { class: 'question' }, e.question), answer);
    list.append(li);
  }
}

function parseIndex(raw: unknown): NotebookEntry[] {
  if (!Array.isArray(raw)) throw new Error('index.json is not a list');
  return raw
    .filter(
      (x): x is NotebookEntry =>
        typeof x === 'object' &&
        x !== null &&
        ['name', 'title', 'question', 'answer', 'file'].every(
          (k) => typeof (x as Record<string, unknown>)[k] === 'string',
        ),
    )
    .filter((x) => /^[a-z0-9-]+\.html$/.test(x.file));
}
