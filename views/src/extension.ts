// The lecture's views as a JupyterLab MIME-renderer extension, @lecture3/views. JupyterLab loads a prebuilt
// extension as a module-federation container (window._JUPYTERLAB[name] with init(shareScope) and get(module));
// this file is such a container written by hand and bundled by esbuild (views/build.sh), not by webpack. From the
// share scope it takes only @lumino/widgets (the one Widget class the page uses); TensorFlow.js (core + the cpu
// backend) is bundled in, so nothing is fetched. A renderer per MIME type:
//   application/vnd.lecture3.draw-digit+json   draw-digit.ts (drawDigit in lib/core/plot/views.ts)
//   application/vnd.lecture3.confusion+json    confusion.ts (confusionView, same file)
import { CONFUSION_MIME, DRAW_DIGIT_MIME } from "../../lib/core/plot/views";
import { confusionRenderer } from "./confusion";
import { drawDigitRenderer } from "./draw-digit";

const NAME = "@lecture3/views";
type ShareScope = Record<string, Record<string, { get: () => Promise<() => unknown> }>>;
let shareScope: ShareScope | null = null;

async function shared<T>(name: string): Promise<T> {
  const versions = shareScope && shareScope[name];
  if (!versions) throw new Error(`${NAME}: JupyterLab の共有モジュール ${name} が見つかりません`);
  const v = Object.keys(versions).sort().pop()!;
  return (await versions[v].get())() as T;
}

(window as unknown as { _JUPYTERLAB: Record<string, unknown> })._JUPYTERLAB ??= {};
(window as unknown as { _JUPYTERLAB: Record<string, unknown> })._JUPYTERLAB[NAME] = {
  init(scope: ShareScope) {
    shareScope = scope;
  },
  async get(module: string) {
    if (module !== "./mimeExtension") throw new Error(`${NAME}: no module ${module}`);
    const { Widget } = await shared<{ Widget: new () => HTMLWidget }>("@lumino/widgets");
    const extension = {
      id: `${NAME}:draw-digit`,
      rendererFactory: { safe: true, mimeTypes: [DRAW_DIGIT_MIME], defaultRank: 0, createRenderer: (options: { resolver?: Resolver | null }) => drawDigitRenderer(Widget, options.resolver ?? null) },
      rank: 0,
      dataType: "json",
    };
    const confusion = {
      id: `${NAME}:confusion`,
      rendererFactory: { safe: true, mimeTypes: [CONFUSION_MIME], defaultRank: 0, createRenderer: () => confusionRenderer(Widget) },
      rank: 0,
      dataType: "json",
    };
    return () => ({ __esModule: true, default: [extension, confusion] });
  },
};

/** The notebook's URL resolver (IRenderMime.IResolver): paths relative to the notebook, and their download URLs. */
export interface Resolver {
  resolveUrl(url: string): Promise<string>;
  getDownloadUrl(path: string): Promise<string>;
}

/** What the renderers need of Lumino's Widget. */
export interface HTMLWidget {
  node: HTMLElement;
  addClass(name: string): void;
  dispose(): void;
}
