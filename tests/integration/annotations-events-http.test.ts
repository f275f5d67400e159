import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../main/web/server';
import { EVENT_NAMES } from '../../shared/api';
import { polygonShape, rectangle, studyWithImages, type StudyImages } from '../helpers/annotation-study';
import { openEventStream, rawRequest, type EventStreamReader } from '../helpers/http-client';
import { makeTempDir } from '../helpers/temp-dir';

// 'annotations-changed' as the browser receives it: real services on a real study, the real HTTP bridge,
// its server-sent event stream read with raw HTTP. The stain panel re-measures on these events.
let root: string;
let study: StudyImages;
let server: WebServer;
let auth: Record<string, string>;
let events: EventStreamReader;

beforeAll(async () => {
  root = makeTempDir('dq-annotation-events-');
  const staticDir = path.join(root, 'renderer');
  fs.mkdirSync(staticDir, { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>DermaQuant</title>');
  study = await studyWithImages(root, [
    { width: 120, height: 90 },
    { width: 160, height: 120 },
    { width: 100, height: 80 },
  ]);
  server = await startWebServer({ services: study.services, port: 0, staticDir });
  auth = { Authorization: `Bearer ${server.token}` };
  events = await openEventStream(server.port, auth);
});

afterAll(async () => {
  events?.close();
  await server?.close();
  study?.services.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function api(method: string, input: unknown) {
  const response = await rawRequest(server.port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  return response.json as { ok: boolean; value?: unknown; error?: { code: string } };
}

describe("'annotations-changed' over the event stream", () => {
  it('is a known event name, so the transports pass it on', () => {
    expect(EVENT_NAMES).toContain('annotations-changed');
  });

  it('follows each save, copy and lock change, naming the image that changed', async () => {
    const [first, second] = study.images.map((image) => image.id) as [number, number, number];
    const roi = polygonShape(rectangle(10, 10, 100, 80), study.classes.roi);

    const saved = await api('saveAnnotationChanges', { imageId: first, put: [roi], remove: [] });
    expect(saved).toMatchObject({ ok: true });
    expect(await events.next('annotations-changed')).toEqual({ imageId: first });

    // Copying changes the target image only.
    const copied = await api('copyAnnotations', {
      fromImageId: first,
      toImageId: second,
      classIds: [study.classes.roi],
    });
    expect(copied).toMatchObject({ ok: true, value: { copied: 1 } });
    expect(await events.next('annotations-changed')).toEqual({ imageId: second });

    const removed = await api('saveAnnotationChanges', { imageId: first, put: [], remove: [roi.id] });
    expect(removed).toMatchObject({ ok: true, value: { count: 1 } });
    expect(await events.next('annotations-changed')).toEqual({ imageId: first });

    const locked = await api('setImageLock', { imageId: first, locked: true, reason: 'checked' });
    expect(locked).toMatchObject({ ok: true, value: { locked: true } });
    expect(await events.next('annotations-changed')).toEqual({ imageId: first });
  });

  it('stays silent when nothing changed: a refused save, an empty save, a lock already set', async () => {
    const [first, second, third] = study.images.map((image) => image.id) as [number, number, number];
    const roi = polygonShape(rectangle(5, 5, 50, 50), study.classes.roi);
    // The first image is locked by the previous test.
    const refused = await api('saveAnnotationChanges', { imageId: first, put: [roi], remove: [] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await api('setImageLock', { imageId: first, locked: true, reason: 'again' })).toMatchObject({
      ok: true,
    });
    expect(await api('saveAnnotationChanges', { imageId: second, put: [], remove: [] })).toMatchObject({
      ok: true,
      value: { count: 0 },
    });
    // The next event must be this save of the third image, not one for the calls above.
    expect(await api('saveAnnotationChanges', { imageId: third, put: [roi], remove: [] })).toMatchObject({
      ok: true,
    });
    expect(await events.next('annotations-changed')).toEqual({ imageId: third });
  });
});
