// lib/node/mobilenet.ts with the mirror's MobileNet v1 0.25 files, and lib/node/data/hymenoptera.ts with the mirror's zip.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { Hymenoptera } from "../lib/node/data/hymenoptera";
import { mobilenetNormalize } from "../lib/node/data/images";
import { DataLoader } from "../lib/core/data/loader";
import { FeatureDataset, GAP_LAYER, IMAGENET_CLASSES, LayersModule, load, MOBILENET_FILES, top5Rows, topKFigure, untrained } from "../lib/node/mobilenet";
import { backend, dataMirror, mirrorPath } from "./helpers";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lecture3-mobilenet-"));
const roots: string[] = [];
const root = () => {
  const r = tmp();
  roots.push(r);
  return r;
};
beforeAll(backend);
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

test("the 1000 class names and the 56 files (model.json, 55 shards) with md5 sums and canonical URLs", () => {
  expect(IMAGENET_CLASSES.length).toBe(1000);
  expect(IMAGENET_CLASSES[309]).toBe("bee");
  expect(IMAGENET_CLASSES[310]).toBe("ant, emmet, pismire");
  expect(MOBILENET_FILES.length).toBe(56);
  expect(MOBILENET_FILES[0].urls[0]).toBe("https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json");
  expect(MOBILENET_FILES.every((f) => /^[0-9a-f]{32}$/.test(f.md5 ?? ""))).toBe(true);
});

test("FeatureDataset batches through a DataLoader", () => {
  const fd = new FeatureDataset(Float32Array.from({ length: 12 }, (_, i) => i), Uint8Array.from([0, 1, 1]), [2, 2]);
  const loader = new DataLoader({ dataset: fd, batch_size: 2 });
  const got: number[][] = [];
  for (const [x, y] of loader) got.push([...x.shape, ...y.dataSync()]);
  expect(got).toEqual([[2, 2, 2, 0, 1], [1, 2, 2, 1]]);
  expect(() => new FeatureDataset(new Float32Array(5), new Uint8Array(2), [2])).toThrow(/2 labels but 2.5 feature vectors/);
});

test("topKFigure: horizontal bars in %, the accepted classes in red", () => {
  const fig = topKFigure([{ index: 310, name: "ant", prob: 0.5 }, { index: 1, name: "goldfish", prob: 0.25 }], { highlight: [310] });
  expect(fig.data[0].x).toEqual([50, 25]);
  expect(fig.data[0].marker.color).toEqual(["#d62728", "#1f77b4"]);
});

describe("with the mirror's files", () => {
  beforeAll(() => mirrorPath("mobilenet_v1_0.25_224/model.json")); // fails saying what to set when the mirror lacks it
  test("load(): 475,544 parameters, probabilities summing to 1, topK sorted; cut() gives 256 features; slice() continues cut()", async () => {
    const net = await load({ root: root(), mirror: dataMirror() });
    expect(net.countParams()).toBe(475544);
    const x = tf.tidy(() => tf.sub(tf.div(tf.randomUniform([2, 224, 224, 3], 0, 255, "float32", 1), 127.5), 1));
    const p = net.predict(x);
    expect(p.shape).toEqual([2, 1000]);
    const sums = tf.sum(p, 1).dataSync();
    for (const s of sums) expect(s).toBeCloseTo(1, 4);
    const top = net.topK(p.arraySync()[0], 5);
    expect(top.length).toBe(5);
    for (let i = 1; i < 5; i++) expect(top[i].prob).toBeLessThanOrEqual(top[i - 1].prob);
    const base = net.cut();
    const f = base.predict(x) as tf.Tensor;
    expect(f.shape).toEqual([2, 256]);
    expect(net.cut(GAP_LAYER).countParams()).toBe(218544);
    const front = net.cut("conv_pw_12_relu").predict(x) as tf.Tensor;
    expect(front.shape).toEqual([2, 7, 7, 256]);
    const tail = net.slice("conv_dw_13");
    const f2 = tail.predict(front) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(f, f2))).dataSync()[0]).toBeLessThan(1e-4);
    const m = new LayersModule(tail, false, false);
    expect(m.numParameters()).toBe(68864); // conv_dw_13 (2,304), conv_pw_13 (65,536) and their batch norms' γ, β (2 × 512)
    expect(() => net.slice("nope")).toThrow(/no layers from "nope"/);
    tf.dispose([x, p, f, front, f2]);
  });
  test("untrained(seed): the same architecture with seeded random weights", async () => {
    const r = root();
    const a = await untrained(3, { root: r, mirror: dataMirror() });
    const b = await untrained(3, { root: r, mirror: dataMirror() });
    const c = await untrained(4, { root: r, mirror: dataMirror() });
    expect(a.countParams()).toBe(475544);
    const w = (n: typeof a) => n.model.getLayer("conv1").getWeights()[0].dataSync();
    expect(Array.from(w(a))).toEqual(Array.from(w(b)));
    expect(Array.from(w(a))).not.toEqual(Array.from(w(c)));
  });
  test("a corrupt shard in the mirror is an error naming it (never used)", async () => {
    const mirror = root();
    fs.cpSync(mirrorPath("mobilenet_v1_0.25_224"), path.join(mirror, "mobilenet_v1_0.25_224"), { recursive: true });
    const shard = path.join(mirror, "mobilenet_v1_0.25_224", "group3-shard1of1");
    fs.chmodSync(shard, 0o644);
    fs.writeFileSync(shard, Buffer.alloc(288, 1));
    await expect(load({ root: root(), mirror })).rejects.toThrow(/group3-shard1of1: md5 [0-9a-f]+, expected c684113c879d43de2e9e299e01f02e5d; the mirror's copy of group3-shard1of1 is corrupt/);
  });
  test(
    "the ants/bees photos: 244 training photos (the GIF skipped with one line), 153 validation; MobileNet's top 5 holds the photo's class for 117 of 153 (native backend)",
    async () => {
      mirrorPath("hymenoptera_data.zip");
      const r = root();
      const lines: string[] = [];
      const train = await Hymenoptera({ root: r, mirror: dataMirror(), log: (s) => lines.push(s), transform: mobilenetNormalize() });
      expect(train.length).toBe(244);
      expect(train.counts()).toEqual([123, 121]);
      expect(train.skipped.map((s) => path.basename(s.file))).toEqual(["imageNotFound.gif"]);
      expect(lines.filter((l) => /skipped a file that is not an image: .*imageNotFound\.gif/.test(l)).length).toBe(1);
      const val = await Hymenoptera({ root: r, mirror: dataMirror(), train: false, transform: mobilenetNormalize() });
      expect(val.length).toBe(153);
      expect(val.classes).toEqual(["ants", "bees"]);
      const net = await load({ root: r, mirror: dataMirror() });
      const rows = top5Rows(net, val, { ants: [310], bees: [309] });
      const hits = rows.filter((x) => x.hit).length;
      if (tf.getBackend() === "tensorflow") expect(hits).toBe(117);
      else expect(Math.abs(hits - 117)).toBeLessThanOrEqual(3); // another decoder's rounding
    },
    // a guard against a hang, not a speed check: it decodes 397 JPEGs and runs MobileNet on 153; 80 s on the CI's
    // machine, over jest.config.js's 180 s on one half as fast beside a notebook run
    7 * 60 * 1000,
  );
});
