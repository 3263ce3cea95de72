// Shared by the tests: the backend every numeric test runs on.
import { useBackend } from "../lib/backend";

export async function backend(): Promise<void> {
  await useBackend(process.env.TFJS_BACKEND ?? "tensorflow", { print: false });
}
