/**
 * The editor state of one before/after pair: the two image sessions, the study's classes, the tool and
 * its settings, and which image the keyboard acts on. React reads it through useSyncExternalStore
 * (use-store.ts); the pointer hot path (brush dabs) never goes through React.
 */
import type { AnnotationImportReport } from '../../shared/api-annotation-import';
import type { AnnotationClass, ClassRole } from '../../shared/annotations/types';
import type { ImageRecord } from '../../shared/domain';
import type { ApiError } from '../../shared/result';
import type { Side } from '../viewer/pair-cameras';
import { brushDiameterPx, stepBrushSize, type BrushSize } from './coords';
import { DEFAULT_WAND_TOLERANCE } from './magic-wand';
import type { ImageEditSession } from './session';
import { panButtonsFor, type ToolId } from './tools';

export type SessionSlot =
  | { status: 'loading' }
  | { status: 'failed'; error: ApiError }
  | { status: 'ready'; session: ImageEditSession };

export interface EditorMessage {
  id: number;
  kind: 'error' | 'info' | 'success';
  text: string;
}

/** A calibration line drawn and waiting for its length in µm. */
export interface PendingCalibration {
  side: Side;
  lengthPx: number;
  from: { x: number; y: number };
  to: { x: number; y: number };
}

/** What a side's tool controller offers the keyboard handler. */
export interface SideController {
  /** Escape: cancels a drawing in progress; false when there was none. */
  cancel(): boolean;
  /** The pointer left, or the tool changed: no brush outline any more. */
  leave(): void;
  /** Enter, Backspace: true when the drawing in progress used the key. */
  key(key: 'Enter' | 'Backspace'): boolean;
  hasDraft(): boolean;
}

const MESSAGE_VISIBLE_MS = 6000;
const PAINT_TOOLS: ReadonlySet<ToolId> = new Set(['brush', 'eraser', 'wand']);

export class PairEditorStore {
  records: [ImageRecord, ImageRecord];
  slots: [SessionSlot, SessionSlot] = [{ status: 'loading' }, { status: 'loading' }];
  classes: AnnotationClass[] = [];
  classesError: ApiError | null = null;
  /** Classes whose shapes are hidden on both canvases: view state only, never stored. */
  hiddenClassIds: ReadonlySet<number> = new Set();
  /** Pan first: the pair view behaves as before until a tool is chosen. */
  tool: ToolId = 'pan';
  /** The class new outlines get, and the class brush, eraser and wand work on: remembered apart. */
  shapeClassId: number | null = null;
  paintClassId: number | null = null;
  brushSize: BrushSize = { value: 40, unit: 'px' };
  wandTolerance = DEFAULT_WAND_TOLERANCE;
  activeSide: Side = 0;
  spaceHeld = false;
  altHeld = false;
  helpOpen = false;
  message: EditorMessage | null = null;
  calibration: PendingCalibration | null = null;
  /** What the last annotation import on each side brought in and left out, until dismissed. */
  importReports: [AnnotationImportReport | null, AnnotationImportReport | null] = [null, null];
  /** Long-running actions per side (detect, copy, lock), shown as busy. */
  busy: [string | null, string | null] = [null, null];
  readonly controllers: [SideController | null, SideController | null] = [null, null];

  private readonly listeners = new Set<() => void>();
  private messageTimer: ReturnType<typeof setTimeout> | null = null;
  private nextMessageId = 1;
  version = 0;

  constructor(records: [ImageRecord, ImageRecord]) {
    this.records = records;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  changed(): void {
    this.version++;
    for (const listener of [...this.listeners]) listener();
  }

  session(side: Side): ImageEditSession | null {
    const slot = this.slots[side];
    return slot.status === 'ready' ? slot.session : null;
  }

  /** Mouse buttons that pan, as a stable key for React ("0,1" or "1"). */
  get panButtonsKey(): string {
    return panButtonsFor(this.tool, this.spaceHeld).join(',');
  }

  get activeClassId(): number | null {
    return PAINT_TOOLS.has(this.tool) ? this.paintClassId : this.shapeClassId;
  }

  classById(id: number): AnnotationClass | undefined {
    return this.classes.find((c) => c.id === id);
  }

  classWithRole(role: NonNullable<ClassRole>): AnnotationClass | undefined {
    return this.classes.find((c) => c.role === role);
  }

  roleOf = (classId: number): ClassRole | undefined => this.classById(classId)?.role;

  /** Brush diameter in image pixels on one image (a size in µm depends on its calibration). */
  brushDiameter(side: Side): { px: number; calibrated: boolean } {
    return brushDiameterPx(this.brushSize, this.records[side].umPerPx);
  }

  setTool(tool: ToolId): void {
    if (tool === this.tool) return;
    this.controllers.forEach((c) => {
      c?.cancel();
      c?.leave();
    });
    this.tool = tool;
    this.changed();
  }

  setActiveClass(classId: number): void {
    if (PAINT_TOOLS.has(this.tool)) this.paintClassId = classId;
    else this.shapeClassId = classId;
    this.changed();
  }

  setActiveSide(side: Side): void {
    if (side === this.activeSide) return;
    // A shape left half-drawn on the other image would hold its history open: it goes.
    this.controllers[this.activeSide]?.cancel();
    this.activeSide = side;
    this.changed();
  }

  setBrushSize(size: BrushSize): void {
    if (!(size.value > 0) || !Number.isFinite(size.value)) return;
    this.brushSize = size;
    this.changed();
  }

  stepBrush(direction: 1 | -1): void {
    this.setBrushSize(stepBrushSize(this.brushSize, direction));
  }

  setModifier(which: 'space' | 'alt', held: boolean): void {
    if (which === 'space' ? this.spaceHeld === held : this.altHeld === held) return;
    if (which === 'space') this.spaceHeld = held;
    else this.altHeld = held;
    this.changed();
  }

  setWandTolerance(tolerance: number): void {
    this.wandTolerance = Math.max(0, Math.min(255, Math.round(tolerance) || 0));
    this.changed();
  }

  /** A pane's tool controller, for the keyboard (Escape, Enter, Backspace); null when it unmounts. */
  registerController(side: Side, controller: SideController | null, previous?: SideController): void {
    if (controller === null && this.controllers[side] !== previous) return;
    this.controllers[side] = controller;
  }

  setHelpOpen(open: boolean): void {
    this.helpOpen = open;
    this.changed();
  }

  setCalibration(pending: PendingCalibration | null): void {
    this.calibration = pending;
    this.changed();
  }

  setBusy(side: Side, what: string | null): void {
    this.busy[side] = what;
    this.changed();
  }

  setImportReport(side: Side, report: AnnotationImportReport | null): void {
    this.importReports[side] = report;
    this.changed();
  }

  /** A short message in the editor's status line; errors stay longer than a glance. */
  flash(kind: EditorMessage['kind'], text: string): void {
    this.message = { id: this.nextMessageId++, kind, text };
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(
      () => {
        this.message = null;
        this.changed();
      },
      kind === 'error' ? 2 * MESSAGE_VISIBLE_MS : MESSAGE_VISIBLE_MS,
    );
    this.changed();
  }

  dismissMessage(): void {
    this.message = null;
    this.changed();
  }

  /** Classes arrived: the defaults are the region of interest for outlines and the stain for painting. */
  setClasses(classes: AnnotationClass[]): void {
    this.classes = classes;
    const has = (id: number | null) => id !== null && classes.some((c) => c.id === id);
    if (!has(this.shapeClassId))
      this.shapeClassId = (classes.find((c) => c.role === 'roi') ?? classes[0])?.id ?? null;
    if (!has(this.paintClassId))
      this.paintClassId = (classes.find((c) => c.role === 'stained') ?? classes[0])?.id ?? null;
    this.changed();
  }

  /** A class renamed or recoloured: replaced (never mutated), so views keyed on the list repaint. */
  replaceClass(updated: AnnotationClass): void {
    this.setClasses(this.classes.map((c) => (c.id === updated.id ? updated : c)));
  }

  isClassHidden = (classId: number): boolean => this.hiddenClassIds.has(classId);

  setClassHidden(classId: number, hidden: boolean): void {
    if (this.hiddenClassIds.has(classId) === hidden) return;
    const next = new Set(this.hiddenClassIds);
    if (hidden) next.add(classId);
    else next.delete(classId);
    this.hiddenClassIds = next;
    this.changed();
  }

  setSlot(side: Side, slot: SessionSlot): void {
    const previous = this.slots[side];
    if (previous.status === 'ready' && (slot.status !== 'ready' || slot.session !== previous.session))
      previous.session.close();
    this.slots[side] = slot;
    this.changed();
  }

  updateRecords(records: [ImageRecord, ImageRecord]): void {
    if (records[0] === this.records[0] && records[1] === this.records[1]) return;
    this.records = records;
    records.forEach((record, side) => this.session(side as Side)?.updateRecord(record));
    this.changed();
  }

  dispose(): void {
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.listeners.clear();
  }
}
