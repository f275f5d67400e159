import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../shared/annotations/types';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import { polygonShape, rectangle, studyWithImages } from '../helpers/annotation-study';
import { ensureMainBuilt } from '../helpers/build-main';
import { rawRequest } from '../helpers/http-client';
import { repoRoot } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

// Browser mode as a user runs it (`npm run web`): the bundled out/web.cjs in its own process.
const webBundle = path.join(repoRoot, 'out', 'web.cjs');
const ADDRESS_LINE = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)$/m;

async function startWeb(studyDir: string) {
  const child = spawn(process.execPath, [webBundle, '--study', studyDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const match = ADDRESS_LINE.exec(stdout);
    if (match) {
      const [port, token] = [Number(match[1]), match[2]!];
      const api = async (method: string, input: unknown) => {
        const response = await rawRequest(port, {
          method: 'POST',
          path: `/api/${method}`,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(input),
        });
        return response.json as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
      };
      return { child, api, exited };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`browser mode did not start. stdout: ${stdout} stderr: ${stderr}`);
}

describe('autosave through the HTTP bridge (browser mode in its own process)', () => {
  const tempDir = useTempDirs('dq-autosave-');
  beforeAll(() => ensureMainBuilt(), 180_000);

  it('keeps what one server process saved after it is killed, for the next process to read', async () => {
    const { services, dir, images, classes } = await studyWithImages(tempDir(), [
      { width: 200, height: 150 },
    ]);
    services.close();
    const imageId = images[0]!.id;
    const brush = new TiledMask(200, 150, 1);
    brush.paintCapsule(30, 30, 160, 110, 7, 1);
    const shapes: Annotation[] = [
      polygonShape(rectangle(5, 5, 190, 140), classes.roi, { name: 'dermis' }),
      {
        id: randomUUID(),
        classId: classes.stained,
        kind: 'mask',
        name: '',
        geometry: { type: 'mask', mask: brush.encode() },
      },
    ];

    const first = await startWeb(dir);
    try {
      const saved = await first.api('saveAnnotationChanges', { imageId, put: shapes, remove: [] });
      expect(saved).toMatchObject({ ok: true, value: { count: 2, adjusted: [] } });
      // The editor's next gesture: one shape moved past the border (clipped), the other deleted.
      const moved = polygonShape(rectangle(-20, 5, 100, 60), classes.roi, {
        id: shapes[0]!.id,
        name: 'dermis',
      });
      const second = await first.api('saveAnnotationChanges', {
        imageId,
        put: [moved],
        remove: [shapes[1]!.id],
      });
      expect(second).toMatchObject({ ok: true, value: { count: 2, adjusted: [{ id: moved.id }] } });
      const locked = await first.api('setImageLock', { imageId, locked: true, reason: 'checked' });
      expect(locked).toMatchObject({ ok: true, value: { locked: true } });
      const refused = await first.api('saveAnnotationChanges', { imageId, put: shapes, remove: [] });
      expect(refused).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    } finally {
      // A crash, not a clean shutdown: the autosaves must already be on disk.
      first.child.kill('SIGKILL');
      await first.exited;
    }

    const next = await startWeb(dir);
    try {
      const read = await next.api('getImageAnnotations', { imageId });
      expect(read).toEqual({
        ok: true,
        value: {
          imageId,
          locked: true,
          annotations: [
            {
              ...shapes[0],
              geometry: { type: 'polygons', polygons: [{ outer: rectangle(0, 5, 100, 60), holes: [] }] },
            },
          ],
        },
      });
    } finally {
      next.child.kill('SIGTERM');
      await next.exited;
    }
  });
});
