/**
 * Masks on the stage: each 256 x 256 mask tile is a small canvas drawn as a Konva image, so a brush
 * dab re-renders only the one to four tiles it touched, once per animation frame, and Konva redraws
 * one layer of ready-made pictures. Konva nodes are managed here directly rather than through React:
 * a stroke must not re-render components.
 */
import Konva from 'konva';
import { TILE_SIZE, tileOfKey } from '../../shared/annotations/tiled-mask';
import type { ImageEditSession, SessionEvent } from './session';

interface MaskNodes {
  group: Konva.Group;
  tiles: Map<number, { canvas: HTMLCanvasElement; node: Konva.Image }>;
  colour: string;
}

/** Mask fill opacity: the tissue stays readable under it. */
const MASK_ALPHA = 0.5;

/** '#rrggbb' and an alpha to one little-endian RGBA word (ImageData's byte order). */
export function packColour(hex: string, alpha: number): number {
  const value = Number.parseInt(hex.slice(1), 16);
  const r = (value >> 16) & 255;
  const g = (value >> 8) & 255;
  const b = value & 255;
  const a = Math.round(alpha * 255);
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

export class MaskRenderer {
  private readonly masks = new Map<string, MaskNodes>();
  private readonly dirty = new Map<string, Set<number> | 'all'>();
  private frame = 0;
  private hidden: ReadonlySet<number> = new Set();
  private readonly scratch = new ImageData(TILE_SIZE, TILE_SIZE);
  private readonly unsubscribe: () => void;

  constructor(
    private readonly layer: Konva.Layer,
    private readonly session: ImageEditSession,
    private colourOf: (classId: number) => string,
  ) {
    this.unsubscribe = session.subscribe((event) => this.onEvent(event));
    for (const annotation of session.doc.values())
      if (annotation.geometry.type === 'mask') this.dirty.set(annotation.id, 'all');
    this.render();
  }

  /** Class colours changed: every mask is repainted. */
  setColours(colourOf: (classId: number) => string): void {
    this.colourOf = colourOf;
    for (const annotation of this.session.doc.values())
      if (annotation.geometry.type === 'mask') this.dirty.set(annotation.id, 'all');
    this.schedule();
  }

  /** Classes hidden in the view: their masks stay in the document but are not drawn. */
  setHidden(hidden: ReadonlySet<number>): void {
    this.hidden = hidden;
    this.applyVisibility();
    this.layer.batchDraw();
  }

  private applyVisibility(): void {
    for (const [id, nodes] of this.masks) {
      const annotation = this.session.doc.get(id);
      nodes.group.visible(!annotation || !this.hidden.has(annotation.classId));
    }
  }

  /** Shows a mask shifted while the select tool drags it (null puts it back). */
  setOffset(id: string | null, dx = 0, dy = 0): void {
    for (const [key, nodes] of this.masks)
      nodes.group.position(key === id ? { x: dx, y: dy } : { x: 0, y: 0 });
    this.layer.batchDraw();
  }

  destroy(): void {
    this.unsubscribe();
    if (this.frame) cancelAnimationFrame(this.frame);
    for (const nodes of this.masks.values()) nodes.group.destroy();
    this.masks.clear();
  }

  private onEvent(event: SessionEvent): void {
    if (event.type === 'tiles') {
      const current = this.dirty.get(event.id);
      if (current === 'all') return this.schedule();
      const keys = current ?? new Set<number>();
      for (const key of event.keys) keys.add(key);
      this.dirty.set(event.id, keys);
    } else if (event.type === 'annotations') {
      for (const id of event.ids) this.dirty.set(id, 'all');
    } else {
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    let reorder = false;
    for (const [id, what] of this.dirty) {
      const annotation = this.session.doc.get(id);
      const mask = this.session.doc.mask(id);
      let nodes = this.masks.get(id);
      if (!annotation || !mask) {
        nodes?.group.destroy();
        this.masks.delete(id);
        continue;
      }
      const colour = this.colourOf(annotation.classId);
      if (!nodes) {
        nodes = { group: new Konva.Group({ listening: false }), tiles: new Map(), colour };
        this.layer.add(nodes.group);
        this.masks.set(id, nodes);
        reorder = true;
      }
      const repaintAll = what === 'all' || nodes.colour !== colour;
      nodes.colour = colour;
      const keys = repaintAll ? new Set([...nodes.tiles.keys(), ...mask.tileKeys()]) : what;
      const packed = packColour(colour, MASK_ALPHA);
      for (const key of keys) this.renderTile(nodes, key, mask.tile(key), mask.scale, packed);
      if (what === 'all') reorder = true;
    }
    this.dirty.clear();
    // A mask whose class changed (or a new one) follows its class's visibility.
    this.applyVisibility();
    if (reorder) {
      // Later annotations draw on top, as in the document.
      for (const annotation of this.session.doc.values()) this.masks.get(annotation.id)?.group.moveToTop();
    }
    this.layer.batchDraw();
  }

  private renderTile(
    nodes: MaskNodes,
    key: number,
    bits: Uint8Array | undefined,
    scale: number,
    packed: number,
  ): void {
    let tile = nodes.tiles.get(key);
    if (!bits) {
      tile?.node.destroy();
      nodes.tiles.delete(key);
      return;
    }
    if (!tile) {
      const canvas = document.createElement('canvas');
      canvas.width = TILE_SIZE;
      canvas.height = TILE_SIZE;
      const { tx, ty } = tileOfKey(key);
      const span = TILE_SIZE * scale;
      const node = new Konva.Image({
        image: canvas,
        x: tx * span,
        y: ty * span,
        width: span,
        height: span,
        listening: false,
      });
      nodes.group.add(node);
      tile = { canvas, node };
      nodes.tiles.set(key, tile);
    }
    const words = new Uint32Array(this.scratch.data.buffer);
    for (let i = 0; i < bits.length; i++) words[i] = bits[i] ? packed : 0;
    tile.canvas.getContext('2d')?.putImageData(this.scratch, 0, 0);
  }
}
