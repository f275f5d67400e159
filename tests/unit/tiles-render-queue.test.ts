/** The tile service's render queue: bounded concurrency, shared renders, cancelled requests. */
import { describe, expect, it } from 'vitest';
import { RenderQueue } from '../../main/services/images/tiles/render-queue';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('RenderQueue', () => {
  it('never runs more than its limit at once, and runs everything in the end', async () => {
    const queue = new RenderQueue<number>(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_v, i) =>
        queue.run(`k${i}`, async () => {
          running += 1;
          peak = Math.max(peak, running);
          await tick();
          running -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual(Array.from({ length: 20 }, (_v, i) => i));
  });

  it('shares one render between requests for the same key', async () => {
    const queue = new RenderQueue<string>(1);
    let renders = 0;
    const gate = deferred<string>();
    const render = () => {
      renders += 1;
      return gate.promise;
    };
    const both = Promise.all([queue.run('a', render), queue.run('a', render)]);
    gate.resolve('tile');
    expect(await both).toEqual(['tile', 'tile']);
    expect(renders).toBe(1);
  });

  it('drops a queued render whose every requester gave up, and answers them CANCELLED', async () => {
    const queue = new RenderQueue<string>(1);
    const gate = deferred<string>();
    const started: string[] = [];
    const first = queue.run('busy', () => {
      started.push('busy');
      return gate.promise;
    });
    const abort = new AbortController();
    const stale = queue.run(
      'stale',
      async () => {
        started.push('stale');
        return 'never';
      },
      abort.signal,
    );
    const kept = queue.run('kept', async () => {
      started.push('kept');
      return 'kept';
    });
    abort.abort();
    await expect(stale).rejects.toMatchObject({ code: 'CANCELLED' });
    gate.resolve('busy');
    expect(await first).toBe('busy');
    expect(await kept).toBe('kept');
    expect(started).toEqual(['busy', 'kept']);
    await tick(); // the slot is given back just after the answer
    expect(queue.active).toBe(0);
  });

  it('keeps a shared render for the requester still waiting, and passes on failures', async () => {
    const queue = new RenderQueue<string>(1);
    const gate = deferred<string>();
    const blocker = queue.run('blocker', () => gate.promise);
    const abort = new AbortController();
    const leaving = queue.run('shared', async () => 'shared', abort.signal);
    const staying = queue.run('shared', async () => 'shared');
    abort.abort();
    await expect(leaving).rejects.toMatchObject({ code: 'CANCELLED' });
    gate.resolve('done');
    await blocker;
    expect(await staying).toBe('shared');
    await expect(queue.run('bad', () => Promise.reject(new Error('decoder failed')))).rejects.toThrow(
      'decoder failed',
    );
    expect(await queue.run('after', async () => 'still works')).toBe('still works');
  });
});
