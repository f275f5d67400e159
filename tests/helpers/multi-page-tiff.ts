/**
 * A classic little-endian TIFF with several uncompressed 8-bit RGB pages, each one strip: what a scanner's
 * pyramid looks like to a reader (page 0 full size, later pages reduced), but with pages of any content,
 * so a test can tell which page a reader used. (sharp writes pyramids only from one image.)
 */
export interface TiffPage {
  width: number;
  height: number;
  rgb: [number, number, number];
}

const ENTRY_TAGS = 9;
const IFD_BYTES = 2 + ENTRY_TAGS * 12 + 4;

export function writeMultiPageTiff(pages: TiffPage[]): Buffer {
  const pixelBytes = pages.map((p) => p.width * p.height * 3);
  const total = 8 + pages.length * (IFD_BYTES + 6) + pixelBytes.reduce((a, b) => a + b, 0);
  const out = Buffer.alloc(total);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  let ifdAt = 8;
  out.writeUInt32LE(ifdAt, 4);
  let dataAt = 8 + pages.length * (IFD_BYTES + 6);
  pages.forEach((page, index) => {
    const bitsAt = ifdAt + IFD_BYTES; // BitsPerSample's three shorts follow the directory
    const entries: [number, number, number, number][] = [
      [256, 4, 1, page.width],
      [257, 4, 1, page.height],
      [258, 3, 3, bitsAt],
      [259, 3, 1, 1],
      [262, 3, 1, 2],
      [273, 4, 1, dataAt],
      [277, 3, 1, 3],
      [278, 4, 1, page.height],
      [279, 4, 1, pixelBytes[index] as number],
    ];
    out.writeUInt16LE(ENTRY_TAGS, ifdAt);
    entries.forEach(([tag, type, count, value], i) => {
      const at = ifdAt + 2 + i * 12;
      out.writeUInt16LE(tag, at);
      out.writeUInt16LE(type, at + 2);
      out.writeUInt32LE(count, at + 4);
      if (type === 3 && count === 1) out.writeUInt16LE(value, at + 8);
      else out.writeUInt32LE(value, at + 8);
    });
    const next = index + 1 < pages.length ? ifdAt + IFD_BYTES + 6 : 0;
    out.writeUInt32LE(next, ifdAt + 2 + ENTRY_TAGS * 12);
    for (let c = 0; c < 3; c++) out.writeUInt16LE(8, bitsAt + c * 2);
    for (let p = 0; p < page.width * page.height; p++) {
      out[dataAt + p * 3] = page.rgb[0];
      out[dataAt + p * 3 + 1] = page.rgb[1];
      out[dataAt + p * 3 + 2] = page.rgb[2];
    }
    dataAt += pixelBytes[index] as number;
    ifdAt += IFD_BYTES + 6;
  });
  return out;
}
