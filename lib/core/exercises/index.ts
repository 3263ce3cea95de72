// The checkers of 04_mnist_conv.ipynb (演習1〜8) and 08_deep_networks.ipynb (演習9). Each prints one line (✔ 正解 / ✘ hint / 未解答) and returns
// nothing, so that a check cell shows that line once; check.results() / check.result(n) give the results, and
// check.summary() prints one table of all eight exercises.
import { result, results, summary } from "./common";
import { ex1 } from "./ex1";
import { ex2 } from "./ex2";
import { ex3 } from "./ex3";
import { ex4 } from "./ex4";
import { ex5 } from "./ex5";
import { ex6 } from "./ex6";
import { ex7 } from "./ex7";
import { ex8 } from "./ex8";
import { ex9 } from "./ex9";

export type { CheckResult, CheckStatus } from "./common";
export type { Ex5Row } from "./ex5";
export type { Ex6Facts, GaborParams } from "./ex6";
export type { Ex7Facts } from "./ex7";
export { EX2_STATEMENTS } from "./ex2";

export type { Ex9Facts } from "./ex9";

/** 演習1〜8 (04_mnist_conv) and 演習9 (08_deep_networks). */
export const check = { ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8, ex9, summary, results, result };
