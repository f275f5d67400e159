/**
 * The editor's tools and keyboard shortcuts, declared once so the toolbar tooltips, the `?` help
 * overlay and the key handler can never disagree. Letters avoid the pair view's own keys (F fit,
 * 1 one-to-one, + and - zoom).
 */
export type ToolId =
  | 'pan'
  | 'select'
  | 'rectangle'
  | 'ellipse'
  | 'polygon'
  | 'lasso'
  | 'brush'
  | 'eraser'
  | 'wand'
  | 'detect'
  | 'calibrate';

export interface ToolInfo {
  id: ToolId;
  label: string;
  /** The key that selects the tool (shown upper case). */
  key: string;
  /** What the tool does and how, for the tooltip and the help overlay. */
  hint: string;
}

export const TOOLS: readonly ToolInfo[] = [
  {
    id: 'pan',
    label: 'Pan',
    key: 'h',
    hint: 'Drag to move the view. Space+drag or the middle button pan with any tool.',
  },
  {
    id: 'select',
    label: 'Select and edit',
    key: 'v',
    hint: 'Click a shape to select it; drag it to move it, drag a corner point to reshape it; Delete removes it.',
  },
  { id: 'rectangle', label: 'Rectangle', key: 'r', hint: 'Drag from one corner to the other.' },
  { id: 'ellipse', label: 'Ellipse', key: 'o', hint: 'Drag the box the ellipse fits in.' },
  {
    id: 'polygon',
    label: 'Polygon',
    key: 'p',
    hint: 'Click the corners; double-click, Enter or a click on the first point closes it; Backspace removes the last point.',
  },
  {
    id: 'lasso',
    label: 'Freehand lasso',
    key: 'l',
    hint: 'Hold the button and draw around the area; release to close.',
  },
  {
    id: 'brush',
    label: 'Brush',
    key: 'b',
    hint: 'Paint onto the mask of the current class (Stained collagen by default). Hold Alt to erase. [ and ] change the size.',
  },
  {
    id: 'eraser',
    label: 'Eraser',
    key: 'e',
    hint: 'Erase painted or detected areas of the current class. Hold Alt to paint. [ and ] change the size.',
  },
  {
    id: 'wand',
    label: 'Magic wand',
    key: 'w',
    hint: 'Click a colour to fill the similar area around it; drag away from the click to widen the tolerance. Alt removes instead.',
  },
  {
    id: 'detect',
    label: 'Detect in region',
    key: 'd',
    hint: 'Click inside a region (e.g. the region of interest) to detect the stain in it; the result is an editable mask.',
  },
  {
    id: 'calibrate',
    label: 'Calibrate from scale bar',
    key: 'c',
    hint: 'Drag a line along the scale bar, then type its length in µm.',
  },
];

/** The tool a plain key press selects (no modifier), or null. */
export function toolForKey(key: string): ToolId | null {
  const lower = key.toLowerCase();
  return TOOLS.find((t) => t.key === lower)?.id ?? null;
}

/** Tools that paint a round footprint (the size control and `[` `]` apply). */
export const USES_BRUSH_SIZE: ReadonlySet<ToolId> = new Set(['brush', 'eraser']);

/**
 * Mouse buttons that pan the view: every tool leaves the middle button to panning. The select tool
 * also pans from a press on empty space (the editor stops the press when it lands on a shape).
 */
export function panButtonsFor(tool: ToolId, spaceHeld: boolean): readonly number[] {
  return tool === 'pan' || tool === 'select' || spaceHeld ? PAN_ALL : PAN_MIDDLE;
}
const PAN_ALL = [0, 1] as const;
const PAN_MIDDLE = [1] as const;

/** The other shortcuts, for the help overlay. */
export const OTHER_SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'Ctrl+Z', action: 'Undo the last change on the image you worked on' },
  { keys: 'Ctrl+Shift+Z or Ctrl+Y', action: 'Redo' },
  { keys: 'Escape', action: 'Cancel the shape or stroke in progress; otherwise clear the selection' },
  {
    keys: 'Delete or Backspace',
    action: 'Delete the selected shape (Backspace removes the last polygon point while drawing)',
  },
  { keys: 'Enter', action: 'Close the polygon being drawn' },
  { keys: '[ and ]', action: 'Smaller or larger brush' },
  { keys: 'Alt (hold)', action: 'Brush erases, eraser paints, magic wand removes' },
  { keys: 'Space (hold) + drag', action: 'Pan with any tool' },
  { keys: 'Middle button drag', action: 'Pan with any tool' },
  { keys: 'Wheel', action: 'Zoom around the pointer' },
  {
    keys: 'F / 1 / + / −',
    action: 'Fit both images / one screen pixel per image pixel / zoom in / zoom out',
  },
  { keys: '?', action: 'Show or hide this help' },
];
