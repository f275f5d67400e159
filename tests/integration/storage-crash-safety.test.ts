import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../main/services';
import { bundleChildScript, type ChildScript } from '../helpers/child-script';
import { studyWithImages } from '../helpers/annotation-study';
import { writePng } from '../helpers/synthetic-images';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs('dq-crash-safe-');
const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasStrace)
  console.warn('storage-crash-safety: the fsync-order test is skipped, strace is not installed.');

describe.skipIf(!hasStrace)('files are flushed before they get their real names', () => {
  // The real preview writer in a child process traced by strace: which file descriptors were flushed
  // (fsync, with the path each refers to) and which renames happened, in order.
  let child: ChildScript;
  beforeAll(async () => {
    child = await bundleChildScript(`
      import { writePreviews } from '@repo/main/services/images/previews';
      const [source, studyDir, sha] = process.argv.slice(2);
      writePreviews(source, null, studyDir, sha, 1e8).then(() => console.log('done'));
    `);
  });
  afterAll(() => child?.dispose());

  it('each preview and thumbnail is fsynced under its temporary name before the rename', async () => {
    const studyDir = tempDir();
    const source = await writePng(path.join(tempDir(), 'source.png'), { width: 300, height: 200 });
    const log = path.join(tempDir(), 'strace.log');
    const sha = 'a'.repeat(64);
    const result = child.run([source, studyDir, sha], {
      prefix: [
        'strace',
        '-f',
        '-qq',
        '-y',
        '-e',
        'trace=fsync,fdatasync,rename,renameat,renameat2',
        '-o',
        log,
      ],
    });
    expect(result.stdout, result.stderr).toContain('done');
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    const renames = lines.flatMap((line, index) => {
      const match = /rename(?:at2?)?\(.*"([^"]+\.tmp)".*"([^"]+\.(?:preview|thumbnail)\.jpg)"/.exec(line);
      return match ? [{ index, temp: match[1]!, final: match[2]! }] : [];
    });
    expect(renames.map((r) => path.basename(r.final)).sort()).toEqual([
      `${sha}.preview.jpg`,
      `${sha}.thumbnail.jpg`,
    ]);
    for (const { index, temp } of renames) {
      const flushed = lines
        .slice(0, index)
        .some((line) => /f(?:data)?sync\(\d+</.test(line) && line.includes(`<${temp}>`));
      expect(flushed, `${path.basename(temp)} flushed before its rename`).toBe(true);
    }
  });
});

describe('a damaged cached preview is rebuilt when served', () => {
  async function imageWithPreview() {
    const { services, dir, images } = await studyWithImages(tempDir(), [{ width: 120, height: 90 }]);
    open.push(services);
    const image = images[0]!;
    const asset = await services.imageAsset(image.id, 'preview');
    return { services, dir, image, file: asset.path, good: fs.readFileSync(asset.path) };
  }

  it.each([
    ['empty (a power cut before its data reached the disk)', () => Buffer.alloc(0)],
    ['cut short (an interrupted copy)', (good: Buffer) => good.subarray(0, good.length >> 1)],
    ['not a JPEG at all', () => Buffer.from('<html>not an image</html>')],
  ])('%s', async (_what, damage) => {
    const { services, image, file, good } = await imageWithPreview();
    fs.writeFileSync(file, damage(good));
    const served = await services.imageAsset(image.id, 'preview');
    const metadata = await sharp(fs.readFileSync(served.path)).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 120, height: 90 });
    // Decodes in full, not only its header.
    await expect(sharp(served.path, { failOn: 'truncated' }).raw().toBuffer()).resolves.toBeInstanceOf(
      Buffer,
    );
    expect(fs.readFileSync(served.path)).toEqual(good);
  });

  it('an intact preview is served as it is, without rebuilding', async () => {
    const { services, image, file } = await imageWithPreview();
    const before = fs.statSync(file).mtimeMs;
    await new Promise((done) => setTimeout(done, 20));
    await services.imageAsset(image.id, 'preview');
    expect(fs.statSync(file).mtimeMs).toBe(before);
  });

  it('the thumbnail too', async () => {
    const { services, image } = await imageWithPreview();
    const thumbnail = (await services.imageAsset(image.id, 'thumbnail')).path;
    fs.writeFileSync(thumbnail, '');
    const served = await services.imageAsset(image.id, 'thumbnail');
    expect(await sharp(served.path).metadata()).toMatchObject({ format: 'jpeg', width: 120 });
  });
});
