import { describe, expect, it, vi } from 'vitest';
import type { DermaquantBridge } from '../../renderer/api/bridge';
import { electronTransport } from '../../renderer/api/electron-transport';
import { UPLOAD_SLICE_BYTES } from '../../shared/api';
import { fail, ok, type Result } from '../../shared/result';

// The Electron transport's upload against a fake preload bridge that records each call.
const MiB = 1024 * 1024;

function fakeBridge(answer: (method: string, input: Record<string, unknown>) => Result<unknown> | undefined) {
  const calls: { method: string; input: Record<string, unknown> }[] = [];
  const bridge: DermaquantBridge = {
    invoke: async (method, input) => {
      const fields = input as Record<string, unknown>;
      calls.push({ method, input: fields });
      return (
        answer(method, fields) ??
        (method === 'uploadBegin'
          ? ok({ uploadId: 'u1' })
          : method === 'uploadEnd'
            ? ok({ uploadId: 'staged-id-0123456789', fileName: 'slide.svs' })
            : ok({}))
      );
    },
    on: () => undefined,
  };
  return { bridge, calls };
}

/** A file of `size` bytes where byte i is i % 251, so any misplaced slice shows. */
function patternFile(size: number): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return new File([bytes], 'slide.svs');
}

describe('electron transport upload', () => {
  it('sends the file in 8 MiB slices at their offsets, then ends, never reading it whole', async () => {
    expect(UPLOAD_SLICE_BYTES).toBe(8 * MiB);
    const file = patternFile(2 * UPLOAD_SLICE_BYTES + 1234);
    const whole = vi.spyOn(file, 'arrayBuffer');
    const { bridge, calls } = fakeBridge(() => undefined);
    const result = await electronTransport(bridge).upload(file);
    expect(result).toEqual(ok({ uploadId: 'staged-id-0123456789', fileName: 'slide.svs' }));
    expect(whole).not.toHaveBeenCalled();
    expect(calls.map((c) => c.method)).toEqual([
      'uploadBegin',
      'uploadChunk',
      'uploadChunk',
      'uploadChunk',
      'uploadEnd',
    ]);
    expect(calls[0]?.input).toEqual({ fileName: 'slide.svs', size: file.size });
    const chunks = calls.filter((c) => c.method === 'uploadChunk').map((c) => c.input);
    expect(chunks.map((c) => [c.uploadId, c.offset, (c.bytes as Uint8Array).length])).toEqual([
      ['u1', 0, UPLOAD_SLICE_BYTES],
      ['u1', UPLOAD_SLICE_BYTES, UPLOAD_SLICE_BYTES],
      ['u1', 2 * UPLOAD_SLICE_BYTES, 1234],
    ]);
    for (const c of chunks) {
      const bytes = c.bytes as Uint8Array;
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect([bytes[0], bytes.at(-1)]).toEqual([
        (c.offset as number) % 251,
        ((c.offset as number) + bytes.length - 1) % 251,
      ]);
    }
    expect(calls.at(-1)?.input).toEqual({ uploadId: 'u1' });
  });

  it('an empty file is begun and ended with no chunk', async () => {
    const { bridge, calls } = fakeBridge(() => undefined);
    await electronTransport(bridge).upload(new File([], 'empty.png'));
    expect(calls.map((c) => c.method)).toEqual(['uploadBegin', 'uploadEnd']);
  });

  it('aborts when a chunk is refused, and answers that refusal', async () => {
    const refusal = fail('IMAGE_TOO_LARGE', 'slide.svs is larger than the upload limit.');
    const { bridge, calls } = fakeBridge((method, input) =>
      method === 'uploadChunk' && input.offset === UPLOAD_SLICE_BYTES ? refusal : undefined,
    );
    const result = await electronTransport(bridge).upload(patternFile(3 * UPLOAD_SLICE_BYTES));
    expect(result).toEqual(refusal);
    expect(calls.map((c) => c.method)).toEqual(['uploadBegin', 'uploadChunk', 'uploadChunk', 'uploadAbort']);
    expect(calls.at(-1)?.input).toEqual({ uploadId: 'u1' });
  });

  it('aborts when the main process crashes mid-way, when the end fails, or the file cannot be read', async () => {
    let crashed = false;
    const crashing: DermaquantBridge = {
      invoke: vi.fn(async (method: string) => {
        if (method === 'uploadChunk' && !crashed) {
          crashed = true;
          throw new Error('handler crashed');
        }
        return method === 'uploadBegin' ? ok({ uploadId: 'u2' }) : ok({});
      }),
      on: () => undefined,
    };
    expect(codeOf(await electronTransport(crashing).upload(patternFile(10)))).toBe('INTERNAL');
    expect(vi.mocked(crashing.invoke).mock.calls.map((c) => c[0])).toEqual([
      'uploadBegin',
      'uploadChunk',
      'uploadAbort',
    ]);

    const endFails = fakeBridge((method) => (method === 'uploadEnd' ? fail('DISK_FULL', 'full') : undefined));
    expect(codeOf(await electronTransport(endFails.bridge).upload(patternFile(10)))).toBe('DISK_FULL');
    expect(endFails.calls.at(-1)?.method).toBe('uploadAbort');

    const unreadable = Object.assign(patternFile(10), {
      slice: () => ({ arrayBuffer: () => Promise.reject(new Error('NotReadableError')) }),
    }) as unknown as File;
    const read = fakeBridge(() => undefined);
    const result = await electronTransport(read.bridge).upload(unreadable);
    expect(codeOf(result)).toBe('FILE_NOT_FOUND');
    expect(read.calls.map((c) => c.method)).toEqual(['uploadBegin', 'uploadAbort']);
  });

  it('sends nothing more when the upload cannot begin', async () => {
    const { bridge, calls } = fakeBridge((method) =>
      method === 'uploadBegin' ? fail('NO_STUDY', 'Open a study first.') : undefined,
    );
    expect(codeOf(await electronTransport(bridge).upload(patternFile(10)))).toBe('NO_STUDY');
    expect(calls.map((c) => c.method)).toEqual(['uploadBegin']);
  });
});

const codeOf = (result: Result<unknown>) => (result.ok ? 'ok' : result.error.code);
