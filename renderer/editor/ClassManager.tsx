import { useState } from 'react';
import type { ApiClient } from '../../shared/api';
import type { AnnotationClass } from '../../shared/annotations/types';
import { updateClass } from './actions';
import { classNameProblem, classRoleText, MAX_CLASS_NAME } from './class-names';
import type { PairEditorStore } from './store';

/** One class: its name and colour (saved together), its role, and whether its shapes are shown. */
function ClassRow({ store, api, cls }: { store: PairEditorStore; api: ApiClient; cls: AnnotationClass }) {
  const [name, setName] = useState(cls.name);
  const [colour, setColour] = useState(cls.colour);
  const [saving, setSaving] = useState(false);
  const [serverProblem, setServerProblem] = useState<string | null>(null);
  const changed = name.trim() !== cls.name || colour.toLowerCase() !== cls.colour.toLowerCase();
  const problem = changed ? classNameProblem(store.classes, cls.id, name) : null;
  const hidden = store.isClassHidden(cls.id);
  const shown = problem ?? serverProblem;
  const save = () => {
    if (!changed || problem || saving) return;
    setSaving(true);
    void updateClass(store, api, cls.id, name, colour).then((message) => {
      setSaving(false);
      setServerProblem(message);
    });
  };
  return (
    <li className="class-row" data-testid={`class-row-${cls.id}`} data-class-name={cls.name}>
      <form
        className="class-row-form"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && changed) {
            e.stopPropagation();
            setName(cls.name);
            setColour(cls.colour);
            setServerProblem(null);
          }
        }}
      >
        <input
          type="color"
          value={colour}
          onChange={(e) => {
            setColour(e.target.value);
            setServerProblem(null);
          }}
          aria-label={`Colour of the class ${cls.name}`}
          data-testid="class-row-colour"
        />
        <input
          type="text"
          value={name}
          maxLength={MAX_CLASS_NAME + 20}
          onChange={(e) => {
            setName(e.target.value);
            setServerProblem(null);
          }}
          aria-label={`Name of the class ${cls.name}`}
          aria-invalid={shown !== null}
          data-testid="class-row-name"
          size={14}
        />
        <button
          type="submit"
          className="button button-small button-primary"
          disabled={!changed || problem !== null || saving}
          data-testid="class-row-save"
          title="Save the new name and colour (Enter); Escape undoes the typing"
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
        <label
          className="editor-check"
          title="Hide or show this class’s shapes on both images (the view only)"
        >
          <input
            type="checkbox"
            checked={!hidden}
            onChange={(e) => store.setClassHidden(cls.id, !e.target.checked)}
            data-testid="class-row-visible"
          />
          <span>Shown</span>
        </label>
      </form>
      <div className="class-row-role muted" data-testid="class-row-role">
        {classRoleText(cls.role)}
        {hidden && ' · hidden in the view, still measured'}
      </div>
      {shown && (
        <div className="editor-error" role="alert" data-testid="class-row-problem">
          {shown}
        </div>
      )}
    </li>
  );
}

/**
 * The study's classes: rename and recolour any of them (the built-in ones keep their role), and hide
 * or show a class's shapes on the canvases. Hiding is view state: nothing is stored or measured less.
 */
export function ClassManager({ store, api }: { store: PairEditorStore; api: ApiClient }) {
  if (store.classes.length === 0) return null;
  const hiddenCount = store.classes.filter((c) => store.isClassHidden(c.id)).length;
  return (
    <details className="class-manager" data-testid="class-manager">
      <summary>
        Classes ({store.classes.length}
        {hiddenCount > 0 ? `, ${hiddenCount} hidden` : ''})
      </summary>
      <ul className="class-list">
        {store.classes.map((c) => (
          // Keyed by the stored values too: a save (here or elsewhere) starts the row afresh.
          <ClassRow key={`${c.id}:${c.name}:${c.colour}`} store={store} api={api} cls={c} />
        ))}
      </ul>
    </details>
  );
}
