/**
 * LOLWUT (lolwut.c, lolwut5.c, lolwut6.c): computer art and the version. 7.0.15 answers with
 * "Redis ver. 7.0.15" unless VERSION picks 5 (Georg Nees's Schotter, drawn in Braille
 * characters) or 6 (a city skyline in terminal colours). The pictures are random, as Redis's
 * (rand()); strings are bytes, so the Braille characters go out as their three UTF-8 bytes.
 */
import { register } from './commands.ts';
import { get_ll } from './cmdutil.ts';
import type { Client } from './networking.ts';

const VERSION = '7.0.15';
const RAND_MAX = 0x7fffffff;
const rand = (): number => Math.floor(Math.random() * (RAND_MAX + 1));
const f32 = Math.fround;

/** lwCanvas: one byte per pixel (a colour index). */
class Canvas {
  readonly pixels: Uint8Array;
  constructor(readonly width: number, readonly height: number, bg: number) { this.pixels = new Uint8Array(width * height).fill(bg); }
  draw(x: number, y: number, color: number): void { if (x >= 0 && x < this.width && y >= 0 && y < this.height) this.pixels[x + y * this.width] = color; }
  get(x: number, y: number): number { return x < 0 || x >= this.width || y < 0 || y >= this.height ? 0 : this.pixels[x + y * this.width]; }

  /** lwDrawLine: Bresenham. */
  line(x1: number, y1: number, x2: number, y2: number, color: number): void {
    const dx = Math.abs(x2 - x1), dy = Math.abs(y2 - y1), sx = x1 < x2 ? 1 : -1, sy = y1 < y2 ? 1 : -1;
    for (let err = dx - dy; ;) {
      this.draw(x1, y1, color);
      if (x1 === x2 && y1 === y2) break;
      const e2 = err * 2;
      if (e2 > -dy) { err -= dy; x1 += sx; }
      if (e2 < dx) { err += dx; y1 += sy; }
    }
  }

  /** lwDrawSquare: a square of side `size` centred on (x, y), turned by `angle` (C floats). */
  square(x: number, y: number, size: number, angle: number, color: number): void {
    size = Math.round(f32(size / 1.4142135623));
    const px: number[] = [], py: number[] = [];
    let k = f32(Math.PI / 4 + angle);
    for (let j = 0; j < 4; j++) {
      px.push(Math.round(Math.sin(k) * size + x));
      py.push(Math.round(Math.cos(k) * size + y));
      k = f32(k + Math.PI / 2);
    }
    for (let j = 0; j < 4; j++) this.line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
  }
}

/** lwDrawSchotter: squares in rows, turned and shifted more at random the lower the row. */
function schotter(cols: number, per_row: number, per_col: number): Canvas {
  const width = cols * 2, padding = width > 4 ? 2 : 0;
  const side = f32((width - padding * 2) / per_row);
  const canvas = new Canvas(width, Math.trunc(f32(side * per_col) + padding * 2), 0);
  for (let y = 0; y < per_col; y++) {
    for (let x = 0; x < per_row; x++) {
      let sx = Math.trunc(f32(f32(x * side) + f32(side / 2)) + padding), sy = Math.trunc(f32(f32(y * side) + f32(side / 2)) + padding);
      let angle = 0;
      if (y > 1) {
        let r1 = f32(f32(rand() / RAND_MAX) / per_col * y), r2 = f32(f32(rand() / RAND_MAX) / per_col * y), r3 = f32(f32(rand() / RAND_MAX) / per_col * y);
        if (rand() % 2) r1 = -r1;
        if (rand() % 2) r2 = -r2;
        if (rand() % 2) r3 = -r3;
        angle = r1;
        sx = Math.trunc(sx + f32(r2 * side / 3));
        sy = Math.trunc(sy + f32(r3 * side / 3));
      }
      canvas.square(sx, sy, side, angle, 1);
    }
  }
  return canvas;
}

/** lolwut5's renderCanvas: 2×4 pixels per Braille character (U+2800 + bits), as UTF-8 bytes. */
function render_braille(c: Canvas): string {
  let s = '';
  for (let y = 0; y < c.height; y += 4) {
    for (let x = 0; x < c.width; x += 2) {
      const bits = c.get(x, y) | (c.get(x, y + 1) << 1) | (c.get(x, y + 2) << 2) | (c.get(x + 1, y) << 3) | (c.get(x + 1, y + 1) << 4)
        | (c.get(x + 1, y + 2) << 5) | (c.get(x, y + 3) << 6) | (c.get(x + 1, y + 3) << 7);
      const code = 0x2800 + bits;
      s += String.fromCharCode(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
    if (y !== c.height - 1) s += '\n';
  }
  return s;
}

const COLOURS = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];

/** lolwut6's renderCanvas: one coloured space per pixel. */
function render_colours(c: Canvas): string {
  let s = '';
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) s += `\x1b[${COLOURS[c.get(x, y)] ?? COLOURS[0]} \x1b[0m`;
    if (y !== c.height - 1) s += '\n';
  }
  return s;
}

interface Skyscraper { xoff: number; width: number; height: number; windows: boolean; color: number }

function skyscraper(c: Canvas, si: Skyscraper): void {
  const starty = c.height - 1, endy = starty - si.height + 1;
  for (let y = starty; y >= endy; y--) {
    for (let x = si.xoff; x < si.xoff + si.width; x++) {
      if (y === endy && (x <= si.xoff + 1 || x >= si.xoff + si.width - 2)) continue; // the roof is four pixels narrower
      let color = si.color;
      if (si.windows && x > si.xoff + 1 && x < si.xoff + si.width - 2 && y > endy + 1 && y < starty - 1) {
        const relx = x - (si.xoff + 1), rely = y - (endy + 1);
        if (Math.trunc(relx / 2) % 2 && rely % 2) {
          do color = 1 + (rand() % 2); while (color === si.color);
          if (relx % 2) color = c.get(x - 1, y); // a window is two pixels wide
        }
      }
      c.draw(x, y, color);
    }
  }
}

/** generateSkyline: two grays of windowless towers behind, black towers with windows in front. */
function skyline(c: Canvas): void {
  const h = c.height;
  for (let color = 2; color >= 1; color--) {
    for (let offset = -10; offset < c.width;) {
      offset += rand() % 8;
      const width = 10 + (rand() % 9);
      const height = Math.trunc(h / 2) + Math.trunc((rand() % h) / (color === 2 ? 2 : 3));
      skyscraper(c, { xoff: offset, width, height, windows: false, color });
      offset += color === 2 ? Math.trunc(width / 2) : width + 1;
    }
  }
  for (let offset = -10; offset < c.width;) {
    offset += rand() % 8;
    let width = 5 + (rand() % 14);
    if (width % 4) width += width % 3;
    const height = Math.trunc(h / 3) + Math.trunc((rand() % h) / 2);
    skyscraper(c, { xoff: offset, width, height, windows: true, color: 0 });
    offset += width + 5;
  }
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** The optional integer arguments (getLongFromObjectOrReply), clamped to [lo, hi]; null after an error reply. */
function longs(c: Client, args: string[], defaults: number[], lo: number, hi: number): number[] | null {
  const out = [...defaults];
  for (let i = 0; i < defaults.length && i < args.length; i++) {
    const v = get_ll(c, args[i]);
    if (v === null) return null;
    out[i] = clamp(typeof v === 'bigint' ? (v > 0n ? hi : lo) : v, lo, hi);
  }
  return out;
}

function lolwut(c: Client): void {
  let v = VERSION, args = c.argv.slice(1);
  if (args.length >= 2 && args[0].toLowerCase() === 'version') {
    const ver = get_ll(c, args[1]);
    if (ver === null) return;
    v = `${typeof ver === 'bigint' ? BigInt.asUintN(32, ver) : ver >>> 0}.0.0`; // snprintf("%u.0.0", (unsigned int)ver)
    args = args.slice(2);
  }
  if ((v[0] === '5' && v[1] === '.' && v[2] !== '9') || (v[0] === '4' && v[1] === '.' && v[2] === '9')) {
    const a = longs(c, args, [66, 8, 12], 1, 1000);
    if (!a) return;
    const art = render_braille(schotter(a[0], Math.min(a[1], 200), Math.min(a[2], 200)));
    c.reply.verbatim(`${art}\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${VERSION}\n`);
  } else if ((v[0] === '6' && v[1] === '.' && v[2] !== '9') || (v[0] === '5' && v[1] === '.' && v[2] === '9')) {
    const a = longs(c, args, [80, 20], 1, 1000);
    if (!a) return;
    const canvas = new Canvas(a[0], a[1], 3);
    skyline(canvas);
    c.reply.verbatim(`${render_colours(canvas)}\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. ${VERSION}\n`);
  } else c.reply.verbatim(`Redis ver. ${VERSION}\n`);
}

register('server', [['lolwut', -1, 'readonly fast nokeys', lolwut]]);
