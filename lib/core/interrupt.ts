// Kernel > Interrupt, as the platform counts it (lib/core/platform.ts; in tslab the kernel preload
// scripts/tslab-preload.js counts the interrupts; outside a kernel the count stays 0). DataLoader's loop stops at it.
import { platform } from "./platform";

/** Remembers the interrupt count when a loop starts; `interrupted` is true once the kernel was interrupted since. */
export class InterruptWatch {
  private readonly start = platform().interruptCount();
  get interrupted(): boolean {
    return platform().interruptCount() !== this.start;
  }
}
