// torch.nn's Module: a model is a Module whose fields are its layers (modules too). From the fields follow
// parameters(), buffers, state_dict(), save()/load(), train()/eval(), summary() and dispose(). The layers are in
// nn.ts; traceForward, which summary() and the checkers use to see each layer's shapes, is here beside it.
import * as tf from "@tensorflow/tfjs";
import { fromBase64, toBase64 } from "./bytes";
import { inEvalMode } from "./mode";
import { madeByThisCell } from "./ownership";
import { needs } from "./platform";

export abstract class Module {
  /** train() / eval(): dropout and batch norm behave differently in the two modes. */
  training = true;

  /**
   * Marks `v` as this module's own (it made it): freed by dispose(), or when the notebook cell that made it runs
   * again (ownership.ts). Weights a module did not make (a wrapped tf.LayersModel's) are not marked.
   */
  protected owns(v: tf.Variable): tf.Variable {
    madeByThisCell({ dispose: () => v.isDisposed || v.dispose() });
    return v;
  }

  abstract forward(x: tf.Tensor): tf.Tensor;

  /** Sub-modules, found among this object's fields (arrays of modules too), in declaration order. */
  named_children(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v)) v.forEach((m, i) => m instanceof Module && out.push([`${k}.${i}`, m]));
    }
    return out;
  }

  /** This module and every module below it, parents before their children (PyTorch's model.modules()). */
  modules(): Module[] {
    return [this as Module].concat(...this.named_children().map(([, m]) => m.modules()));
  }

  /** This module's own trainable tensors (not its children's). */
  protected ownParameters(): [string, tf.Variable][] {
    return [];
  }
  /** This module's own state that is not trained by gradients (batch norm's running statistics). */
  protected ownBuffers(): [string, tf.Variable][] {
    return [];
  }

  named_parameters(prefix = ""): [string, tf.Variable][] {
    const own = this.ownParameters().map(([n, v]) => [prefix + n, v] as [string, tf.Variable]);
    return own.concat(...this.named_children().map(([n, m]) => m.named_parameters(`${prefix}${n}.`)));
  }
  named_buffers(prefix = ""): [string, tf.Variable][] {
    const own = this.ownBuffers().map(([n, v]) => [prefix + n, v] as [string, tf.Variable]);
    return own.concat(...this.named_children().map(([n, m]) => m.named_buffers(`${prefix}${n}.`)));
  }
  /** model.parameters(): what the optimizer updates. */
  parameters(): tf.Variable[] {
    return this.named_parameters().map(([, v]) => v);
  }
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  train(mode = true): this {
    this.training = mode;
    this.named_children().forEach(([, m]) => m.train(mode));
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by name (the tensors themselves, not copies). */
  state_dict(): Map<string, tf.Variable> {
    return new Map([...this.named_parameters(), ...this.named_buffers()]);
  }
  /** Copies of every parameter and buffer, e.g. to restore the best epoch later. */
  snapshot(): Map<string, tf.Tensor> {
    return new Map([...this.state_dict()].map(([k, v]) => [k, tf.clone(v)]));
  }
  /** Assigns tensors by name; names and shapes must match this module exactly. */
  load_state_dict(state: Map<string, tf.Tensor> | Record<string, tf.Tensor>): void {
    const src = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.state_dict();
    const missing = [...own.keys()].filter((k) => !src.has(k));
    const extra = [...src.keys()].filter((k) => !own.has(k));
    if (missing.length || extra.length) {
      throw new Error(`load_state_dict: missing [${missing.join(", ")}], unexpected [${extra.join(", ")}]; was it saved from another architecture?`);
    }
    for (const [k, v] of own) {
      const t = src.get(k)!;
      if (t.shape.join() !== v.shape.join()) throw new Error(`load_state_dict: ${k} has shape [${t.shape}] but the model needs [${v.shape}]`);
      v.assign(t as tf.Tensor);
    }
  }

  /** Writes parameters and buffers to a JSON file (like torch.save(model.state_dict(), file)). */
  save(file: string): void {
    const tensors: Record<string, { shape: number[]; data: string }> = {};
    for (const [k, v] of this.state_dict()) {
      const values = v.dataSync() as Float32Array; // may be a view into a larger buffer: take only its bytes
      tensors[k] = { shape: v.shape, data: toBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) };
    }
    const json = JSON.stringify({ format: "lecture3-state-dict/1", tensors });
    needs("writeFile", "Module.save")(file, new TextEncoder().encode(json)); // never half written (the platform)
  }
  /** Reads a file written by save() into this model. */
  load(file: string): this {
    const json = JSON.parse(new TextDecoder().decode(needs("readFile", "Module.load")(file)));
    if (json.format !== "lecture3-state-dict/1") throw new Error(`${file}: not a file written by Module.save()`);
    const state = new Map<string, tf.Tensor>();
    for (const [k, t] of Object.entries(json.tensors as Record<string, { shape: number[]; data: string }>)) {
      const b = fromBase64(t.data);
      state.set(k, tf.tensor(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), t.shape));
    }
    try {
      this.load_state_dict(state);
    } finally {
      tf.dispose([...state.values()]);
    }
    return this;
  }

  /** Frees every parameter and buffer (the tensors are unusable afterwards); a second call does nothing. */
  dispose(): void {
    for (const v of this.state_dict().values()) if (!v.isDisposed) v.dispose();
  }

  /** A table like torchinfo's: each layer, its output shape for `inputShape` (without the batch axis), its parameters. */
  summary(inputShape: number[], batch = 1): string {
    const { calls, output: out } = traceForward(this, [batch, ...inputShape]);
    const rows = calls.map((c): [string, string, number] => [`${c.name} (${c.module.constructor.name})`, `[${c.output.join(", ")}]`, c.module.numParameters()]);
    const w0 = Math.max(20, ...rows.map((r) => r[0].length)) + 2;
    const line = "=".repeat(w0 + 32);
    const fmt = (a: string, b: string, c: string) => a.padEnd(w0) + b.padEnd(20) + c.padStart(12);
    const total = this.numParameters();
    return [
      line,
      fmt(`Layer (type)`, "Output Shape", "Param #"),
      line,
      fmt(`input`, `[${[batch, ...inputShape].join(", ")}]`, ""),
      ...rows.map(([a, b, c]) => fmt(a, b, c.toLocaleString("en-US"))),
      fmt(`output (${this.constructor.name})`, `[${out.join(", ")}]`, ""),
      line,
      `Total params: ${total.toLocaleString("en-US")}`,
      line,
    ].join("\n");
  }
}

/** One call of a traced module: its name, the module, and the shapes (with the batch axis) that went in and came out. */
export interface TracedCall {
  name: string;
  module: Module;
  input: number[];
  output: number[];
  /** The ids (tf.Tensor's `id`) of what went in and came out: a call whose inputId is another call's outputId took that output as it was. */
  inputId: number;
  outputId: number;
}

/**
 * Runs `model` once on zeros of `inputShape` (with the batch axis) in eval mode and records every call of the
 * modules in `watch` (default: every module without sub-modules, named by its path such as "features.0"), in call
 * order. Each module's forward and the model's mode are restored afterwards. Returns the calls and the output shape.
 */
export function traceForward(model: Module, inputShape: number[], watch: [string, Module][] = leafModules(model)): { calls: TracedCall[]; output: number[] } {
  const calls: TracedCall[] = [];
  for (const [name, m] of watch) {
    const orig = m.forward;
    m.forward = (x: tf.Tensor) => {
      const y = orig.call(m, x);
      calls.push({ name, module: m, input: x.shape, output: y.shape, inputId: x.id, outputId: y.id });
      return y;
    };
  }
  try {
    const output = inEvalMode(model, () => tf.tidy(() => model.forward(tf.zeros(inputShape)).shape));
    return { calls, output };
  } finally {
    watch.forEach(([, m]) => delete (m as { forward?: unknown }).forward);
  }
}

/** The modules below `model` that have no sub-modules, named by their path ("layer1.0.conv1"). */
function leafModules(model: Module, prefix = ""): [string, Module][] {
  return model.named_children().flatMap(([n, m]) => (m.named_children().length > 0 ? leafModules(m, `${prefix}${n}.`) : [[`${prefix}${n}`, m] as [string, Module]]));
}
