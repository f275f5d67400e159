import { useState } from 'react';
import type { ApiClient } from '../../shared/api';
import { addClass } from './actions';
import type { PairEditorStore } from './store';

const NEW_CLASS_COLOURS = ['#e8590c', '#2b8a3e', '#1971c2', '#c2255c', '#5f3dc4', '#0b7285'];

/** The class new work goes to, and an inline form for a class of the user's own (name and colour). */
export function ClassPicker({ store, api }: { store: PairEditorStore; api: ApiClient }) {
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [colour, setColour] = useState(NEW_CLASS_COLOURS[0]);
  const active = store.activeClassId === null ? undefined : store.classById(store.activeClassId);
  if (store.classesError) {
    return (
      <span className="editor-error" role="alert">
        Classes not loaded: {store.classesError.message}
      </span>
    );
  }
  if (adding) {
    return (
      <form
        className="class-form"
        data-testid="class-form"
        onSubmit={(e) => {
          e.preventDefault();
          void addClass(store, api, name, colour).then((added) => {
            if (!added) return;
            setAdding(false);
            setName('');
            setColour(NEW_CLASS_COLOURS[store.classes.length % NEW_CLASS_COLOURS.length]);
          });
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            setAdding(false);
          }
        }}
      >
        <input
          type="text"
          value={name}
          autoFocus
          onChange={(e) => setName(e.target.value)}
          placeholder="Class name"
          aria-label="Name of the new class"
          maxLength={100}
          data-testid="class-name"
          size={14}
        />
        <input
          type="color"
          value={colour}
          onChange={(e) => setColour(e.target.value)}
          aria-label="Colour of the new class"
          data-testid="class-colour"
        />
        <button type="submit" className="button button-small button-primary" data-testid="class-add-submit">
          Add
        </button>
        <button type="button" className="button button-small" onClick={() => setAdding(false)}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <span className="class-picker">
      <span
        className="class-swatch class-swatch-large"
        style={{ background: active?.colour ?? 'transparent' }}
      />
      <select
        value={store.activeClassId ?? ''}
        onChange={(e) => store.setActiveClass(Number(e.target.value))}
        aria-label="Class of new shapes and painting"
        title="Class of what you draw or paint next (the brush, eraser and wand remember their own)"
        data-testid="class-select"
      >
        {store.classes.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button button-small"
        onClick={() => setAdding(true)}
        title="Add a class of your own (name and colour), kept in this study"
        data-testid="class-add"
      >
        + Class
      </button>
    </span>
  );
}
