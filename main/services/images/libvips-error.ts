/**
 * The reason a libvips (sharp) failure gives, for a message: libvips puts the decoder's own words on the
 * first line, sometimes after a generic "failOn setting" line that says nothing about the file.
 */
export function libvipsReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = message.split('\n').filter((line) => !/failOn setting/.test(line));
  return lines[0]?.trim() || 'unreadable';
}
