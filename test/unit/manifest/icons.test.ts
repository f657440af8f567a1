import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { checkIcons } from '../../../manifest/packaging.js';
import { renderIcons } from '../../../manifest/make-icons.js';
import { manifestDir, substituted } from './fixtures.js';

const read = (name: string) => readFileSync(join(manifestDir, name));
const decode = (data: Buffer) => PNG.sync.read(data);

function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number], alpha = true): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) image.data.set(pixel(x, y), (y * width + x) * 4);
  }
  return PNG.sync.write(image, { colorType: alpha ? 6 : 2 });
}

describe('committed icons', () => {
  it('are the ones manifest/make-icons.ts draws (pixel for pixel)', () => {
    for (const [name, data] of renderIcons()) {
      expect(existsSync(join(manifestDir, name)), `${name} is committed`).toBe(true);
      const committed = decode(read(name));
      const drawn = decode(data);
      expect([committed.width, committed.height], name).toEqual([drawn.width, drawn.height]);
      expect(committed.data.equals(drawn.data), `${name} matches make-icons.ts; run npm run icons`).toBe(true);
    }
  });

  it('colour is 192×192 and outline is 32×32 white on transparent', () => {
    expect(checkIcons({ color: read('color.png'), outline: read('outline.png') })).toEqual([]);
    const color = decode(read('color.png'));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = decode(read('outline.png'));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    expect(outline.alpha).toBe(true);
    let transparent = 0;
    for (let i = 0; i < 32 * 32; i++) {
      const [r, g, b, a] = outline.data.subarray(i * 4, i * 4 + 4);
      if (a === 0) transparent++;
      else expect([r, g, b]).toEqual([255, 255, 255]);
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.3);
  });

  it('has an Outlook ribbon icon file for every size the manifest names', () => {
    const ext = substituted().extensions![0]!;
    const icons = ext.ribbons!.flatMap((r) => r.tabs.flatMap((t) => t.groups ?? []).flatMap((g) => [...(g.icons ?? []), ...(g.controls ?? []).flatMap((c) => c.icons ?? [])]));
    expect(icons.length).toBeGreaterThan(0);
    for (const icon of icons) {
      const file = new URL(icon.url).pathname.replace(/^\/outlook\/icons\//, 'addin-icons/');
      const image = decode(read(file));
      expect([image.width, image.height], file).toEqual([icon.size, icon.size]);
    }
  });
});

describe('icon checks', () => {
  const transparentWhite = (size: number) => png(size, size, (x, y) => (x > 8 && x < 24 && y > 8 && y < 24 ? [255, 255, 255, 255] : [0, 0, 0, 0]));
  const opaque = (size: number) => png(size, size, () => [46, 110, 101, 255]);

  it('rejects wrong sizes', () => {
    expect(checkIcons({ color: opaque(96), outline: transparentWhite(32) })).toEqual(['color.png is 96×96; it must be 192×192']);
    expect(checkIcons({ color: opaque(192), outline: transparentWhite(48) })).toContainEqual('outline.png is 48×48; it must be 32×32');
  });

  it('rejects an outline icon without transparency or with colour', () => {
    expect(checkIcons({ color: opaque(192), outline: png(32, 32, () => [255, 255, 255, 255], false) })).toEqual([
      'outline.png has no alpha channel; it must be white on a transparent background',
    ]);
    expect(checkIcons({ color: opaque(192), outline: png(32, 32, () => [255, 255, 255, 255]) })).toEqual([
      'outline.png must have a transparent background (its corners are not transparent)',
    ]);
    const coloured = png(32, 32, (x, y) => (x > 8 && x < 24 && y > 8 && y < 24 ? [46, 110, 101, 255] : [0, 0, 0, 0]));
    expect(checkIcons({ color: opaque(192), outline: coloured })[0]).toMatch(/visible pixel\(s\) that are not white/);
  });

  it('rejects a file that is not a PNG', () => {
    expect(checkIcons({ color: Buffer.from('not a png'), outline: transparentWhite(32) })[0]).toMatch(/^color\.png is not a readable PNG/);
  });
});
