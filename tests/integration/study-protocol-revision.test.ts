/**
 * Which measurements count as made with the study protocol "as it stands": each save of the protocol
 * raises its revision and each measurement records the revision it used, so the answer does not depend
 * on the clock (migration 003).
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { must, studyWithImages } from '../helpers/annotation-study';
import { createServices } from '../../main/services';
import { useTempDirs } from '../helpers/temp-dir';

const FIRST = { stain: 'purple', threshold: { method: 'fixed' as const, od: 0.15 } };
const SECOND = { stain: 'purple', threshold: { method: 'fixed' as const, od: 0.3 } };

describe('study protocol revisions', () => {
  const tempDir = useTempDirs();
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts a measurement only for the revision it was made with, even when the clock stands still', async () => {
    // Every clock reading is the same millisecond: a rule of "measured after the last change" cannot
    // tell a measurement from before a change from one after it.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T00:00:00.000Z'));
    const { services, dir, images } = await studyWithImages(tempDir(), [{ width: 64, height: 48 }]);
    try {
      const image = images[0]!;
      await must(services, 'setAnalysisProtocol', { protocol: FIRST, unlock: false });
      const measured = await must(services, 'analyzeImage', { imageId: image.id, region: null });
      expect(measured.params.threshold.od).toBe(0.15);
      let results = await must(services, 'listStudyResults', {});
      expect(results.images[0]!.measurement?.id).toBe(measured.id);

      // Changed (unlocked) in the same millisecond: the earlier measurement no longer counts.
      await must(services, 'setAnalysisProtocol', { protocol: SECOND, unlock: true });
      results = await must(services, 'listStudyResults', {});
      expect(results.images[0]!.measurement).toBeNull();

      const again = await must(services, 'analyzeImage', { imageId: image.id, region: null });
      results = await must(services, 'listStudyResults', {});
      expect(results.images[0]!.measurement?.id).toBe(again.id);
      expect(results.images[0]!.measurement?.params.threshold.od).toBe(0.3);

      // What is stored: the protocol's revision, and the revision each measurement used.
      const db = new Database(path.join(dir, 'study.sqlite'), { readonly: true });
      try {
        expect(db.prepare('SELECT revision FROM protocol').pluck().get()).toBe(2);
        const used = db
          .prepare("SELECT json_extract(params, '$.studyProtocolRevision') FROM measurement ORDER BY id")
          .pluck()
          .all();
        expect(used).toEqual([1, 2]);
      } finally {
        db.close();
      }
    } finally {
      services.close();
    }
  });

  it('keeps counting measurements stored before revisions were recorded by their time', async () => {
    const { services, dir, images } = await studyWithImages(tempDir(), [{ width: 64, height: 48 }]);
    const image = images[0]!;
    await must(services, 'setAnalysisProtocol', { protocol: FIRST, unlock: false });
    const measured = await must(services, 'analyzeImage', { imageId: image.id, region: null });
    services.close();
    // As a schema-2 study stored it: no revision in the measurement.
    const db = new Database(path.join(dir, 'study.sqlite'));
    db.prepare("UPDATE measurement SET params = json_remove(params, '$.studyProtocolRevision')").run();
    db.close();

    const reopened = createServices({ studyDir: dir });
    try {
      let results = await must(reopened, 'listStudyResults', {});
      expect(results.images[0]!.measurement?.id).toBe(measured.id);
      // A later change of the protocol still retires it.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await must(reopened, 'setAnalysisProtocol', { protocol: SECOND, unlock: true });
      results = await must(reopened, 'listStudyResults', {});
      expect(results.images[0]!.measurement).toBeNull();
    } finally {
      reopened.close();
    }
  });
});
