// Faster gradients on the native backend (tfjs-node), found by profiling one training step of the lecture's CNN
// (environment.md, "Where the time goes"). The models and the arithmetic stay the same; only how tfjs asks
// TensorFlow for them changes.
//
// ReLU's gradient: tfjs composes it in JavaScript as mul(dy, cast(step(x))), and tfjs-node's Step alone is six
// full-size TensorFlow ops (IsNan, Greater, Fill, Select, ...): a third of the CNN step's kernel time. TensorFlow
// has the fused op, ReluGrad(dy, x) = dy where x > 0 else 0, which PyTorch's CPU backend also uses. The gradient
// of Relu is re-registered to call it on the 'tensorflow' backend and to keep tfjs's own composition elsewhere.
import * as tf from "@tensorflow/tfjs";

const RELU_GRAD = "Lecture3ReluGrad";

interface NodeBackend {
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.Tensor[]): tf.Tensor;
}

let registered = false;

/** Registers the native kernels; call once the 'tensorflow' backend exists. Safe to call again. */
export function registerNativeKernels(): void {
  if (registered) return;
  registered = true;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { createTensorsTypeOpAttr } = require("@tensorflow/tfjs-node/dist/nodejs_kernel_backend");
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: "tensorflow",
    kernelFunc: ({ inputs, backend }) => {
      const { dy, x } = inputs as { dy: tf.Tensor; x: tf.Tensor };
      // ReluGrad(gradients, features)
      return (backend as unknown as NodeBackend).executeSingleOutput("ReluGrad", [createTensorsTypeOpAttr("T", x.dtype)], [dy, x]);
    },
  });
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ["x"],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      const d = dy as tf.Tensor;
      return {
        x: () =>
          tf.getBackend() === "tensorflow" && x.dtype === "float32"
            ? (tf.engine().runKernel(RELU_GRAD, { dy: d, x }) as tf.Tensor)
            : tf.mul(d, tf.cast(tf.step(x), "float32")), // tfjs's own gradient (Relu_grad.ts)
      };
    },
  });
}
