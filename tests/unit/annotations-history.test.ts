import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../shared/annotations/document';
import { AnnotationHistory, applyPatch, invertPatch, type Patch } from '../../shared/annotations/history';
import { TILE_SIZE, TiledMask, tileKey } from '../../shared/annotations/tiled-mask';
import type { Annotation } from '../../shared/annotations/types';
import { rectangleToRing } from '../../shared/geometry/shapes';

const W = 2000;
const H = 1500;

const rect = (id: string, x: number, y: number, size: number, classId = 1): Annotation => ({
  id,
  classId,
  kind: 'rectangle',
  name: '',
  geometry: { type: 'polygons', polygons: [{ outer: rectangleToRing(x, y, x + size, y + size), holes: [] }] },
});

const emptyMask = (id: string, classId = 3): Annotation => ({
  id,
  classId,
  kind: 'mask',
  name: '',
  geometry: { type: 'mask', mask: new TiledMask(W, H).encode() },
});

const fresh = (limits = {}) => {
  const doc = new AnnotationDocument(W, H);
  return { doc, history: new AnnotationHistory(doc, limits) };
};

/** A brush stroke as the editor sends it: one gesture, one capsule per pointer move. */
function stroke(history: AnnotationHistory, id: string, points: number[], radius: number, value: 0 | 1) {
  history.beginGesture(value ? 'brush' : 'eraser');
  for (let i = 0; i + 3 < points.length; i += 2) {
    const [ax, ay, bx, by] = points.slice(i, i + 4);
    history.paintMask(id, (mask, before) => mask.paintCapsule(ax, ay, bx, by, radius, value, before));
  }
  return history.commitGesture();
}

describe('history of shapes: add, update, delete', () => {
  it('undoes and redoes each change exactly', () => {
    const { doc, history } = fresh();
    const states = [doc.allStored()];
    history.add(rect('a', 10, 10, 100));
    states.push(doc.allStored());
    history.add(rect('b', 300, 300, 50));
    states.push(doc.allStored());
    history.update('a', { classId: 2, name: 'dermis' });
    states.push(doc.allStored());
    history.update('b', { geometry: rect('b', 320, 320, 80).geometry });
    states.push(doc.allStored());
    history.remove('a');
    states.push(doc.allStored());
    expect(doc.allStored().map((a) => a.id)).toEqual(['b']);
    for (let i = states.length - 2; i >= 0; i--) {
      expect(history.undo().ok).toBe(true);
      expect(doc.allStored()).toEqual(states[i]);
    }
    expect(history.undo()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    for (let i = 1; i < states.length; i++) {
      expect(history.redo().ok).toBe(true);
      expect(doc.allStored()).toEqual(states[i]);
    }
  });

  it('puts a deleted shape back at its place in the drawing order', () => {
    const { doc, history } = fresh();
    ['a', 'b', 'c'].forEach((id, i) => history.add(rect(id, i * 100, 0, 50)));
    history.remove('b');
    history.undo();
    expect(doc.values().map((a) => a.id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses unknown ids, duplicate ids and geometry that does not fit the kind', () => {
    const { history } = fresh();
    history.add(rect('a', 0, 0, 10));
    expect(history.add(rect('a', 0, 0, 10))).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(history.remove('zz')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(history.update('a', { kind: 'mask' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(history.stats.undo).toBe(1);
  });

  it("keeps history snapshots apart from later edits of the caller's arrays", () => {
    const { doc, history } = fresh();
    const shape = rect('a', 0, 0, 10);
    history.add(shape);
    (shape.geometry as { polygons: { outer: number[] }[] }).polygons[0].outer[0] = 999;
    expect(doc.toStored('a')?.geometry).toEqual(rect('a', 0, 0, 10).geometry);
  });
});

describe('gestures', () => {
  it('groups a whole brush stroke into one entry holding only the changed tiles', () => {
    const { doc, history } = fresh();
    history.add(emptyMask('m'));
    const summary = stroke(history, 'm', [100, 100, 200, 120, 300, 140, 400, 160], 20, 1);
    expect(history.stats.undo).toBe(2);
    // The stroke runs from x 80 to 420 inside the first tile row: tiles (0,0) and (1,0) only.
    expect(summary?.changes).toEqual([{ id: 'm', tiles: [tileKey(0, 0), tileKey(1, 0)] }]);
    const painted = doc.mask('m')?.count() ?? 0;
    expect(painted).toBeGreaterThan(300 * 40);
    history.undo();
    expect(doc.mask('m')?.count()).toBe(0);
    history.redo();
    expect(doc.mask('m')?.count()).toBe(painted);
  });

  it('stores mask changes compactly (runs, not bitmaps)', () => {
    const { history } = fresh();
    history.add(emptyMask('m'));
    const before = history.stats.bytes;
    stroke(history, 'm', [10, 10, 1900, 1400], 30, 1);
    const strokeBytes = history.stats.bytes - before;
    // A diagonal stroke across 8 x 6 tiles: far less than one 64 KiB bitmap per tile.
    expect(strokeBytes).toBeLessThan(64 * 1024);
    expect(strokeBytes).toBeGreaterThan(0);
  });

  it('Escape cancels the gesture in progress and leaves undo and redo untouched', () => {
    const { doc, history } = fresh();
    history.add(emptyMask('m'));
    stroke(history, 'm', [100, 100, 300, 100], 20, 1);
    stroke(history, 'm', [100, 400, 300, 400], 20, 1);
    history.undo();
    const stored = doc.allStored();
    const stats = history.stats;
    history.beginGesture('brush');
    history.paintMask('m', (mask, before) => mask.paintCapsule(500, 500, 900, 900, 40, 1, before));
    history.add(rect('r', 0, 0, 40));
    history.paintMask('m', (mask, before) => mask.paintCapsule(100, 100, 300, 100, 25, 0, before));
    expect(
      history
        .cancelGesture()
        ?.changes.map((c) => c.id)
        .sort(),
    ).toEqual(['m', 'r']);
    expect(doc.allStored()).toEqual(stored);
    expect(history.stats).toEqual(stats);
    expect(history.canRedo).toBe(true);
    history.redo();
    expect(doc.mask('m')?.get(200, 400)).toBe(1);
  });

  it('refuses undo and redo while a gesture is open', () => {
    const { history } = fresh();
    history.add(rect('a', 0, 0, 10));
    history.beginGesture('move');
    const refused = history.undo();
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(!refused.ok && refused.error.message).toContain('Escape');
    expect(history.canUndo).toBe(false);
    history.commitGesture();
    expect(history.undo().ok).toBe(true);
  });

  it('clears redo on a new change but not on a gesture that changed nothing', () => {
    const { history } = fresh();
    history.add(emptyMask('m'));
    stroke(history, 'm', [100, 100, 200, 100], 10, 1);
    history.undo();
    expect(history.canRedo).toBe(true);
    // Erasing where nothing is painted changes nothing.
    expect(stroke(history, 'm', [1500, 1200, 1600, 1200], 10, 0)).toBeNull();
    expect(history.canRedo).toBe(true);
    history.add(rect('a', 0, 0, 10));
    expect(history.canRedo).toBe(false);
  });

  it('commits a gesture left open when the next one begins, so nothing is lost', () => {
    const { doc, history } = fresh();
    history.beginGesture('draw');
    history.add(rect('a', 0, 0, 10));
    history.beginGesture('draw');
    history.add(rect('b', 20, 0, 10));
    history.commitGesture();
    expect(history.stats.undo).toBe(2);
    history.undo();
    expect(doc.values().map((a) => a.id)).toEqual(['a']);
  });

  it('closes painting before a later change to the same mask in one gesture', () => {
    const { doc, history } = fresh();
    history.add(emptyMask('m'));
    const start = doc.allStored();
    history.beginGesture('detect');
    history.paintMask('m', (mask, before) => mask.paintCapsule(600, 600, 700, 650, 50, 1, before));
    history.update('m', { classId: 4 });
    history.paintMask('m', (mask, before) => mask.paintCapsule(100, 100, 120, 100, 50, 1, before));
    history.remove('m');
    history.commitGesture();
    const end = doc.allStored();
    history.undo();
    expect(doc.allStored()).toEqual(start);
    history.redo();
    expect(doc.allStored()).toEqual(end);
  });
});

describe('apply and invert', () => {
  it('are exact inverses over a long random session', () => {
    let seed = 2024;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const { doc, history } = fresh();
    const states = [doc.allStored()];
    let next = 0;
    for (let step = 0; step < 60; step++) {
      const ids = doc.values().map((a) => a.id);
      const masks = doc
        .values()
        .filter((a) => a.geometry.type === 'mask')
        .map((a) => a.id);
      const pick = random();
      const before = history.stats.undo;
      if (pick < 0.25 || ids.length === 0)
        history.add(
          random() < 0.5
            ? emptyMask(`m${next++}`)
            : rect(`r${next++}`, random() * 1500, random() * 1000, 10 + random() * 400),
        );
      else if (pick < 0.6 && masks.length > 0) {
        const id = masks[Math.floor(random() * masks.length)];
        const pts = Array.from({ length: 8 }, (_, i) => (i % 2 ? random() * H : random() * W));
        stroke(history, id, pts, 5 + random() * 80, random() < 0.7 ? 1 : 0);
      } else if (pick < 0.8)
        history.update(ids[Math.floor(random() * ids.length)], {
          classId: 1 + Math.floor(random() * 4),
          name: `n${step}`,
        });
      else history.remove(ids[Math.floor(random() * ids.length)]);
      if (history.stats.undo > before) states.push(doc.allStored());
    }
    expect(states.length).toBeGreaterThan(40);
    for (let i = states.length - 2; i >= 0; i--) {
      history.undo();
      expect(doc.allStored()).toEqual(states[i]);
    }
    for (let i = 1; i < states.length; i++) {
      history.redo();
      expect(doc.allStored()).toEqual(states[i]);
    }
  });

  it('inverts every patch kind to a patch that restores the document', () => {
    const doc = new AnnotationDocument(W, H, [rect('a', 0, 0, 10), emptyMask('m')]);
    const painted = new TiledMask(W, H);
    painted.paintCapsule(TILE_SIZE - 5, 10, TILE_SIZE + 5, 10, 8, 1);
    const patches: Patch[] = [
      { op: 'add', id: 'b', position: 1, after: rect('b', 50, 50, 20) },
      { op: 'update', id: 'a', before: rect('a', 0, 0, 10), after: rect('a', 5, 5, 30, 2) },
      { op: 'delete', id: 'a', position: 0, before: rect('a', 0, 0, 10) },
    ];
    for (const patch of patches) {
      const start = new AnnotationDocument(W, H, doc.allStored());
      const target = new AnnotationDocument(W, H, doc.allStored());
      applyPatch(target, patch);
      expect(invertPatch(invertPatch(patch))).toEqual(patch);
      applyPatch(target, invertPatch(patch));
      expect(target.allStored()).toEqual(start.allStored());
    }
  });
});

describe('limits and locking', () => {
  it('keeps at most maxEntries entries, dropping the oldest', () => {
    const { doc, history } = fresh({ maxEntries: 5 });
    for (let i = 0; i < 8; i++) history.add(rect(`r${i}`, i * 10, 0, 5));
    expect(history.stats.undo).toBe(5);
    while (history.undo().ok);
    expect(doc.values().map((a) => a.id)).toEqual(['r0', 'r1', 'r2']);
  });

  it('keeps the bytes under maxBytes, but always the newest entry', () => {
    // Each stroke paints inside a tile of its own, so every entry has the same size.
    const strokeAt = (i: number) => {
      const [x, y] = [(i % 7) * TILE_SIZE, Math.floor(i / 7) * TILE_SIZE];
      return [x + 50, y + 128, x + 200, y + 128];
    };
    const probe = fresh();
    probe.history.add(emptyMask('m'));
    const afterAdd = probe.history.stats.bytes;
    stroke(probe.history, 'm', strokeAt(0), 30, 1);
    const oneStroke = probe.history.stats.bytes - afterAdd;
    const { history } = fresh({ maxBytes: Math.floor(oneStroke * 3.5) });
    history.add(emptyMask('m'));
    for (let i = 0; i < 10; i++) stroke(history, 'm', strokeAt(i), 30, 1);
    expect(history.stats.bytes).toBeLessThanOrEqual(oneStroke * 3.5);
    expect(history.stats.undo).toBe(3);
    const tiny = fresh({ maxBytes: 10 });
    tiny.history.add(rect('a', 0, 0, 10));
    expect(tiny.history.stats.undo).toBe(1);
  });

  it('refuses every change on a locked image with a message, and cancels an open gesture on locking', () => {
    const { doc, history } = fresh();
    history.add(emptyMask('m'));
    history.beginGesture('brush');
    history.paintMask('m', (mask, before) => mask.paintCapsule(100, 100, 200, 100, 20, 1, before));
    history.setLocked(true);
    expect(doc.mask('m')?.count()).toBe(0);
    const refused = history.paintMask('m', (mask, before) =>
      mask.paintCapsule(100, 100, 200, 100, 20, 1, before),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(!refused.ok && refused.error.message).toContain('Unlock');
    expect(history.add(rect('a', 0, 0, 5))).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(history.undo()).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(doc.mask('m')?.count()).toBe(0);
    history.setLocked(false);
    expect(history.undo().ok).toBe(true);
    expect(doc.size).toBe(0);
  });
});
