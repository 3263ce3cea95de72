// CIFAR-10's dataset class, shared by the node edition (lib/node/data/cifar10.ts: the binary batches or the JPEG
// copy from files) and the site (lib/browser/data.ts: the JPEG copy from the site's data/cifar10/).
import { Augment, ImageDataset } from "./dataset";
import type { Transform } from "./transforms";

export const CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

/** A CIFAR-10 dataset, and which form of the data it was read from. */
export class CIFAR10Dataset extends ImageDataset {
  constructor(
    images: Uint8Array,
    labels: Uint8Array,
    transform: Transform | undefined,
    augment: Augment | undefined,
    /** "binary" (original pixels) or "jpeg" (the lossy image-folder copy) */
    readonly source: "binary" | "jpeg",
    /** the files or folder read */
    readonly from: string,
  ) {
    super(images, labels, [32, 32, 3], transform, CIFAR10_CLASSES, augment);
  }

  /** One line for the notebook: which data this is. */
  describe(): string {
    return this.source === "binary"
      ? `CIFAR-10 のオリジナル (バイナリ版, 元の画素値): ${this.from}`
      : `CIFAR-10 の JPEG コピー (非可逆圧縮なので画素値は元の画像と少し違います): ${this.from}`;
  }

  override with(opts: { transform?: Transform; augment?: Augment | undefined }): CIFAR10Dataset {
    return new CIFAR10Dataset(this.images, this.labels, "transform" in opts ? opts.transform : this.transform, "augment" in opts ? opts.augment : this.augment, this.source, this.from);
  }
}
