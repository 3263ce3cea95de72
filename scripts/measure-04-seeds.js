#!/usr/bin/env node
// How much 演習3 (dropout: the train−test gap) and 演習4 (batch norm: the first epoch's training loss) of
// 04_mnist_conv depend on the seed, under the notebook's settings. The numbers in the notebook's tables come
// from here (on 2 cores about 2 minutes for 演習3 at 8 epochs, 5 at 16, and 1 minute for 演習4):
//   npm run build && LECTURE3_DATA_MIRROR=../shared/datasets node scripts/measure-04-seeds.js ex3 1,2,3,4,5 8
//   node scripts/measure-04-seeds.js ex4 1,2,3,4,5 [lr 0.01] [images 3000]
//   node scripts/measure-04-seeds.js ex3 1,2,3,4,5 16   (epochs; then [images 1000] [dropout "[0.25,0.5]"])
"use strict";
const path = require("path");
process.chdir(path.join(__dirname, "..", "notebooks"));
const L = require("../lib/dist");

(async () => {
  await L.useBackend(process.env.TFJS_BACKEND ?? "tensorflow", { print: false });
  const trans = L.transforms.Compose([L.transforms.ToTensor(), L.transforms.Normalize([0.5], [1.0])]);
  const train_set = await L.datasets.MNIST({ root: "../datasets", train: true, transform: trans, download: true });
  const test_set = await L.datasets.MNIST({ root: "../datasets", train: false, transform: trans });
  const [which, seedList = "1,2,3,4,5"] = process.argv.slice(2);
  const seeds = seedList.split(",").map(Number);
  const print = console.log;
  console.log = () => undefined; // experiment()'s epoch lines
  const quiet = { print_every: 0, progress: false };
  if (which === "ex4") {
    const lr = Number(process.argv[4] ?? 0.01), n = Number(process.argv[5] ?? 3000);
    const set = { train: train_set.subset(n), test: test_set.subset(2000), epochs: 1, optimizer: "sgd", lr, train_eval: false, ...quiet };
    print(`演習4: 訓練 ${n} 枚, 1 エポック, SGD 学習率 ${lr}: 1 エポック目の訓練損失 (エポック中の平均)`);
    for (const seed of seeds) {
      const a = await L.experiment("BN なし", () => new L.ConvNet(), { ...set, seed });
      const b = await L.experiment("BN あり", () => new L.ConvNet({ batchNorm: true }), { ...set, seed });
      print(`seed ${seed}: BN なし ${a.last.train_loss.toFixed(4)}, BN あり ${b.last.train_loss.toFixed(4)}`);
      a.model.dispose();
      b.model.dispose();
    }
  } else if (which === "ex3") {
    const epochs = Number(process.argv[4] ?? 8), n = Number(process.argv[5] ?? 1000);
    const dropout = JSON.parse(process.argv[6] ?? "[0.25,0.5]");
    const set = { train: train_set.subset(n), test: test_set.subset(2000), epochs, optimizer: "sgd", lr: 0.1, ...quiet };
    print(`演習3: 訓練 ${n} 枚, ${epochs} エポック, SGD 学習率 0.1, dropout ${JSON.stringify(dropout)}: 差 = 訓練正解率 − テスト正解率 (ポイント)`);
    for (const seed of seeds) {
      const a = await L.experiment("なし", () => new L.ConvNet(), { ...set, seed });
      const b = await L.experiment("あり", () => new L.ConvNet({ dropout }), { ...set, seed });
      print(`seed ${seed}: 差 なし ${(100 * a.gap).toFixed(2)}, あり ${(100 * b.gap).toFixed(2)}, 縮んだ量 ${(100 * (a.gap - b.gap)).toFixed(2)}`);
      a.model.dispose();
      b.model.dispose();
    }
  } else {
    print("usage: node scripts/measure-04-seeds.js ex3|ex4 1,2,3,4,5 [...]");
    process.exit(2);
  }
})();
