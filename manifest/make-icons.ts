/**
 * Draws the app's icons with pngjs, so they are reproducible from source:
 *
 * - `color.png`   192×192, the Teams colour icon: white glyph on the accent colour, full bleed.
 * - `outline.png`  32×32, the Teams outline icon: white glyph on a transparent background.
 * - `addin-icons/icon-{16,32,80}.png`: the Outlook ribbon button (accent glyph, transparent).
 *   Outlook loads these from the web, so the server must publish the folder at
 *   `https://<APP_DOMAIN>/outlook/icons/`.
 *
 * The glyph is two people side by side, one a little behind the other: a supervisor and the
 * person they supervise. Edges are anti-aliased by supersampling each pixel.
 *
 * Usage: node --import tsx manifest/make-icons.ts   (rewrites the PNGs next to this file)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

/** Accent colour of the app (manifest `accentColor`), as RGB. */
export const accent = { r: 0x2e, g: 0x6e, b: 0x65 } as const;
export const accentHex = '#2E6E65';

type Rgb = { r: number; g: number; b: number };

function inCircle(x: number, y: number, cx: number, cy: number, r: number): boolean {
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inEllipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): boolean {
  return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
}

/** Shoulders are the top of an ellipse, cut flat at the glyph's base line. */
const base = 0.94;

interface Person { hx: number; hy: number; hr: number; bx: number; by: number; brx: number; bry: number }
const front: Person = { hx: 0.34, hy: 0.3, hr: 0.165, bx: 0.34, by: 0.98, brx: 0.29, bry: 0.39 };
const back: Person = { hx: 0.71, hy: 0.25, hr: 0.135, bx: 0.71, by: 0.9, brx: 0.27, bry: 0.35 };
/** The gap cut around the front person where it overlaps the one behind. */
const gap = 0.065;

function inPerson(x: number, y: number, p: Person, grow = 0): boolean {
  if (inCircle(x, y, p.hx, p.hy, p.hr + grow)) return true;
  return y <= base + grow && inEllipse(x, y, p.bx, p.by, p.brx + grow, p.bry + grow);
}

/** Is the point (in the unit square of the glyph) ink? */
export function glyph(x: number, y: number): boolean {
  if (x < 0 || x > 1 || y < 0 || y > 1) return false;
  if (inPerson(x, y, front)) return true;
  return inPerson(x, y, back) && !inPerson(x, y, front, gap);
}

const samples = 4;

/** Coverage (0..1) of the glyph over each pixel of a size×size image, the glyph drawn in [inset, size-inset]. */
function coverage(size: number, inset: number): Float64Array {
  const out = new Float64Array(size * size);
  const span = size - 2 * inset;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples - inset) / span;
          const y = (py + (sy + 0.5) / samples - inset) / span;
          if (glyph(x, y)) hits++;
        }
      }
      out[py * size + px] = hits / (samples * samples);
    }
  }
  return out;
}

function encode(size: number, pixel: (cover: number) => { rgb: Rgb; a: number }, inset: number): Buffer {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  const cover = coverage(size, inset);
  for (let i = 0; i < size * size; i++) {
    const { rgb, a } = pixel(cover[i]!);
    png.data[i * 4] = rgb.r;
    png.data[i * 4 + 1] = rgb.g;
    png.data[i * 4 + 2] = rgb.b;
    png.data[i * 4 + 3] = a;
  }
  return PNG.sync.write(png, { colorType: 6 });
}

const white: Rgb = { r: 255, g: 255, b: 255 };
const mix = (from: Rgb, to: Rgb, t: number): Rgb => ({
  r: Math.round(from.r + (to.r - from.r) * t),
  g: Math.round(from.g + (to.g - from.g) * t),
  b: Math.round(from.b + (to.b - from.b) * t),
});

/** Teams colour icon: opaque accent background, white glyph inside the central 96×96 safe area (scaled). */
export function colorIcon(size = 192): Buffer {
  return encode(size, (c) => ({ rgb: mix(accent, white, c), a: 255 }), Math.round(size * 0.22));
}

/** Teams outline icon: pure white, shape carried by alpha only, transparent background. */
export function outlineIcon(size = 32): Buffer {
  return encode(size, (c) => ({ rgb: white, a: Math.round(c * 255) }), Math.round(size * 0.125));
}

/** Outlook ribbon icon: accent glyph on a transparent background. */
export function ribbonIcon(size: 16 | 32 | 80): Buffer {
  return encode(size, (c) => ({ rgb: accent, a: Math.round(c * 255) }), size <= 16 ? 1 : Math.round(size * 0.08));
}

export const ribbonIconSizes = [16, 32, 80] as const;

/** Every icon this script draws, by path relative to the manifest folder. */
export function renderIcons(): Map<string, Buffer> {
  const files = new Map<string, Buffer>([
    ['color.png', colorIcon()],
    ['outline.png', outlineIcon()],
  ]);
  for (const size of ribbonIconSizes) files.set(`addin-icons/icon-${size}.png`, ribbonIcon(size));
  return files;
}

export const manifestDir = dirname(fileURLToPath(import.meta.url));

function main(): void {
  for (const [name, data] of renderIcons()) {
    const target = join(manifestDir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
    process.stdout.write(`wrote ${target} (${data.length} bytes)\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
