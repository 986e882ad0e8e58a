import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { type Diagnostic as CmDiagnostic, lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import type { Diagnostic } from '../../../src/index.js';
import { clear, el } from '../ui/dom.js';
import { diagnosticRange } from './positions.js';

/**
 * The YAML editor: one CodeMirror view, one EditorState per open file (switching files swaps states, so
 * each keeps its own undo history), meshsim's diagnostics shown inline at their lines.
 */
export class FileEditor {
  readonly view: EditorView;
  private readonly states = new Map<string, EditorState>();
  private readonly diags = new Map<string, Diagnostic[]>();
  private active = '';
  private silent = false;

  constructor(
    parent: HTMLElement,
    private readonly tabs: HTMLElement,
    private readonly onChange: (path: string, text: string) => void,
  ) {
    this.view = new EditorView({
      parent,
      dispatch: (tr, view) => {
        view.update([tr]);
        if (tr.docChanged && !this.silent) this.onChange(this.active, view.state.doc.toString());
      },
    });
    this.view.contentDOM.setAttribute('aria-label', 'YAML editor');
  }

  private newState(text: string): EditorState {
    return EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        yaml(),
        lintGutter(),
        EditorState.tabSize.of(2),
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap, indentWithTab]),
      ],
    });
  }

  /** Replaces every open file (a model was opened). */
  setFiles(files: readonly { path: string; text: string }[], scenario: string): void {
    this.states.clear();
    this.diags.clear();
    // The view still shows the old model: show() must not save it over a new file of the same path.
    this.active = '';
    for (const f of files) this.states.set(f.path, this.newState(f.text));
    this.renderTabs(scenario);
    this.show(files[0]?.path ?? '');
  }

  addFile(path: string, text: string, scenario: string): void {
    this.states.set(path, this.newState(text));
    this.renderTabs(scenario);
    this.show(path);
  }

  get activePath(): string {
    return this.active;
  }

  show(path: string): void {
    if (this.active && this.states.has(this.active)) this.states.set(this.active, this.view.state);
    const s = this.states.get(path);
    if (s === undefined) return;
    this.active = path;
    this.silent = true;
    this.view.setState(s);
    this.silent = false;
    this.applyDiagnostics(path);
    for (const b of this.tabs.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
      const on = b.dataset.path === path;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
  }

  /** Sets a file's text from outside (a what-if knob) as a minimal change, keeping undo history. */
  setText(path: string, text: string): void {
    const state = path === this.active ? this.view.state : this.states.get(path);
    if (state === undefined) return;
    const old = state.doc.toString();
    if (old === text) return;
    let a = 0;
    while (a < old.length && a < text.length && old[a] === text[a]) a++;
    let b = 0;
    while (b < old.length - a && b < text.length - a && old[old.length - 1 - b] === text[text.length - 1 - b])
      b++;
    const spec = { changes: { from: a, to: old.length - b, insert: text.slice(a, text.length - b) } };
    this.silent = true;
    if (path === this.active) this.view.dispatch(spec);
    else this.states.set(path, state.update(spec).state);
    this.silent = false;
  }

  text(path: string): string | undefined {
    return (path === this.active ? this.view.state : this.states.get(path))?.doc.toString();
  }

  setDiagnostics(byFile: Map<string, Diagnostic[]>): void {
    this.diags.clear();
    for (const [f, ds] of byFile) this.diags.set(f, ds);
    this.applyDiagnostics(this.active);
    for (const b of this.tabs.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
      const ds = this.diags.get(b.dataset.path ?? '') ?? [];
      b.classList.toggle(
        'has-error',
        ds.some((d) => d.severity === 'error'),
      );
    }
  }

  private applyDiagnostics(path: string): void {
    const doc = this.view.state.doc;
    const list: CmDiagnostic[] = (this.diags.get(path) ?? []).map((d) => {
      const r = diagnosticRange(doc, d.line, d.column);
      return { ...r, severity: d.severity, source: d.code, message: d.message };
    });
    this.view.dispatch(setDiagnostics(this.view.state, list));
  }

  /** Moves the cursor to a diagnostic's place and focuses the editor. */
  reveal(path: string, line: number, column: number): void {
    this.show(path);
    const r = diagnosticRange(this.view.state.doc, line, column);
    this.view.dispatch({
      selection: { anchor: r.from },
      effects: EditorView.scrollIntoView(r.from, { y: 'center' }),
    });
    this.view.focus();
  }

  private renderTabs(scenario: string): void {
    clear(this.tabs);
    for (const path of this.states.keys()) {
      const b = el(
        'button',
        { type: 'button', role: 'tab', 'data-path': path, title: path },
        shortName(path),
      );
      if (path === scenario) b.classList.add('scenario');
      b.addEventListener('click', () => this.show(path));
      b.addEventListener('keydown', (e) => {
        if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
        const all = [...this.tabs.querySelectorAll<HTMLButtonElement>('[role=tab]')];
        const i = all.indexOf(b) + (e.key === 'ArrowRight' ? 1 : -1);
        const next = all[(i + all.length) % all.length];
        next?.click();
        next?.focus();
      });
      this.tabs.append(b);
    }
  }
}

function shortName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
