/**
 * The pointer and keyboard entry point of one pane: turns presses, moves and releases (in image pixels)
 * into the active tool's gesture, and keeps the draft and the brush cursor the draft layer draws.
 */
import type { ApiClient } from '../../shared/api';
import type { Point } from '../viewer/camera';
import type { Side } from '../viewer/pair-cameras';
import { detectInRegion } from './actions';
import { lineLength, MIN_DRAG_SCREEN_PX } from './drafts';
import { startDragShape, startLasso, startPolygon } from './gestures/outline-gestures';
import { startBrush, startWand, type WandSupport } from './gestures/paint-gestures';
import { PICK_SCREEN_PX, startSelect } from './gestures/select-gesture';
import { NO_DRAFT, type Draft, type Gesture, type GestureContext, type PointerInfo } from './gestures/types';
import { hitTest } from './hit-test';
import type { PairEditorStore, SideController } from './store';
import { USES_BRUSH_SIZE } from './tools';

export interface BrushCursor {
  at: Point;
  radius: number;
  erase: boolean;
}

export class ToolController implements SideController {
  draft: Draft = NO_DRAFT;
  cursor: BrushCursor | null = null;
  private gesture: Gesture | null = null;
  private readonly listeners = new Set<() => void>();
  private scale = 1;

  constructor(
    private readonly store: PairEditorStore,
    private readonly api: ApiClient,
    private readonly side: Side,
    private readonly wand: WandSupport,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The camera scale, updated by the layer on every render. */
  setScale(scale: number): void {
    this.scale = scale;
  }

  hasDraft(): boolean {
    return this.gesture !== null;
  }

  /** A primary-button press; true when the tool took it (the pane then captures the pointer). */
  down(p: Point, info: PointerInfo): boolean {
    const store = this.store;
    store.setActiveSide(this.side);
    if (this.gesture?.down) {
      this.gesture.down(p, info);
      return true;
    }
    if (store.tool === 'pan') return false;
    const slot = store.slots[this.side];
    if (slot.status !== 'ready') {
      store.flash(
        slot.status === 'failed' ? 'error' : 'info',
        slot.status === 'failed'
          ? `The annotations of this image could not be loaded, so it cannot be edited: ${slot.error.message}`
          : 'The annotations of this image are still loading: try again in a moment.',
      );
      return false;
    }
    const session = slot.session;
    const ctx: GestureContext = {
      store,
      api: this.api,
      side: this.side,
      session,
      scale: () => this.scale,
      setDraft: (draft) => this.setDraft(draft),
    };
    switch (store.tool) {
      case 'select':
        this.gesture = startSelect(ctx, p, info);
        break;
      case 'rectangle':
      case 'ellipse':
        this.gesture = startDragShape(ctx, store.tool, p, info);
        break;
      case 'polygon':
        this.gesture = startPolygon(ctx, p);
        break;
      case 'lasso':
        this.gesture = startLasso(ctx, p);
        break;
      case 'brush':
      case 'eraser':
        this.gesture = startBrush(ctx, p, info, store.tool);
        break;
      case 'wand':
        this.gesture = startWand(ctx, p, info, this.wand);
        break;
      case 'calibrate':
        this.gesture = this.startLine(p, info);
        break;
      case 'detect':
        this.detectAt(p);
        return false;
    }
    return this.gesture !== null;
  }

  move(p: Point, info: PointerInfo): void {
    if (!USES_BRUSH_SIZE.has(this.store.tool)) this.leave();
    else {
      const erase = (this.store.tool === 'eraser') !== this.store.altHeld;
      this.cursor = { at: p, radius: this.store.brushDiameter(this.side).px / 2, erase };
      this.emit();
    }
    this.gesture?.move(p, info);
  }

  up(p: Point, info: PointerInfo): void {
    if (this.gesture?.up(p, info)) this.gesture = null;
  }

  doubleClick(): void {
    if (this.gesture?.doubleClick?.()) this.gesture = null;
  }

  leave(): void {
    if (this.cursor) {
      this.cursor = null;
      this.emit();
    }
  }

  cancel(): boolean {
    const gesture = this.gesture;
    if (!gesture) return false;
    this.gesture = null;
    gesture.cancel();
    this.setDraft(NO_DRAFT);
    return true;
  }

  key(key: 'Enter' | 'Backspace'): boolean {
    const result = this.gesture?.key?.(key);
    if (!result) return false;
    if (result.done) this.gesture = null;
    return result.used;
  }

  private setDraft(draft: Draft): void {
    this.draft = draft;
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** The calibration line: no annotation, just a length for the dialog. */
  private startLine(from: Point, info: PointerInfo): Gesture {
    const start = info.screen;
    let to = from;
    return {
      move: (p) => {
        to = p;
        this.setDraft({ type: 'line', from, to });
      },
      up: (p, released) => {
        to = p;
        this.setDraft(NO_DRAFT);
        const screenLength = Math.hypot(released.screen.x - start.x, released.screen.y - start.y);
        if (screenLength < MIN_DRAG_SCREEN_PX) {
          this.store.flash('info', 'Drag a line along the whole scale bar, from one end to the other.');
          return true;
        }
        this.store.setCalibration({ side: this.side, lengthPx: lineLength(from, to), from, to });
        return true;
      },
      cancel: () => this.setDraft(NO_DRAFT),
    };
  }

  private detectAt(p: Point): void {
    const session = this.store.session(this.side);
    if (!session) return;
    const outlined = session.doc.values().filter((a) => a.geometry.type === 'polygons');
    const hit = hitTest(outlined, p, PICK_SCREEN_PX / this.scale, null);
    if (!hit) {
      this.store.flash(
        'error',
        'Click inside an outlined region (draw the region of interest first): stain is detected inside it.',
      );
      return;
    }
    session.select(hit.id);
    void detectInRegion(this.store, this.api, this.side, hit.id);
  }
}
