import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UPLOAD_IDLE_MS, type Schedule } from '../../main/electron/chunked-uploads';
import { createInvokeHandler } from '../../main/electron/ipc';
import { createServices } from '../../main/services/index';
import type { Services } from '../../main/services/types';
import { UPLOAD_CHUNK_MAX_BYTES } from '../../shared/api';
import type { Result } from '../../shared/result';
import { useTempDirs } from '../helpers/temp-dir';

// Chunked uploads through the IPC handler over real services and a real study in a temporary folder.
// Chunks of 20,000 bytes are larger than a stream's 16 KiB buffer, so each waits until staging took it.
const tempDir = useTempDirs('dq-chunks-');
const APP = 'app://dermaquant/index.html';
const CHUNK = 20_000;
const open: Services[] = [];

afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

/** A stand-in timer: records what was scheduled so a test can let the time pass. */
function fakeSchedule() {
  const timers: { callback: () => void; ms: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (callback, ms) => {
    const timer = { callback, ms, cancelled: false };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  const elapse = () => {
    for (const timer of timers.filter((t) => !t.cancelled)) timer.callback();
  };
  return { schedule, timers, elapse };
}

async function setUp(maxUploadBytes?: number) {
  const dir = path.join(tempDir(), 'study');
  const services = createServices({ studyDir: dir, maxUploadBytes });
  open.push(services);
  await services.createStudy({ name: 'Chunks' });
  const clock = fakeSchedule();
  const handler = createInvokeHandler({
    services,
    chooseNewStudyFolder: async () => null,
    uploads: { schedule: clock.schedule },
  });
  const staged = () =>
    fs.existsSync(path.join(dir, '.staging')) ? fs.readdirSync(path.join(dir, '.staging')) : [];
  const begin = async (fileName: string, size: number) =>
    valueOf<{ uploadId: string }>(await handler(APP, 'uploadBegin', { fileName, size })).uploadId;
  const chunk = (uploadId: string, offset: number, bytes: Uint8Array) =>
    handler(APP, 'uploadChunk', { uploadId, offset, bytes });
  return { dir, services, handler, clock, staged, begin, chunk };
}

function valueOf<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}
const codeOf = (result: Result<unknown>) => (result.ok ? 'ok' : result.error.code);
const messageOf = (result: Result<unknown>) => (result.ok ? '' : result.error.message);

describe('chunked uploads over IPC', () => {
  it('stages a file sent in chunks byte for byte, and importImages imports it', async () => {
    const { dir, handler, begin, chunk, staged } = await setUp();
    const png = await sharp({
      create: {
        width: 256,
        height: 256,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
    expect(png.length).toBeGreaterThan(3 * CHUNK);
    const uploadId = await begin('before.png', png.length);
    for (let offset = 0; offset < png.length; offset += CHUNK) {
      const bytes = new Uint8Array(png.subarray(offset, offset + CHUNK));
      expect(codeOf(await chunk(uploadId, offset, bytes))).toBe('ok');
    }
    const upload = valueOf<{ uploadId: string; fileName: string }>(
      await handler(APP, 'uploadEnd', { uploadId }),
    );
    expect(upload.fileName).toBe('before.png');
    expect(staged()).toEqual([upload.uploadId]);
    expect(fs.readFileSync(path.join(dir, '.staging', upload.uploadId)).equals(png)).toBe(true);

    const subject = valueOf<{ id: number }>(await handler(APP, 'addSubject', { code: 'S-01' }));
    const timepoint = valueOf<{ id: number }>(
      await handler(APP, 'addTimepoint', { subjectId: subject.id, label: 'Before' }),
    );
    const outcome = valueOf<{ imported: { width: number; fileName: string }[] }>(
      await handler(APP, 'importImages', { timepointId: timepoint.id, uploads: [upload] }),
    );
    expect(outcome.imported).toEqual([expect.objectContaining({ width: 256, fileName: 'before.png' })]);
    expect(staged()).toEqual([]);
  });

  it('refuses a chunk out of order, and one that goes past the announced size', async () => {
    const { handler, begin, chunk } = await setUp();
    const uploadId = await begin('a.tif', 100);
    const ahead = await chunk(uploadId, 10, new Uint8Array(10));
    expect(codeOf(ahead)).toBe('INVALID_INPUT');
    expect(messageOf(ahead)).toMatch(/out of order: it starts at byte 10, but 0 bytes/);
    expect(codeOf(await chunk(uploadId, 0, new Uint8Array(60)))).toBe('ok');
    expect(messageOf(await chunk(uploadId, 0, new Uint8Array(40)))).toMatch(/out of order/);
    expect(messageOf(await chunk(uploadId, 60, new Uint8Array(41)))).toMatch(/past the 100 bytes/);
    expect(codeOf(await chunk(uploadId, 60, new Uint8Array(40)))).toBe('ok');
    expect(valueOf<{ fileName: string }>(await handler(APP, 'uploadEnd', { uploadId })).fileName).toBe(
      'a.tif',
    );
  });

  it('refuses a chunk over 16 MiB and keeps the upload open', async () => {
    const { handler, begin, chunk } = await setUp();
    const uploadId = await begin('big.svs', 64 * 1024 * 1024);
    const result = await chunk(uploadId, 0, new Uint8Array(UPLOAD_CHUNK_MAX_BYTES + 1));
    expect(codeOf(result)).toBe('INVALID_INPUT');
    expect(messageOf(result)).toMatch(/at most 16777216 are accepted/);
    expect(codeOf(await chunk(uploadId, 0, new Uint8Array(UPLOAD_CHUNK_MAX_BYTES)))).toBe('ok');
    expect(codeOf(await handler(APP, 'uploadAbort', { uploadId }))).toBe('ok');
  });

  it('refuses unknown ids, bad input and an end before all bytes arrived', async () => {
    const { handler, begin, chunk, staged } = await setUp();
    for (const method of ['uploadChunk', 'uploadEnd', 'uploadAbort']) {
      const result = await handler(APP, method, { uploadId: 'nope', offset: 0, bytes: new Uint8Array(1) });
      expect(codeOf(result)).toBe('NOT_FOUND');
      expect(messageOf(result)).toMatch(/no open upload with this id/);
    }
    expect(messageOf(await handler(APP, 'uploadBegin', { fileName: 'a/b.png', size: 1 }))).toMatch(
      /file name cannot be used/,
    );
    expect(codeOf(await handler(APP, 'uploadBegin', { fileName: 'a.png', size: -1 }))).toBe('INVALID_INPUT');
    const uploadId = await begin('a.png', 10);
    expect(messageOf(await chunk(uploadId, 0, [1, 2] as never))).toMatch(/bytes: expected a Uint8Array/);
    expect(codeOf(await chunk(uploadId, 0, new Uint8Array(4)))).toBe('ok');
    expect(messageOf(await handler(APP, 'uploadEnd', { uploadId }))).toMatch(/after 4 of its 10 bytes/);
    expect(codeOf(await chunk(uploadId, 4, new Uint8Array(6)))).toBe('NOT_FOUND');
    expect(staged()).toEqual([]);
  });

  it('abort removes the staged part', async () => {
    const { handler, begin, chunk, staged } = await setUp();
    const uploadId = await begin('slide.tif', 10 * CHUNK);
    expect(codeOf(await chunk(uploadId, 0, new Uint8Array(CHUNK)))).toBe('ok');
    expect(staged()).toHaveLength(1);
    expect(valueOf(await handler(APP, 'uploadAbort', { uploadId }))).toEqual({ aborted: true });
    expect(staged()).toEqual([]);
    expect(codeOf(await chunk(uploadId, CHUNK, new Uint8Array(CHUNK)))).toBe('NOT_FOUND');
  });

  it('the size cap refuses mid-way (at the chunk that crosses it or the next) and leaves no file', async () => {
    const { begin, chunk, staged } = await setUp(2.5 * CHUNK);
    const uploadId = await begin('huge.tif', 10 * CHUNK);
    const answers: Result<unknown>[] = [];
    for (let offset = 0; offset < 10 * CHUNK; offset += CHUNK) {
      answers.push(await chunk(uploadId, offset, new Uint8Array(CHUNK)));
      if (!answers.at(-1)!.ok) break;
    }
    // Staging is told the third chunk crosses the cap once it has read it; the IPC answer may be sent
    // just before that, so the refusal comes with the third chunk or the fourth, never later.
    expect(answers.slice(0, 2).map(codeOf)).toEqual(['ok', 'ok']);
    expect(answers.length).toBeLessThanOrEqual(4);
    expect(codeOf(answers.at(-1)!)).toBe('IMAGE_TOO_LARGE');
    expect(messageOf(answers.at(-1)!)).toMatch(/huge\.tif is larger than the upload limit/);
    expect(staged()).toEqual([]);
    expect(codeOf(await chunk(uploadId, 9 * CHUNK, new Uint8Array(CHUNK)))).toBe('NOT_FOUND');
  });

  it('aborts an upload idle for 10 minutes', async () => {
    const { begin, chunk, staged, clock } = await setUp();
    const uploadId = await begin('left.tif', 10 * CHUNK);
    expect(codeOf(await chunk(uploadId, 0, new Uint8Array(CHUNK)))).toBe('ok');
    expect(staged()).toHaveLength(1);
    const live = clock.timers.filter((t) => !t.cancelled);
    expect(live.map((t) => t.ms)).toEqual([UPLOAD_IDLE_MS]); // each call restarts the one timer
    clock.elapse();
    await vi.waitFor(() => expect(staged()).toEqual([]));
    expect(codeOf(await chunk(uploadId, CHUNK, new Uint8Array(CHUNK)))).toBe('NOT_FOUND');
  });

  it('refuses a ninth open upload until one is finished', async () => {
    const { handler, begin } = await setUp();
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await begin(`s${i}.png`, 1));
    const ninth = await handler(APP, 'uploadBegin', { fileName: 's8.png', size: 1 });
    expect(codeOf(ninth)).toBe('CONFLICT');
    expect(messageOf(ninth)).toMatch(/8 uploads are already open/);
    expect(codeOf(await handler(APP, 'uploadAbort', { uploadId: ids.pop() }))).toBe('ok');
    ids.push(await begin('s8.png', 1));
    for (const uploadId of ids) expect(codeOf(await handler(APP, 'uploadAbort', { uploadId }))).toBe('ok');
  });

  it('refuses every upload method from a foreign sender', async () => {
    const { handler, begin, staged } = await setUp();
    const uploadId = await begin('a.png', 4);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const url of ['https://evil.example/', 'app://other/index.html', null]) {
      for (const [method, input] of [
        ['uploadBegin', { fileName: 'b.png', size: 4 }],
        ['uploadChunk', { uploadId, offset: 0, bytes: new Uint8Array(4) }],
        ['uploadEnd', { uploadId }],
        ['uploadAbort', { uploadId }],
      ] as const) {
        expect(codeOf(await handler(url, method, input))).toBe('FORBIDDEN');
      }
    }
    vi.restoreAllMocks();
    // The app's own upload was left as it was: still open at offset 0.
    expect(codeOf(await handler(APP, 'uploadChunk', { uploadId, offset: 0, bytes: new Uint8Array(4) }))).toBe(
      'ok',
    );
    expect(codeOf(await handler(APP, 'uploadEnd', { uploadId }))).toBe('ok');
    expect(staged()).toHaveLength(1);
  });
});
