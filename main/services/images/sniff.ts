import fs from 'node:fs/promises';

/** What the first bytes of a file say it is. */
export type Sniffed =
  | { kind: 'supported'; container: 'jpeg' | 'png' | 'tiff' }
  | { kind: 'unsupported'; formatName: string }
  | { kind: 'not-an-image' };

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  prefix.every((value, index) => bytes[at + index] === value);
const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, to));

/**
 * Identify a file by its signature, not its name: a renamed file is still recognised, and a text file
 * called .tif is not taken for an image. Known image formats DermaQuant does not import are named so
 * the message can say which format it was.
 */
export function sniffBytes(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'supported', container: 'jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'supported', container: 'png' };
  // Classic TIFF (42) and BigTIFF (43), little- and big-endian.
  if (startsWith(bytes, [0x49, 0x49]) && (bytes[2] === 42 || bytes[2] === 43) && bytes[3] === 0) {
    return { kind: 'supported', container: 'tiff' };
  }
  if (startsWith(bytes, [0x4d, 0x4d, 0]) && (bytes[3] === 42 || bytes[3] === 43)) {
    return { kind: 'supported', container: 'tiff' };
  }
  if (ascii(bytes, 0, 4) === 'GIF8') return { kind: 'unsupported', formatName: 'GIF' };
  if (ascii(bytes, 0, 2) === 'BM') return { kind: 'unsupported', formatName: 'BMP' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
    return { kind: 'unsupported', formatName: 'WebP' };
  if (
    startsWith(bytes, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]) ||
    startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])
  ) {
    return { kind: 'unsupported', formatName: 'JPEG 2000' };
  }
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (/^(heic|heix|mif1|msf1|hevc)$/.test(brand)) return { kind: 'unsupported', formatName: 'HEIC' };
    if (brand === 'avif') return { kind: 'unsupported', formatName: 'AVIF' };
  }
  if (ascii(bytes, 0, 4) === '%PDF') return { kind: 'unsupported', formatName: 'PDF' };
  if (startsWith(bytes, [0xff, 0x0a]) || ascii(bytes, 4, 12) === 'JXL \r\n\x87\n') {
    return { kind: 'unsupported', formatName: 'JPEG XL' };
  }
  if (ascii(bytes, 128, 132) === 'DICM') return { kind: 'unsupported', formatName: 'DICOM' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]))
    return { kind: 'unsupported', formatName: 'ZIP archive (e.g. a .vsi or MRXS bundle)' };
  return { kind: 'not-an-image' };
}

/** Read the first bytes of a file (enough for every signature above). */
export async function sniffFile(file: string): Promise<Sniffed> {
  const handle = await fs.open(file, 'r');
  try {
    const bytes = new Uint8Array(136);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    return sniffBytes(bytes.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
