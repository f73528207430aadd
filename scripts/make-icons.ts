/**
 * Draws the Teams app icons: a key (Kerberos) in white, on the brand blue for the 192×192 colour icon
 * and on transparent for the 32×32 outline icon (Teams wants only white and transparency there).
 *
 *   npx tsc -p scripts/tsconfig.json && node dist/scripts/make-icons.js
 *
 * writes manifest/color.png and manifest/outline.png (committed; `npm run package` zips them).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './png';
import { MANIFEST_DIR } from './paths';

export const ACCENT = { r: 0x2b, g: 0x57, b: 0x9a }; // #2B579A

/** The key, in the unit square: is (x, y) inside? */
function insideKey(x: number, y: number): boolean {
  const dx = x - 0.34;
  const dy = y - 0.5;
  const d = Math.hypot(dx, dy);
  if (d <= 0.2 && d >= 0.09) return true; // bow (ring)
  if (x >= 0.5 && x <= 0.86 && y >= 0.455 && y <= 0.545) return true; // shaft
  if (x >= 0.66 && x <= 0.72 && y >= 0.545 && y <= 0.66) return true; // bit
  if (x >= 0.78 && x <= 0.86 && y >= 0.545 && y <= 0.7) return true; // bit
  return false;
}

/** Fraction of the pixel covered by the key (4×4 supersampling), the glyph scaled by `scale` around the centre. */
function coverage(px: number, py: number, size: number, scale: number): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const x = (px + (sx + 0.5) / 4) / size;
      const y = (py + (sy + 0.5) / 4) / size;
      if (insideKey(0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale)) hits++;
    }
  }
  return hits / 16;
}

export function drawIcon(size: number, background: { r: number; g: number; b: number } | undefined, scale: number): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = coverage(x, y, size, scale);
      const i = (y * size + x) * 4;
      if (background) {
        rgba[i] = Math.round(background.r + (255 - background.r) * a);
        rgba[i + 1] = Math.round(background.g + (255 - background.g) * a);
        rgba[i + 2] = Math.round(background.b + (255 - background.b) * a);
        rgba[i + 3] = 255;
      } else {
        rgba[i] = 255;
        rgba[i + 1] = 255;
        rgba[i + 2] = 255;
        rgba[i + 3] = Math.round(255 * a);
      }
    }
  }
  return encodePng(size, size, rgba);
}

export function renderIcons(): { color: Buffer; outline: Buffer } {
  return { color: drawIcon(192, ACCENT, 0.8), outline: drawIcon(32, undefined, 1.05) };
}

if (require.main === module) {
  const { color, outline } = renderIcons();
  writeFileSync(join(MANIFEST_DIR, 'color.png'), color);
  writeFileSync(join(MANIFEST_DIR, 'outline.png'), outline);
  console.log(`Wrote ${join(MANIFEST_DIR, 'color.png')} (192×192) and ${join(MANIFEST_DIR, 'outline.png')} (32×32).`);
}
