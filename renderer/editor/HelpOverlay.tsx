import { OTHER_SHORTCUTS, TOOLS } from './tools';

/** Every tool and shortcut on one sheet (`?`). */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="help-backdrop" onClick={onClose} data-testid="help-overlay">
      <div
        className="help-sheet"
        role="dialog"
        aria-modal="true"
        aria-label="Annotation tools and shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <header className="help-header">
          <h2>Annotation tools and shortcuts</h2>
          <button type="button" className="button button-small" onClick={onClose} autoFocus>
            Close (Esc)
          </button>
        </header>
        <div className="help-columns">
          <table className="help-table">
            <tbody>
              {TOOLS.map((tool) => (
                <tr key={tool.id}>
                  <td>
                    <kbd>{tool.key.toUpperCase()}</kbd>
                  </td>
                  <th scope="row">{tool.label}</th>
                  <td className="muted">{tool.hint}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="help-table">
            <tbody>
              {OTHER_SHORTCUTS.map((s) => (
                <tr key={s.keys}>
                  <td>
                    <kbd>{s.keys}</kbd>
                  </td>
                  <td>{s.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted editor-small">
          Everything is stored in full-resolution image pixels and saved after each change. Undo and redo work
          per image: on the image you touched last.
        </p>
      </div>
    </div>
  );
}
