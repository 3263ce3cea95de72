// The TypeScript kernel as a JupyterLite extension. JupyterLite loads extensions as module-federation containers
// (window._JUPYTERLAB[name] with init(shareScope) and get(module)); this file is such a container written by hand
// (built by esbuild, not webpack): it takes @jupyterlite/services, the one copy the page already shares, from the
// share scope, and registers the kernel "typescript", which runs each cell in a Web Worker (kernel-worker.js).
const NAME = "@lecture3/typescript-kernel";
const here = document.currentScript.src; // …/extensions/@lecture3/typescript-kernel/static/remoteEntry.js
let shareScope = null;

async function shared(name) {
  const versions = shareScope && shareScope[name];
  if (!versions) throw new Error(`${NAME}: JupyterLite の共有モジュール ${name} が見つかりません`);
  const v = Object.keys(versions).sort().pop();
  const factory = await versions[v].get();
  return factory();
}

function makePlugins(services) {
  const kernels = new Map();

  class TypeScriptKernel extends services.BaseKernel {
    constructor(options) {
      super(options);
      this._pending = new Map();
      this._next = 0;
      this._worker = new Worker(new URL("kernel-worker.js", here).href);
      this._readyPromise = new Promise((resolve) => (this._resolveReady = resolve));
      this._worker.onmessage = (e) => this._onWorker(e.data);
      // the site's root (data/ lies there): four folders above this file
      this._worker.postMessage({ type: "init", baseUrl: new URL("../../../../", here).href });
      kernels.set(this.id, this);
    }
    get ready() { return this._readyPromise; }
    dispose() {
      if (this.isDisposed) return;
      kernels.delete(this.id);
      this._worker.terminate();
      for (const { reject } of this._pending.values()) reject(new Error("kernel disposed"));
      super.dispose();
    }
    // Kernel > Interrupt: a message the worker handles between mini-batches (the library's loops await there)
    interrupt() {
      this._worker.postMessage({ type: "interrupt" });
    }
    _call(type, payload) {
      const id = ++this._next;
      return new Promise((resolve, reject) => {
        this._pending.set(id, { resolve, reject });
        this._worker.postMessage({ type, id, ...payload });
      });
    }
    _onWorker(msg) {
      const parent = this.parentHeader;
      switch (msg.type) {
        case "ready": return this._resolveReady();
        case "reply": { const p = this._pending.get(msg.id); this._pending.delete(msg.id); return p && p.resolve(msg.content); }
        case "stream": return this.stream(msg.bundle, parent);
        case "display_data": return this.displayData(msg.bundle, parent);
        case "update_display_data": return this.updateDisplayData(msg.bundle, parent);
        case "clear_output": return this.clearOutput(msg.bundle, parent);
        case "execute_result": return this.publishExecuteResult({ ...msg.bundle, execution_count: this.executionCount }, parent);
        case "execute_error": return this.publishExecuteError(msg.bundle, parent);
      }
    }
    async kernelInfoRequest() {
      return {
        implementation: "lecture3-typescript", implementation_version: "0.1.0", protocol_version: "5.3", status: "ok",
        banner: "TypeScript (Web Worker): lecture3 + TensorFlow.js, ブラウザの中で動きます",
        language_info: { name: "typescript", version: "5", mimetype: "text/typescript", file_extension: ".ts", codemirror_mode: { name: "typescript" }, pygments_lexer: "typescript", nbconvert_exporter: "script" },
        help_links: [],
      };
    }
    async executeRequest(content) {
      const reply = await this._call("execute", { code: content.code });
      return { ...reply, execution_count: this.executionCount };
    }
    async completeRequest(content) { return this._call("complete", { content }); }
    async inspectRequest() { return { status: "ok", found: false, data: {}, metadata: {} }; }
    async isCompleteRequest() { return { status: "complete" }; }
    async commInfoRequest() { return { status: "ok", comms: {} }; }
    inputReply() {}
    async commOpen() {}
    async commMsg() {}
    async commClose() {}
  }

  const kernel = {
    id: `${NAME}:kernel`,
    autoStart: true,
    requires: [services.IKernelSpecs],
    activate: (app, specs) => {
      specs.register({
        spec: {
          name: "tslab", // the notebooks' kernelspec name (tslab's): the same .ipynb files open with this kernel
          display_name: "TypeScript",
          language: "typescript",
          argv: [],
          spec: { argv: [], env: {}, display_name: "TypeScript", language: "typescript", interrupt_mode: "message", metadata: {} },
          resources: {},
        },
        create: async (options) => new TypeScriptKernel(options),
      });
    },
  };

  // JupyterLite's kernel client cancels the queued cells on Kernel > Interrupt but does not tell the kernel;
  // this plugin also tells ours, so that training stops at the next mini-batch.
  const interrupt = {
    id: `${NAME}:interrupt`,
    autoStart: true,
    requires: [services.IKernelClient],
    activate: (app, client) => {
      const original = client.interrupt.bind(client);
      client.interrupt = async (id) => {
        const k = kernels.get(id);
        if (k) k.interrupt();
        return original(id);
      };
    },
  };
  return [kernel, interrupt];
}

// Threads for TF.js's WebAssembly need a cross-origin isolated page: the site's service worker adds the headers
// (site/isolation.js), but the first visit is loaded before the worker controls the page. Reload once (a tab's
// session) when the worker controls it, as the coi-serviceworker pattern does; the kernel then runs threaded.
(() => {
  const KEY = "lecture3-isolation-reload";
  if (window.crossOriginIsolated || !window.isSecureContext || !navigator.serviceWorker || sessionStorage.getItem(KEY)) return;
  const reload = () => {
    sessionStorage.setItem(KEY, "1");
    location.reload();
  };
  if (navigator.serviceWorker.controller) reload();
  else navigator.serviceWorker.addEventListener("controllerchange", reload, { once: true });
})();

(window._JUPYTERLAB = window._JUPYTERLAB || {})[NAME] = {
  init(scope) { shareScope = scope; },
  async get(module) {
    if (module !== "./extension") throw new Error(`${NAME}: no module ${module}`);
    const plugins = makePlugins(await shared("@jupyterlite/services"));
    return () => ({ __esModule: true, default: plugins });
  },
};
