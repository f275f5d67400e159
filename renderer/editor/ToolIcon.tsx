import type { ToolId } from './tools';

/**
 * Tool glyphs as inline SVG: emoji and symbol fonts differ between systems (and are missing on some),
 * a path draws the same everywhere.
 */
const PATHS: Record<ToolId, string> = {
  pan: 'M7 11V5.5a1.5 1.5 0 0 1 3 0V10m0-5.5v-1a1.5 1.5 0 0 1 3 0V10m0-5a1.5 1.5 0 0 1 3 0v5m0-2.5a1.5 1.5 0 0 1 3 0v6.5a7 7 0 0 1-7 7h-1a6.5 6.5 0 0 1-5.2-2.6L3.6 14a1.5 1.5 0 0 1 2.4-1.8L7 13.5',
  select: 'M5 3l12 9-5.5 1 3.5 6.5-2.5 1.2-3.4-6.6L5 18z',
  rectangle: 'M4 6h16v12H4z',
  ellipse: 'M12 6c4.4 0 8 2.7 8 6s-3.6 6-8 6-8-2.7-8-6 3.6-6 8-6z',
  polygon: 'M5 9l7-5 7 4-2 10H7z',
  lasso:
    'M7 17c-2-1.2-3-3-3-5 0-4 3.6-7 8-7s8 3 8 7-3.6 7-8 7c-1.3 0-2.6-.3-3.6-.7M7 17c0 1.6-.8 3-2.5 4M7 17c.7-.8 1.8-1.1 2.9-.8',
  brush: 'M14.5 4.5l5 5-8 8-5-5zM6.5 12.5l5 5c-1 2.5-3 3.5-7 3.5 0-4 1-6 2-8.5z',
  eraser: 'M4 16l9-9 6 6-7 7H7zM9 11l6 6M11 20h9',
  wand: 'M4 20L15 9M13 7l4 4M17 3v3M21 7h-3M19.5 4.5l-2 2M9 4v2M8 5h2M20 14v2M19 15h2',
  detect: 'M10.5 4a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13zM15.2 15.2L20 20M8 10.5h5M10.5 8v5',
  calibrate: 'M3 15l12-12 6 6-12 12zM7 11l2 2M10 8l1.5 1.5M13 5l2 2M4.5 13.5l1.5 1.5',
};

export function ToolIcon({ tool }: { tool: ToolId }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d={PATHS[tool]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}
