// Training kernels for the WebAssembly backend, composed from its fast (XNNPACK-backed) kernels.
//
// Stock @tensorflow/tfjs-backend-wasm 4.22 cannot train the lecture's CNNs at a usable speed:
//   Conv2DBackpropFilter  missing (tfjs #8474): no convolution trains at all
//   Conv2DBackpropInput   a plain C++ loop, about 10× slower than a Conv2D of the same size
//   DepthwiseConv2dNativeBackpropFilter / …BackpropInput  missing: MobileNet (06) cannot train
//   BatchMatMul           only the untransposed 2-D product goes to XNNPACK; transposeA / transposeB
//                         (every matMul gradient: dx = dy·Wᵀ, dW = xᵀ·dy) fall to a plain triple loop
//   MaxPoolGrad           slow, and wrong for windows without a positive value (see maxPoolGrad below)
//   Tile                  per-element index arithmetic; batch norm's gradient tiles a lot (see makeTile)
//   Sum                   over leading axes (every bias gradient) it transposes first (see makeSum)
//   Identity              copies its input (tf.clone, gradients passed through)
// registerWasmTrainingKernels() (called by backend.ts right after tf.setBackend("wasm")) registers
// replacements: the convolution gradients and the matMul become XNNPACK's Conv2D, DepthwiseConv2dNative
// or fully-connected kernel plus cheap layout changes (Transpose, Reshape, Reverse, PadV2, Slice, Sum);
// MaxPoolGrad, Tile, Sum and a small layer's im2col are loops / block copies on the WebAssembly heap.
// They run inside the backend on TensorInfos: no tape, no tidy, no extra gradient bookkeeping.
// The rest of training is left to stock kernels: the ReLU, sigmoid, log-softmax, dropout and
// batch-norm gradients are composed by tfjs-core from elementwise kernels wasm has (Step, Multiply,
// Sub, Exp, Sum, ...). _FusedMatMul with transposed operands stays slow (the lecture does not use it).
// Shapes: images NHWC [N, H, W, C]; filters [kh, kw, inC, outC] (depthwise: [kh, kw, C, multiplier]);
// dy [N, OH, OW, outC]. Dilations other than 1 and NCHW are refused with an error, never computed.
import * as tf from "@tensorflow/tfjs";

type Info = tf.TensorInfo;
type Backend = tf.KernelBackend;
/** The two BackendWasm methods MaxPoolGrad and Tile use to work on the WebAssembly heap directly. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}
type Attrs = tf.NamedAttrMap;

/** Calls a kernel already registered for wasm (its setup ran when the backend started). */
function kernel(name: string): (inputs: Record<string, Info>, backend: Backend, attrs?: Attrs) => Info {
  const k = tf.getKernel(name, "wasm");
  if (!k) throw new Error(`wasm backend has no ${name} kernel`);
  return (inputs, backend, attrs = {}) =>
    k.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs }) as Info;
}

/** Frees intermediate results (the kernels below own what they create). */
function free(backend: Backend, ...infos: Info[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

const reshape = (backend: Backend, x: Info, shape: number[]) => kernel("Reshape")({ x }, backend, { shape });

/**
 * Wasm's Transpose, after merging axes that stay neighbours (wasm's kernel walks element by element,
 * and a lower rank is about twice as fast): x [N, H, W, C] with perm [1, 2, 0, 3] is moved as
 * [N, H·W, C] with perm [1, 0, 2].
 */
function transpose(backend: Backend, x: Info, perm: number[]): Info {
  const groups: number[][] = []; // runs of input axes that appear consecutively in perm
  for (const a of perm) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === a) last.push(a);
    else groups.push([a]);
  }
  const byStart = [...groups].sort((g, h) => g[0] - h[0]);
  const merged = byStart.map((g) => g.reduce((n, a) => n * x.shape[a], 1));
  const mergedPerm = groups.map((g) => byStart.indexOf(g));
  const outShape = perm.map((a) => x.shape[a]);
  const r = reshape(backend, x, merged);
  const t = kernel("Transpose")({ x: r }, backend, { perm: mergedPerm });
  const out = reshape(backend, t, outShape);
  free(backend, r, t);
  return out;
}

/**
 * Applies per-side paddings [top, bottom, left, right] of an NHWC tensor that a convolution should
 * see: negative ones crop rows/columns here (Slice), the rest are returned for Conv2D's own padding.
 */
function cropNegative(backend: Backend, x: Info, pads: number[]): { x: Info; pads: number[]; owned: boolean } {
  if (pads.every((p) => p >= 0)) return { x, pads, owned: false };
  const [t, b, l, r] = pads.map((p) => Math.max(0, -p));
  const [n, h, w, c] = x.shape;
  const y = kernel("Slice")({ x }, backend, { begin: [0, t, l, 0], size: [n, h - t - b, w - l - r, c] });
  return { x: y, pads: pads.map((p) => Math.max(0, p)), owned: true };
}

/**
 * Wasm's Conv2D (XNNPACK) with explicit paddings [top, bottom, left, right], stride 1; with
 * `depthwise`, its DepthwiseConv2dNative (filter [kh, kw, C, multiplier]) instead.
 */
function conv(backend: Backend, x: Info, filter: Info, pads: number[], dilations: [number, number] = [1, 1], depthwise = false): Info {
  const c = cropNegative(backend, x, pads);
  const [t, b, l, r] = c.pads;
  const y = kernel(depthwise ? "DepthwiseConv2dNative" : "Conv2D")({ x: c.x, filter }, backend, {
    strides: [1, 1],
    pad: [[0, 0], [t, b], [l, r], [0, 0]],
    dataFormat: "NHWC",
    dilations,
  });
  if (c.owned) free(backend, c.x);
  return y;
}

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs, depthwise = false) {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new Error(`wasm conv gradients support NHWC only, got ${attrs.dataFormat}`);
  }
  const d = attrs.dilations as number | number[] | undefined;
  if (d !== undefined && [d].flat().some((v) => v !== 1)) {
    throw new Error(`wasm conv gradients support dilations 1 only, got ${d}`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as "valid" | "same" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    depthwise,
  );
}

/**
 * Paddings [top, bottom, left, right] of x as the forward convolution read it: rows/columns of padded x up to
 * (OH−1)·s + kh; bottom/right are negative where the last rows/columns of x were never read.
 */
function readPads(info: tf.backend_util.Conv2DInfo, h: number, w: number): number[] {
  const { top, left } = info.padInfo;
  const bottom = (info.outHeight - 1) * info.strideHeight + info.filterHeight - h - top;
  const right = (info.outWidth - 1) * info.strideWidth + info.filterWidth - w - left;
  return [top, bottom, left, right];
}

/**
 * Conv2DBackpropFilter (missing in stock wasm): dW[i,j,ci,co] = Σ_{n,oh,ow} x[n, oh·s+i−pt, ow·s+j−pl, ci] · dy[n,oh,ow,co].
 * That is itself a convolution once batch and channels swap places: the "image" is x as
 * [inC, H, W, N], the "filter" is dy as [OH, OW, N, outC] dilated by the forward stride, and the
 * output [inC, kh, kw, outC] is dW up to a transpose. One XNNPACK call does all the arithmetic.
 * (A pointwise layer and a layer with kh·kw·inC ≤ 16 take one matMul instead, see below.)
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const [, h, w] = x.shape;
  const [top, bottom, left, right] = readPads(info, h, w);
  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && [top, bottom, left, right].every((p) => p === 0)) {
    // a pointwise convolution (MobileNet's): dW = xᵀ·dy over all N·H·W positions, one matMul (about 10× faster)
    const [inC, outC] = [x.shape[3], dy.shape[3]];
    const x2 = reshape(backend, x, [x.shape[0] * h * w, inC]), dy2 = reshape(backend, dy, [x.shape[0] * h * w, outC]);
    const m = kernel("BatchMatMul")({ a: x2, b: dy2 }, backend, { transposeA: true, transposeB: false }); // [inC, outC]
    const dW = reshape(backend, m, [1, 1, inC, outC]);
    free(backend, x2, dy2, m);
    return dW;
  }
  if (kh * kw * x.shape[3] <= 16) return filterGradIm2col(backend, x, dy, info);
  let xT = transpose(backend, x, [3, 1, 2, 0]); // [inC, H, W, N]
  let dyT = transpose(backend, dy, [1, 2, 0, 3]); // [OH, OW, N, outC]
  if (((oh * ow * x.shape[0]) & 255) === 0 && ((oh * ow * (x.shape[0] + 1)) & 255) !== 0) {
    // tfjs reorders the filter HWIO → OHWI before XNNPACK packs it, writing with a stride of OH·OW·N floats; a
    // multiple of 1 KiB makes those writes fight over the same cache sets (conv2 of the lecture: N = 100, 24·24·100
    // floats: 22 ms instead of 14). One zero "image" more, in both operands, changes nothing in the sum.
    const padOne = (t: Info, axis: number) =>
      kernel("PadV2")({ x: t }, backend, { paddings: t.shape.map((_, a) => [0, a === axis ? 1 : 0]), constantValue: 0 });
    const [xP, dyP] = [padOne(xT, 3), padOne(dyT, 2)]; // N is xT's last axis and dyT's third
    free(backend, xT, dyT);
    [xT, dyT] = [xP, dyP];
  }
  const g = conv(backend, xT, dyT, [top, bottom, left, right], [sh, sw]); // [inC, kh, kw, outC]
  const dW = transpose(backend, g, [1, 2, 0, 3]); // [kh, kw, inC, outC]
  free(backend, xT, dyT, g);
  return dW;
}

/**
 * The filter gradient of a convolution with few inputs per output (kh·kw·inC ≤ 16: the lecture's first layer, 3·3·1)
 * as one product dW [kh·kw·inC, outC] = colsᵀ · dy [N·OH·OW, outC], cols [N·OH·OW, kh·kw·inC] being every window
 * of x as a row (im2col, written here in JavaScript: 0.6 M numbers for that layer), multiplied by the transposed
 * matMul below (makeBatchMatMul). The convolution form above would have only kh·kw·inC = 9 output pixels to share
 * out between threads and would repack all of dy (first layer: 8.4 ms that way, 3.4 ms this way).
 */
function filterGradIm2col(backend: Backend, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const [n, h, w, c] = x.shape;
  const outC = dy.shape[3], k = kh * kw * c, rows = n * oh * ow;
  const heap = backend as unknown as WasmHeap;
  const colsInfo = heap.makeOutput([1, rows, k], "float32");
  const src = heap.typedArrayFromHeap(x), cols = heap.typedArrayFromHeap(colsInfo); // views after the allocation
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let z = 0; z < ow; z++) {
        for (let i = 0; i < kh; i++) {
          const hh = y * sh - top + i;
          for (let j = 0; j < kw; j++) {
            const ww = z * sw - left + j;
            const inside = hh >= 0 && hh < h && ww >= 0 && ww < w;
            const base = ((b * h + hh) * w + ww) * c;
            for (let ci = 0; ci < c; ci++) cols[o++] = inside ? src[base + ci] : 0;
          }
        }
      }
    }
  }
  const cols2 = reshape(backend, colsInfo, [rows, k]), dy2 = reshape(backend, dy, [rows, outC]);
  const g = kernel("BatchMatMul")({ a: cols2, b: dy2 }, backend, { transposeA: true, transposeB: false }); // [k, outC]
  const dW = reshape(backend, g, [kh, kw, c, outC]);
  free(backend, colsInfo, cols2, dy2, g);
  return dW;
}

/** dy [N, OH, OW, C] with sh−1 zero rows and sw−1 zero columns after each: [N, OH·sh, OW·sw, C] (dy itself for stride 1). */
function zeroStuff(backend: Backend, dy: Info, sh: number, sw: number): Info {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const r = reshape(backend, dy, [n, oh, 1, ow, 1, c]);
  const p = kernel("PadV2")({ x: r }, backend, {
    paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
    constantValue: 0,
  }); // [N, OH, sh, OW, sw, C]
  const d = reshape(backend, p, [n, oh * sh, ow * sw, c]);
  free(backend, r, p);
  return d;
}

/**
 * Paddings of the zero-stuffed dy (dh × dw) for the "full" correlation that gives an input gradient
 * of H × W: dx[h] = Σ_i dy_dilated[h + pt − i] · W[i], so kh−1−pt on top and whatever makes H rows at
 * the bottom (negative: rows cropped).
 */
function fullPads(info: tf.backend_util.Conv2DInfo, h: number, w: number, dh: number, dw: number) {
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  return { top, left, bottom: h + info.filterHeight - 1 - dh - top, right: w + info.filterWidth - 1 - dw - left };
}

/**
 * Conv2DBackpropInput (stock: a plain loop): dx is the "full" correlation of dy with the filter
 * rotated by 180° and its in/out channels swapped. For stride s > 1, dy first gets s−1 zeros
 * between its rows and columns (what a transposed convolution does).
 */
function conv2DBackpropInput({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }): Info {
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const inputShape = attrs.inputShape as number[];
  const info = convInfo(inputShape, filter.shape, attrs);
  const [, h, w] = inputShape;
  const d = zeroStuff(backend, dy, info.strideHeight, info.strideWidth);
  const { top, bottom, left, right } = fullPads(info, h, w, d.shape[1], d.shape[2]);
  const rev = kernel("Reverse")({ x: filter }, backend, { dims: [0, 1] }); // rotated by 180°
  const wT = transpose(backend, rev, [0, 1, 3, 2]); // [kh, kw, outC, inC]
  const dx = conv(backend, d, wT, [top, bottom, left, right]); // [N, H, W, inC]
  free(backend, rev, wT);
  if (d !== dy) free(backend, d);
  return dx;
}

/**
 * DepthwiseConv2dNativeBackpropInput (missing in stock wasm). Filter [kh, kw, C, M] (M: channel
 * multiplier), dy [N, OH, OW, C·M] with channel c·M+m. As for conv2DBackpropInput, dx is the "full"
 * correlation of the (for stride > 1, zero-stuffed) dy with the filter rotated by 180°, but channel by
 * channel: dx[n,h,w,c] = Σ_m Σ_{i,j} dy_dilated[n, h+pt−i, w+pl−j, c·M+m] · W[i,j,c,m]. The filter seen
 * as [kh, kw, C·M, 1] makes that one depthwise convolution over C·M channels (multiplier 1); for M > 1
 * the M results of each input channel are then summed.
 */
function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }): Info {
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const inputShape = attrs.inputShape as number[];
  const info = convInfo(inputShape, filter.shape, attrs, true);
  const [kh, kw, c, m] = filter.shape;
  const [n, h, w] = inputShape;
  const d = zeroStuff(backend, dy, info.strideHeight, info.strideWidth);
  const { top, bottom, left, right } = fullPads(info, h, w, d.shape[1], d.shape[2]);
  const rev = kernel("Reverse")({ x: filter }, backend, { dims: [0, 1] }); // rotated by 180°
  const wR = reshape(backend, rev, [kh, kw, c * m, 1]);
  const g = conv(backend, d, wR, [top, bottom, left, right], [1, 1], true); // [N, H, W, C·M]
  free(backend, rev, wR);
  if (d !== dy) free(backend, d);
  if (m === 1) return g;
  const g5 = reshape(backend, g, [n, h, w, c, m]);
  const dx = kernel("Sum")({ x: g5 }, backend, { axis: [4], keepDims: false }); // [N, H, W, C]
  free(backend, g, g5);
  return dx;
}

/**
 * DepthwiseConv2dNativeBackpropFilter (missing in stock wasm):
 * dW[i,j,c,m] = Σ_{n,oh,ow} x[n, oh·s+i−pt, ow·s+j−pl, c] · dy[n,oh,ow,c·M+m].
 * With every (n, c) pair as a channel of its own this is one depthwise convolution: the "image" is x
 * as [1, H, W, N·C], the "filter" is dy as [OH, OW, N·C, M] dilated by the forward stride, and the
 * output [1, kh, kw, N·C·M] summed over n is dW.
 */
function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const filterShape = attrs.filterShape as number[];
  const info = convInfo(x.shape, filterShape, attrs, true);
  const [n, h, w, c] = x.shape;
  const [kh, kw, , m] = filterShape;
  const [, oh, ow] = dy.shape;
  const { strideHeight: sh, strideWidth: sw } = info;
  const [top, bottom, left, right] = readPads(info, h, w);
  const xT = transpose(backend, x, [1, 2, 0, 3]); // [H, W, N, C]
  const xR = reshape(backend, xT, [1, h, w, n * c]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]); // [OH, OW, N, C·M]
  const dyR = reshape(backend, dyT, [oh, ow, n * c, m]);
  const g = conv(backend, xR, dyR, [top, bottom, left, right], [sh, sw], true); // [1, kh, kw, N·C·M]
  free(backend, xT, xR, dyT, dyR);
  const g4 = reshape(backend, g, [kh, kw, n, c * m]);
  const s = kernel("Sum")({ x: g4 }, backend, { axis: [2], keepDims: false }); // [kh, kw, C·M]
  const dW = reshape(backend, s, filterShape);
  free(backend, g, g4, s);
  return dW;
}

/**
 * BatchMatMul with transposeA / transposeB (stock: a plain loop unless neither is set, because only
 * the untransposed product goes to XNNPACK's fully-connected kernel). matMul's gradients are exactly
 * these products: for y = x·W, dx = dy·Wᵀ and dW = xᵀ·dy. The operand is transposed explicitly and
 * XNNPACK multiplies; of the two equivalent forms C = op(A)·op(B) and C = (op(B)ᵀ·op(A)ᵀ)ᵀ the one
 * that copies fewer elements is used (XNNPACK also copies its right operand once, to pack it).
 * E.g. fc1's dx = dy[100,128]·W[9216,128]ᵀ is computed as (W·dyᵀ)ᵀ: 0.9 M copied instead of 2.4 M.
 */
function makeBatchMatMul(stock: tf.KernelFunc) {
  const swapLast = (backend: Backend, t: Info) => {
    const perm = t.shape.map((_, i) => i); // [0, 1, ..., r−1] → [0, ..., r−3, r−1, r−2]
    perm.push(...perm.splice(-2).reverse());
    return transpose(backend, t, perm);
  };
  /** op(a)·op(b) with explicit transposes. */
  const direct = (backend: Backend, a: Info, b: Info, tA: boolean, tB: boolean): Info => {
    const a2 = tA ? swapLast(backend, a) : a; // [..., M, K]
    const b2 = tB ? swapLast(backend, b) : b; // [..., K, N]
    const out = stock({ inputs: { a: a2, b: b2 }, backend, attrs: { transposeA: false, transposeB: false } }) as Info;
    if (a2 !== a) free(backend, a2);
    if (b2 !== b) free(backend, b2);
    return out;
  };
  return ({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }): Info => {
    const { a, b } = inputs as { a: Info; b: Info };
    const tA = !!attrs.transposeA, tB = !!attrs.transposeB;
    if (!tA && !tB) return stock({ inputs, backend, attrs }) as Info;
    const size = (t: Info) => t.shape.reduce((p, d) => p * d, 1);
    if (a.shape.length !== 2 || b.shape.length !== 2) return direct(backend, a, b, tA, tB);
    const m = tA ? a.shape[1] : a.shape[0], n = tB ? b.shape[0] : b.shape[1];
    const copiesDirect = (tA ? size(a) : 0) + (tB ? size(b) : 0) + size(b);
    const copiesSwapped = (tA ? 0 : size(a)) + (tB ? 0 : size(b)) + size(a) + m * n;
    if (copiesDirect <= copiesSwapped) return direct(backend, a, b, tA, tB);
    const cT = direct(backend, b, a, !tB, !tA); // [N, M]
    const c = transpose(backend, cT, [1, 0]); // [M, N]
    free(backend, cT);
    return c;
  };
}

/**
 * MaxPoolGrad (stock: correct only for windows holding a positive value: its running maximum starts
 * at FLT_MIN, the smallest positive float, so all-negative windows get no gradient; and ties go to
 * the last maximum, TensorFlow's and the cpu backend's go to the first; and it costs about 15 times
 * a MaxPool). Each window's gradient goes to its first maximum, as in TensorFlow and the cpu backend; a window
 * with nothing above -Infinity (all -Infinity or NaN) gets none, as on the cpu backend (TensorFlow gives it to the
 * window's first pixel). A plain loop on the WebAssembly heap, channels innermost as NHWC stores them.
 * Shapes: input [N, H, W, C], dy [N, OH, OW, C].
 */
function maxPoolGrad({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }): Info {
  const { dy, input } = inputs as { dy: Info; input: Info };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as "valid" | "same" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const heap = backend as unknown as WasmHeap;
  const dxInfo = heap.makeOutput(input.shape, "float32");
  // views after the allocation above (an allocation may grow, and so detach, the heap)
  const x = heap.typedArrayFromHeap(input), g = heap.typedArrayFromHeap(dy), dx = heap.typedArrayFromHeap(dxInfo);
  // windows that never share a pixel (stride ≥ size) write each pixel at most once
  const overlap = sh < kh || sw < kw;
  // every pixel in exactly one full window (windows side by side, no padding, nothing left over)
  const tiled = sh === kh && sw === kw && kh * kw === 4 && top === 0 && left === 0 && OH * kh === H && OW * kw === W;
  if (!tiled) dx.fill(0);
  const window = new Int32Array(kh * kw); // offsets of the window's pixels inside one image, in scan order
  for (let b = 0; b < batchSize; b++) {
    const image = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let n = 0;
        for (let i = 0; i < kh; i++) {
          const h = oh * sh - top + i;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < kw; j++) {
            const w = ow * sw - left + j;
            if (w >= 0 && w < W) window[n++] = image + (h * W + w) * C;
          }
        }
        const o = ((b * OH + oh) * OW + ow) * C;
        if (n === 4 && !overlap) {
          // the lecture's 2×2 pooling, unrolled: every pixel of the window gets its value written (no fill needed)
          const p0 = window[0], p1 = window[1], p2 = window[2], p3 = window[3];
          for (let c = 0; c < C; c++) {
            const v0 = x[p0 + c], v1 = x[p1 + c], v2 = x[p2 + c], v3 = x[p3 + c];
            let k = v0 > -Infinity ? 0 : -1, best = v0; // the first maximum in scan order; none if all are -Infinity or NaN
            if (v1 > best || (k < 0 && v1 > -Infinity)) { k = 1; best = v1; }
            if (v2 > best || (k < 0 && v2 > -Infinity)) { k = 2; best = v2; }
            if (v3 > best || (k < 0 && v3 > -Infinity)) { k = 3; }
            const d = g[o + c];
            dx[p0 + c] = k === 0 ? d : 0;
            dx[p1 + c] = k === 1 ? d : 0;
            dx[p2 + c] = k === 2 ? d : 0;
            dx[p3 + c] = k === 3 ? d : 0;
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          let best = -Infinity, where = -1; // the first maximum in scan order; none if all are -Infinity or NaN
          for (let k = 0; k < n; k++) {
            const v = x[window[k] + c];
            if (v > best) {
              best = v;
              where = window[k] + c;
            }
          }
          if (where >= 0) dx[where] += g[o + c];
        }
      }
    }
  }
  return dxInfo;
}

/**
 * Tile (stock: computes every output element's input index, about 40 times slower than a copy).
 * tfjs-core's batch-norm gradient tiles each channel's scale and mean over the whole batch
 * ([1, 1, 1, C] → [N, H, W, C]), a few times per layer: that was over half of a MobileNet training
 * step. Here the input is copied once and every repetition is a block copy (copyWithin) of what is
 * already written, axis by axis from the innermost one.
 */
function makeTile(stock: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }): Info => {
    const { x } = inputs as { x: Info };
    if (x.dtype === "string") return stock({ inputs, backend, attrs }) as Info;
    const reps = attrs.reps as number[];
    const r = x.shape.length;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const heap = backend as unknown as WasmHeap;
    const outInfo = heap.makeOutput(outShape, x.dtype);
    if (outShape.some((d) => d === 0)) return outInfo;
    const src = heap.typedArrayFromHeap(x), out = heap.typedArrayFromHeap(outInfo); // views after the allocation
    const inStride = new Array<number>(r), outStride = new Array<number>(r);
    for (let i = r - 1, a = 1, b = 1; i >= 0; i--) {
      inStride[i] = a;
      outStride[i] = b;
      a *= x.shape[i];
      b *= outShape[i];
    }
    /** Writes the block of axis `axis` at `o` from the input at `i`: its x.shape[axis] entries, then their repetitions. */
    const fill = (axis: number, o: number, i: number): void => {
      const len = x.shape[axis] * outStride[axis]; // one copy of the input's extent along this axis
      if (axis === r - 1) out.set(src.subarray(i, i + x.shape[axis]), o);
      else for (let k = 0; k < x.shape[axis]; k++) fill(axis + 1, o + k * outStride[axis], i + k * inStride[axis]);
      for (let done = len, total = len * reps[axis]; done < total; done *= 2) {
        out.copyWithin(o + done, o, o + Math.min(done, total - done)); // doubling: log2(reps) copies
      }
    };
    if (r === 0) out.set(src);
    else fill(0, 0, 0);
    return outInfo;
  };
}

/**
 * Sum over leading axes of a float32 tensor (stock: transposes the reduced axes innermost, then sums;
 * about 10 ms for a bias gradient of [100, 24, 24, 64] → [64]). Every bias gradient is this case: tfjs-core's
 * add gradient sums dy over the axes the bias was broadcast along. Here one pass over the rows in their
 * order, float64 accumulators. Other sums (inner axes, int32) go to the stock kernel.
 */
function makeSum(stock: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }): Info => {
    const { x } = inputs as { x: Info };
    const r = x.shape.length;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < r && axes.every((a, i) => a === i);
    if (x.dtype !== "float32" || !leading) return stock({ inputs, backend, attrs }) as Info;
    const kept = x.shape.slice(axes.length);
    const outShape = attrs.keepDims ? [...axes.map(() => 1), ...kept] : kept;
    const heap = backend as unknown as WasmHeap;
    const outInfo = heap.makeOutput(outShape, "float32");
    const src = heap.typedArrayFromHeap(x), out = heap.typedArrayFromHeap(outInfo); // views after the allocation
    const width = out.length, rows = src.length / width;
    const acc = new Float64Array(width);
    for (let row = 0, o = 0; row < rows; row++, o += width) for (let c = 0; c < width; c++) acc[c] += src[o + c];
    out.set(acc);
    return outInfo;
  };
}

/** Identity (stock: copies the data): shares it, as the cpu backend does; kernels never write into their inputs. */
function identity({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: Backend }): Info {
  const { x } = inputs as { x: Info };
  (backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let registered = false;

/**
 * Registers the kernels above for the 'wasm' backend (idempotent). Call after tf.setBackend("wasm")
 * has resolved: the replacements call the stock kernels, whose set-up runs when the backend starts.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  const stockMatMul = tf.getKernel("BatchMatMul", "wasm");
  const stockTile = tf.getKernel("Tile", "wasm");
  const stockSum = tf.getKernel("Sum", "wasm");
  if (!stockMatMul || !stockTile || !stockSum) throw new Error("registerWasmTrainingKernels: the wasm backend is not loaded");
  const replace = (kernelName: string, kernelFunc: tf.KernelFunc) => {
    if (tf.getKernel(kernelName, "wasm")) tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc });
  };
  replace("Conv2DBackpropFilter", conv2DBackpropFilter as unknown as tf.KernelFunc);
  replace("Conv2DBackpropInput", conv2DBackpropInput as unknown as tf.KernelFunc);
  replace("BatchMatMul", makeBatchMatMul(stockMatMul.kernelFunc) as unknown as tf.KernelFunc);
  replace("MaxPoolGrad", maxPoolGrad as unknown as tf.KernelFunc);
  replace("Tile", makeTile(stockTile.kernelFunc) as unknown as tf.KernelFunc);
  replace("Sum", makeSum(stockSum.kernelFunc) as unknown as tf.KernelFunc);
  replace("Identity", identity as unknown as tf.KernelFunc);
  replace("DepthwiseConv2dNativeBackpropInput", depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc);
  replace("DepthwiseConv2dNativeBackpropFilter", depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc);
  registered = true;
}
