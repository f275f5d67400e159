import type { ApiClient } from '../../shared/api';
import { undoOrRedo } from './actions';
import { ClassPicker } from './ClassPicker';
import { convertBrushSize, type SizeUnit } from './coords';
import { HelpOverlay } from './HelpOverlay';
import type { PairEditorStore } from './store';
import { ToolIcon } from './ToolIcon';
import { TOOLS, USES_BRUSH_SIZE } from './tools';
import { shapeEvents, useSessionEvents } from './use-store';

/** Toolbar buttons keep the keyboard focus where it was, so shortcuts keep working after a click. */
const keepFocus = (e: React.MouseEvent) => e.preventDefault();

function BrushSizeControl({ store }: { store: PairEditorStore }) {
  const side = store.activeSide;
  const umPerPx = store.records[side].umPerPx;
  const size = store.brushSize;
  const diameter = store.brushDiameter(side);
  return (
    <span className="brush-size" title="Brush diameter ([ smaller, ] larger)">
      <label>
        Size
        <input
          type="number"
          min={size.unit === 'px' ? 1 : 0.1}
          step="any"
          value={size.value}
          onChange={(e) => store.setBrushSize({ ...size, value: Number(e.target.value) })}
          data-testid="brush-size"
          aria-label="Brush diameter"
        />
      </label>
      <select
        value={size.unit}
        onChange={(e) => store.setBrushSize(convertBrushSize(size, e.target.value as SizeUnit, umPerPx))}
        aria-label="Brush size unit"
        data-testid="brush-unit"
      >
        <option value="px">px</option>
        <option value="um">µm</option>
      </select>
      {size.unit === 'um' && !diameter.calibrated && (
        <span className="editor-warning editor-small">image not calibrated: taken as px</span>
      )}
    </span>
  );
}

/** Tools, class, brush size, undo/redo and help, in the pair view's toolbar. */
export function EditorToolbar({ store, api }: { store: PairEditorStore; api: ApiClient }) {
  const session = store.session(store.activeSide);
  // Undo and redo availability changes with each committed gesture.
  useSessionEvents(session, shapeEvents);
  const message = store.message;
  return (
    <>
      <span className="toolbar-divider" />
      <div className="button-group editor-tools" role="group" aria-label="Annotation tools">
        {TOOLS.map((tool) => (
          <button
            key={tool.id}
            type="button"
            className={`button button-small tool-button${store.tool === tool.id ? ' tool-active' : ''}`}
            aria-pressed={store.tool === tool.id}
            title={`${tool.label} (${tool.key.toUpperCase()}): ${tool.hint}`}
            aria-label={tool.label}
            data-testid={`tool-${tool.id}`}
            onMouseDown={keepFocus}
            onClick={() => store.setTool(tool.id)}
          >
            <ToolIcon tool={tool.id} />
          </button>
        ))}
      </div>
      <ClassPicker store={store} api={api} />
      {USES_BRUSH_SIZE.has(store.tool) && <BrushSizeControl store={store} />}
      {store.tool === 'wand' && (
        <label
          className="brush-size"
          title="Colour tolerance at the click; drag away from the click to widen it"
        >
          Tolerance
          <input
            type="number"
            min={0}
            max={255}
            value={store.wandTolerance}
            onChange={(e) => store.setWandTolerance(Number(e.target.value))}
            data-testid="wand-tolerance"
          />
        </label>
      )}
      <div className="button-group">
        <button
          type="button"
          className="button button-small"
          onMouseDown={keepFocus}
          onClick={() => undoOrRedo(store, 'undo')}
          disabled={!session?.history.canUndo}
          title="Undo on the image you worked on last (Ctrl+Z)"
          aria-label="Undo"
          data-testid="undo"
        >
          ↶
        </button>
        <button
          type="button"
          className="button button-small"
          onMouseDown={keepFocus}
          onClick={() => undoOrRedo(store, 'redo')}
          disabled={!session?.history.canRedo}
          title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
          aria-label="Redo"
          data-testid="redo"
        >
          ↷
        </button>
      </div>
      <button
        type="button"
        className="button button-small"
        onMouseDown={keepFocus}
        onClick={() => store.setHelpOpen(!store.helpOpen)}
        title="All tools and shortcuts (?)"
        data-testid="help-button"
      >
        ?
      </button>
      {message && (
        <span
          className={`editor-message editor-message-${message.kind}`}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="editor-message"
          data-kind={message.kind}
        >
          {message.text}
          <button
            type="button"
            className="notice-close"
            aria-label="Dismiss"
            onClick={() => store.dismissMessage()}
          >
            ×
          </button>
        </span>
      )}
      {store.helpOpen && <HelpOverlay onClose={() => store.setHelpOpen(false)} />}
    </>
  );
}
