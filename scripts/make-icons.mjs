// Draws Ferry's icons and writes them as PNG files, with nothing but node:zlib to encode them.
//
//   node scripts/make-icons.mjs
//
// Shapes are signed distance functions in unit coordinates (0..1, y down); a pixel's coverage
// comes from its distance to the edge, which anti-aliases every size from the same drawing.
// Outputs: build/icon.png (packaging input) and build/tray/*.png, plus the runtime copies the main
// process loads, under electron/resources/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const root = join(import.meta.dirname, '..');

/** @typedef {[number, number, number]} Rgb */
/** @typedef {(x: number, y: number) => number} Sdf */

// ── Shapes ───────────────────────────────────────────────────────────────────────────────────────

/** @type {(cx: number, cy: number, r: number) => Sdf} */
const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;

/** @type {(cx: number, cy: number, halfWidth: number, halfHeight: number, r: number) => Sdf} */
const roundBox = (cx, cy, hw, hh, r) => (x, y) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};

/**
 * A segment with round ends, `r` thick on each side.
 * @type {(ax: number, ay: number, bx: number, by: number, r: number) => Sdf}
 */
const capsule = (ax, ay, bx, by, r) => (x, y) => {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const h = Math.min(Math.max((px * dx + py * dy) / (dx * dx + dy * dy), 0), 1);
  return Math.hypot(px - dx * h, py - dy * h) - r;
};

/** Any simple polygon (Inigo Quilez's sdPolygon). @type {(points: [number, number][]) => Sdf} */
const polygon = (points) => (x, y) => {
  const first = /** @type {[number, number]} */ (points[0]);
  let d = (x - first[0]) ** 2 + (y - first[1]) ** 2;
  let sign = 1;
  for (let i = 0, j = points.length - 1; i < points.length; j = i, i += 1) {
    const [vix, viy] = /** @type {[number, number]} */ (points[i]);
    const [vjx, vjy] = /** @type {[number, number]} */ (points[j]);
    const ex = vjx - vix;
    const ey = vjy - viy;
    const wx = x - vix;
    const wy = y - viy;
    const h = Math.min(Math.max((wx * ex + wy * ey) / (ex * ex + ey * ey), 0), 1);
    d = Math.min(d, (wx - ex * h) ** 2 + (wy - ey * h) ** 2);
    const c1 = y >= viy;
    const c2 = y < vjy;
    const c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) sign = -sign;
  }
  return sign * Math.sqrt(d);
};

/**
 * An arc of radius `radius` around (cx, cy) from angle `from` to `to` (radians, clockwise on screen
 * as y points down), `r` thick on each side, with round ends.
 * @type {(cx: number, cy: number, radius: number, from: number, to: number, r: number) => Sdf}
 */
const arc = (cx, cy, radius, from, to, r) => (x, y) => {
  const angle = Math.atan2(y - cy, x - cx);
  const within = (((angle - from) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI) <= to - from;
  if (within) return Math.abs(Math.hypot(x - cx, y - cy) - radius) - r;
  const end = (/** @type {number} */ at) =>
    Math.hypot(x - cx - radius * Math.cos(at), y - cy - radius * Math.sin(at));
  return Math.min(end(from), end(to)) - r;
};

/**
 * A wave line under the hull: distance to a sine curve, clipped to its span.
 * @type {(from: number, to: number, baseline: number, amplitude: number, thickness: number) => Sdf}
 */
const wave = (from, to, baseline, amplitude, thickness) => (x, y) => {
  const curve = baseline + amplitude * Math.sin((x - from) * Math.PI * 5);
  const alongSpan = Math.abs(x - (from + to) / 2) - (to - from) / 2;
  return Math.max(Math.abs(y - curve) * 0.8 - thickness, alongSpan);
};

/** @type {(...shapes: Sdf[]) => Sdf} */
const union =
  (...shapes) =>
  (x, y) =>
    Math.min(...shapes.map((shape) => shape(x, y)));
/** @type {(shape: Sdf, hole: Sdf) => Sdf} */
const subtract = (shape, hole) => (x, y) => Math.max(shape(x, y), -hole(x, y));
/** @type {(shape: Sdf, by: number) => Sdf} */
const grow = (shape, by) => (x, y) => shape(x, y) - by;
/** Draws `shape` into the square [offset, offset + scale]. @type {(shape: Sdf, offset: number, scale: number) => Sdf} */
const place = (shape, offset, scale) => (x, y) => shape((x - offset) / scale, (y - offset) / scale) * scale;

// ── The ferry ───────────────────────────────────────────────────────────────────────────────────

const hull = polygon([
  [0.08, 0.56],
  [0.92, 0.56],
  [0.76, 0.78],
  [0.24, 0.78],
]);
const cabin = roundBox(0.45, 0.47, 0.18, 0.11, 0.03);
const boat = union(hull, cabin, wave(0.1, 0.9, 0.89, 0.025, 0.04));
const portholes = union(roundBox(0.37, 0.46, 0.045, 0.04, 0.015), roundBox(0.53, 0.46, 0.045, 0.04, 0.015));
const funnel = roundBox(0.54, 0.3, 0.045, 0.08, 0.015);
const detailedBoat = union(subtract(boat, portholes), funnel);

// ── Tray states: a badge in the free top-right corner ───────────────────────────────────────────

/** @type {Record<string, { badge?: Sdf; color?: Rgb }>} */
const trayStates = {
  idle: {},
  connected: { badge: circle(0.8, 0.2, 0.15), color: [46, 184, 114] },
  // A telephone handset: a call in progress.
  'in-call': {
    badge: union(
      arc(0.88, 0.13, 0.17, Math.PI * 0.28, Math.PI * 1.22, 0.045),
      circle(0.88 + 0.17 * Math.cos(Math.PI * 0.28), 0.13 + 0.17 * Math.sin(Math.PI * 0.28), 0.075),
      circle(0.88 + 0.17 * Math.cos(Math.PI * 1.22), 0.13 + 0.17 * Math.sin(Math.PI * 1.22), 0.075),
    ),
    color: [229, 72, 77],
  },
  // A downward arrow: files arriving.
  receiving: {
    badge: union(
      capsule(0.8, 0.04, 0.8, 0.22, 0.05),
      polygon([
        [0.65, 0.2],
        [0.95, 0.2],
        [0.8, 0.38],
      ]),
    ),
    color: [245, 165, 36],
  },
};

// ── Painting ────────────────────────────────────────────────────────────────────────────────────

/**
 * A layer paints `color` where `shape` is, with `opacity` of its own; layers are composited in
 * order ("over"). `color` may depend on the position (gradients).
 * @typedef {{ shape: Sdf; color: (x: number, y: number) => Rgb }} Layer
 */

/** @param {number} size @param {Layer[]} layers @returns {Uint8Array} RGBA pixels */
function paint(size, layers) {
  const pixels = new Uint8Array(size * size * 4);
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      const x = (col + 0.5) / size;
      const y = (row + 0.5) / size;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const layer of layers) {
        // Coverage from the distance to the edge, measured in pixels.
        const coverage = Math.min(Math.max(0.5 - layer.shape(x, y) * size, 0), 1);
        if (coverage === 0) continue;
        const [lr, lg, lb] = layer.color(x, y);
        r = lr * coverage + r * (1 - coverage);
        g = lg * coverage + g * (1 - coverage);
        b = lb * coverage + b * (1 - coverage);
        a = coverage + a * (1 - coverage);
      }
      const at = (row * size + col) * 4;
      // r, g, b are premultiplied by a here; PNG wants straight alpha.
      pixels[at] = a > 0 ? Math.round(r / a) : 0;
      pixels[at + 1] = a > 0 ? Math.round(g / a) : 0;
      pixels[at + 2] = a > 0 ? Math.round(b / a) : 0;
      pixels[at + 3] = Math.round(a * 255);
    }
  }
  return pixels;
}

/** @param {Rgb} rgb */
const solid = (rgb) => () => rgb;
const WHITE = solid([255, 255, 255]);
const BLACK = solid([0, 0, 0]);
const BRAND = solid([27, 127, 158]);
/** Teal at the top to deep blue at the bottom. */
const brandGradient = (/** @type {number} */ _x, /** @type {number} */ y) =>
  /** @type {Rgb} */ ([31 - 2 * y, 166 - 71 * y, 160 + 8 * y].map(Math.round));

function appIcon() {
  const tile = roundBox(0.5, 0.5, 0.44, 0.44, 0.2);
  return [
    { shape: tile, color: brandGradient },
    { shape: place(detailedBoat, 0.2, 0.6), color: WHITE },
  ];
}

/** Black glyph on transparent: macOS tints `…Template.png` images for light and dark menu bars. */
function templateTray(/** @type {string} */ state) {
  const { badge } = trayStates[state] ?? {};
  const glyph = badge === undefined ? boat : union(subtract(boat, grow(badge, 0.08)), badge);
  return [{ shape: glyph, color: BLACK }];
}

/**
 * White glyph on a brand-coloured tile, readable on light and dark taskbars and panels (Windows,
 * Linux), with the state as a coloured badge ringed in white.
 */
function colouredTray(/** @type {string} */ state) {
  const { badge, color } = trayStates[state] ?? {};
  /** @type {Layer[]} */
  const layers = [
    { shape: roundBox(0.5, 0.5, 0.48, 0.48, 0.2), color: BRAND },
    { shape: place(boat, 0.12, 0.76), color: WHITE },
  ];
  if (badge !== undefined && color !== undefined) {
    const dot = circle(0.8, 0.2, 0.19);
    layers.push({ shape: grow(dot, 0.06), color: WHITE }, { shape: dot, color: solid(color) });
  }
  return layers;
}

// ── PNG encoding ────────────────────────────────────────────────────────────────────────────────

/** @param {string} type @param {Uint8Array} data */
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const framed = Buffer.alloc(body.length + 8);
  framed.writeUInt32BE(data.length, 0);
  body.copy(framed, 4);
  framed.writeUInt32BE(crc32(body), body.length + 4);
  return framed;
}

/** @param {number} size @param {Uint8Array} rgba */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit depth, RGBA, deflate, no filter method, no interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let row = 0; row < size; row += 1) {
    raw[row * (stride + 1)] = 0; // filter type: none
    raw.set(rgba.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

// ── Output ──────────────────────────────────────────────────────────────────────────────────────

/** @param {string[]} paths @param {number} size @param {Layer[]} layers */
function write(paths, size, layers) {
  const png = encodePng(size, paint(size, layers));
  for (const path of paths) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, png);
    console.log(`${path} (${size}×${size}, ${png.length} bytes)`);
  }
}

write(['build/icon.png', 'electron/resources/icon.png'], 512, appIcon());
for (const state of Object.keys(trayStates)) {
  // macOS menu bar: 16 pt, with a @2x image for Retina screens.
  // Windows notification area: 16 px at 100 %, @2x at 200 %. Linux panels: 22–32 px, so 32 (@2x 64).
  /** @type {[string, number, Layer[]][]} */
  const variants = [
    [`${state}Template.png`, 16, templateTray(state)],
    [`${state}Template@2x.png`, 32, templateTray(state)],
    [`${state}.png`, 16, colouredTray(state)],
    [`${state}@2x.png`, 32, colouredTray(state)],
    [`${state}-32.png`, 32, colouredTray(state)],
    [`${state}-32@2x.png`, 64, colouredTray(state)],
  ];
  for (const [name, size, layers] of variants) {
    write([`build/tray/${name}`, `electron/resources/tray/${name}`], size, layers);
  }
}
