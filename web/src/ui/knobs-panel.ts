import { type Knob, knobValue } from '../yaml/knobs.js';
import { clear, el } from './dom.js';

/**
 * The what-if panel: one labelled input per knob, grouped by resource. Values come from the YAML (the
 * editor is the source of truth); committing an input (change / Enter) calls `onSet`.
 */
export function renderKnobs(
  host: HTMLElement,
  knobs: readonly Knob[],
  onSet: (k: Knob, value: string | number | null) => void,
  onAddEvent: () => void,
): void {
  const focused =
    document.activeElement instanceof HTMLInputElement ? document.activeElement.dataset.knob : undefined;
  clear(host);
  const groups = new Map<string, Knob[]>();
  for (const k of knobs) groups.set(k.group, [...(groups.get(k.group) ?? []), k]);
  for (const [group, ks] of groups) {
    const fs = el('fieldset', { class: 'knob-group' });
    fs.append(el('legend', {}, group));
    for (const k of ks) {
      const id = `knob-${hash(k.id)}`;
      const row = el('div', { class: 'knob' });
      row.append(el('label', { for: id }, k.label));
      const input = el('input', {
        id,
        type: 'text',
        'data-knob': k.id,
        'data-path': k.path.join('.'),
        placeholder: k.placeholder,
        inputmode: k.type === 'int' || k.type === 'number' ? 'decimal' : 'text',
        autocomplete: 'off',
        spellcheck: 'false',
      });
      input.value = k.value ?? '';
      const commit = () => {
        const v = knobValue(k.type, input.value);
        if (v === undefined) {
          input.setAttribute('aria-invalid', 'true');
          input.title =
            k.type === 'duration'
              ? 'a duration such as 250ms, 1.5s, 2m'
              : `a ${k.type === 'int' ? 'whole ' : ''}number`;
          return;
        }
        input.removeAttribute('aria-invalid');
        if ((k.value ?? '') === input.value.trim()) return;
        onSet(k, v);
      };
      input.addEventListener('change', commit);
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') commit();
      });
      row.append(input);
      fs.append(row);
      if (focused === k.id) queueMicrotask(() => input.focus());
    }
    if (group === 'Scenario failures' || group === 'Scenario load') {
      if (group === 'Scenario failures' || !groups.has('Scenario failures')) {
        const add = el('button', { type: 'button', class: 'add-event' }, 'Add a crash event');
        add.addEventListener('click', onAddEvent);
        fs.append(add);
      }
    }
    host.append(fs);
  }
  if (knobs.length === 0)
    host.append(
      el(
        'p',
        {},
        'No knobs: the open files have no VirtualService, DestinationRule or scenario fields to vary.',
      ),
    );
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
