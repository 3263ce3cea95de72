// Chooses the TensorFlow.js backend once, before any tensor exists, and says what was chosen.
//   TFJS_BACKEND=auto        native libtensorflow when it loads, else WebAssembly, else pure JS
//   TFJS_BACKEND=tensorflow  native only (tfjs-node-gpu when installed, else tfjs-node); error if missing
//   TFJS_BACKEND=wasm | cpu  WebAssembly / pure JavaScript
// PyTorch: device = 'cuda' if torch.cuda.is_available() else 'cpu'
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { registerNativeKernels } from "./native-kernels";
import { registerThreadedWasm } from "./wasm-threads";

export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface BackendInfo {
  backend: BackendName;
  tfjs: string;
  /** libtensorflow's version on the native backend, else null. */
  tensorflow: string | null;
  device: string;
  /** Why the backends tried before this one did not load (auto mode). */
  skipped: string[];
}

let chosen: BackendInfo | null = null;

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}

/** The NVIDIA GPU's name as the driver reports it, or null without a driver. */
function gpuName(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const out: string = require("child_process").execFileSync("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader"], { encoding: "utf8", timeout: 10000 });
    const first = out.trim().split("\n")[0];
    return first ? `GPU (${first.trim()})` : null;
  } catch {
    return null;
  }
}

/**
 * Loads the native binding of `pkg` once with every symbol resolved (RTLD_NOW). A binding whose libtensorflow is
 * missing fails either way; one whose libtensorflow is another version or another library loads lazily and kills
 * the process (the kernel) at its first call into a missing symbol. Resolving every symbol now turns both into an
 * error that useBackend reports with its remedy.
 */
function checkBinding(pkg: string): void {
  const dir = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "lib");
  const napi = fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => d.startsWith("napi-v")) : [];
  const file = napi.map((d) => path.join(dir, d, "tfjs_binding.node")).find((f) => fs.existsSync(f));
  if (file === undefined) throw new Error(`${pkg} has no native binding (${dir}/napi-v*/tfjs_binding.node): it was never built`);
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, file, os.constants.dlopen.RTLD_NOW);
  } catch (e) {
    throw new Error(`${firstLine(e)} (its libtensorflow is missing, or not the one it was built against)`);
  }
}

function loadNative(): { tensorflow: string; device: string } {
  // TensorFlow's C++ logging (CPU feature lines) goes to the kernel's stderr, never to a notebook; level 2 keeps
  // only errors. The one place for every process that loads TensorFlow through the library (kernels, tests,
  // scripts); scripts/env.sh sets the same for the shell (lib/README.md).
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = "2";
  let gpu = false;
  try {
    require.resolve("@tensorflow/tfjs-node-gpu");
    gpu = true;
  } catch {
    /* the CPU package is the normal case */
  }
  checkBinding(gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  gpu ? require("@tensorflow/tfjs-node-gpu") : require("@tensorflow/tfjs-node");
  const binding = (tf.findBackend("tensorflow") as unknown as { binding?: { TF_Version?: string } } | null)?.binding;
  const cpu = `${os.cpus().length} cores, ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}`;
  return {
    tensorflow: binding?.TF_Version ?? "unknown",
    device: gpu ? `${gpuName() ?? "no GPU found (nvidia-smi did not answer): TensorFlow runs on the CPU"} via tfjs-node-gpu (CPU: ${cpu})` : `CPU (${cpu})`,
  };
}

async function activate(name: BackendName): Promise<{ tensorflow: string | null; device: string }> {
  if (name === "tensorflow") {
    const native = loadNative();
    if (!(await tf.setBackend("tensorflow"))) throw new Error("tf.setBackend('tensorflow') returned false");
    registerNativeKernels();
    return native;
  }
  if (name === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as { getThreadsCount(): number };
    registerThreadedWasm(); // the threaded build, a thread a core (lib/wasm-threads.ts)
    if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
    require("./wasm-kernels").registerWasmTrainingKernels(); // conv gradients, transposed matMul, MaxPoolGrad, Tile, Sum, Identity (lib/wasm-kernels.ts)
    return { tensorflow: null, device: `CPU (WebAssembly, ${wasm.getThreadsCount()} threads)` };
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("tf.setBackend('cpu') returned false");
  return { tensorflow: null, device: "CPU (pure JavaScript, 1 thread)" };
}

/**
 * Picks the backend named by `requested` (default: $TFJS_BACKEND, else "auto"), prints one line
 * (backend, tfjs and TensorFlow versions, device) and returns the same facts.
 * Every notebook's first cell calls this. Calling it again returns the first choice.
 */
export async function useBackend(
  requested: string = process.env.TFJS_BACKEND ?? "auto",
  opts: { print?: boolean } = {},
): Promise<BackendInfo> {
  if (!["auto", "tensorflow", "wasm", "cpu"].includes(requested)) {
    throw new Error(`TFJS_BACKEND=${requested} is not a backend: use auto, tensorflow, wasm or cpu`);
  }
  if (chosen === null) {
    const order: BackendName[] =
      requested === "auto" ? ["tensorflow", "wasm", "cpu"] : [requested as BackendName];
    const skipped: string[] = [];
    for (const name of order) {
      try {
        const got = await activate(name);
        chosen = { backend: name, tfjs: tf.version.tfjs, tensorflow: got.tensorflow, device: got.device, skipped };
        break;
      } catch (e) {
        if (requested !== "auto") {
          const fix =
            name === "tensorflow"
              ? "Run `npm run setup` (it builds the native binding against .venv's libtensorflow), or set TFJS_BACKEND=wasm."
              : "Run `npm ci --ignore-scripts` to install the backend packages.";
          throw new Error(`backend '${name}' did not load: ${firstLine(e)}. ${fix}`);
        }
        skipped.push(`${name}: ${firstLine(e)}`);
      }
    }
    if (chosen === null) throw new Error(`no TensorFlow.js backend loaded (${skipped.join("; ")})`);
  }
  if (opts.print !== false) console.log(describeBackend(chosen));
  return chosen;
}

export function describeBackend(info: BackendInfo): string {
  const lines = [
    `backend: ${info.backend} | tfjs ${info.tfjs} | TensorFlow ${info.tensorflow ?? "-"} | device: ${info.device}`,
  ];
  for (const s of info.skipped) lines.push(`  (skipped ${s})`);
  return lines.join("\n");
}
