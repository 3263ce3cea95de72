#!/usr/bin/env bash
# The project's test command (npm test): set-up (idempotent), then
#   1. tsc --noEmit over lib/ and test/
#   2. jest unit tests of lib/
#   3. the tslab kernel through jupyter_client: protocol errors, interrupts, Japanese diagnostics (test/kernel/protocol.py)
#   4. every notebook executed with nbconvert under tslab, outputs checked (scripts/run-notebooks.js, two at a time);
#      02 and the students' 04 a second time with TFJS_BACKEND=wasm (artifacts/notebooks-wasm/)
#   5. a real browser: every notebook in JupyterLab in Debian's chromium, @playwright/test's runner (playwright.config.js,
#      test/browser/), when chromium is installed; it runs beside step 6
#   6. nbgrader: four submissions of 04's exercises (one tampers with its checks) autograded by npm run grade's script
#      (test/nbgrader/autograde.py, test/nbgrader/tampering.py; they load the CNN step 4 trained, not train it again)
#   7. the class hub (hub/jupyterhub_config.py): three students log in and run 02 at the same time, kept apart;
#      nbgrader across their accounts (release, fetch, submit, autograde as the lecturer's account, feedback);
#      its log-in (sign-up + approval, lock-out, tokens), HTTPS, idle culling, LTI 1.3 and OIDC configurations;
#      ten students at once (load: every run ends with its accuracy, the hub's API answers within a second)
#   8. the static site (npm run site, JupyterLite) served by a plain static server, 02 run in chromium in it, its outputs
#      checked, Kernel > Interrupt, a saved model after a reload, no request leaving the origin (test/site/); it runs
#      beside step 7's first three tests, which run side by side
# Ends with one line "N passed, M failed" and a non-zero exit status when anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Each step's wall time and CPU time (user + system of everything it ran that has ended, from this shell's
# /proc/PID/stat), printed at the end: a step whose CPU time is near 2 x its wall time keeps both cores busy, one far
# below leaves a core idle (what could run beside it).
tick=$(getconf CLK_TCK)
cpu_now() { awk -v t="$tick" '{ printf "%.1f", ($16 + $17) / t }' "/proc/$$/stat"; }
timings=(); t_mark=$SECONDS; c_mark=$(cpu_now)
timed() { # timed <label>: the wall and CPU seconds since the last mark, as one row of the table
  local c; c=$(cpu_now)
  timings+=("$(awk -v l="$1" -v w=$((SECONDS - t_mark)) -v c="$c" -v m="$c_mark" 'BEGIN { printf "  %-40s %6d s wall %8.1f s CPU", l, w, c - m }')")
  t_mark=$SECONDS; c_mark=$c
}
bash scripts/setup.sh || { echo "set-up failed: 0 passed, 1 failed"; exit 1; }
timed "set-up (scripts/setup.sh)"
source scripts/env.sh
mkdir -p artifacts
passed=0; failed=0
count() { # parses "N passed, M failed" from a log
  local p f
  p=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1 | cut -d' ' -f1); f=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1 | cut -d' ' -f3)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
}
suite() { # suite <name> <log>: counts the log, and fails the run when it has no "<name>: N passed" line (the step died)
  count "$2"
  grep -q "$1: [0-9]* passed" "$2" || failed=$((failed + 1))
}

echo; echo "=== 1. type check (tsc --noEmit)"
if tsc --noEmit -p tsconfig.json; then passed=$((passed + 1)); echo "type check: ok"; else failed=$((failed + 1)); fi
timed "1. type check"

echo; echo "=== 2. jest"
jest --ci --json --outputFile=artifacts/jest.json 2>&1 | tee artifacts/jest.log | grep -v '^\s*$' | tail -n 60
if [ -f artifacts/jest.json ]; then
  p=$(node -p 'require("./artifacts/jest.json").numPassedTests'); f=$(node -p 'const j=require("./artifacts/jest.json"); j.numFailedTests + j.numRuntimeErrorTestSuites')
  echo "jest: $p passed, $f failed"
  passed=$((passed + p)); failed=$((failed + f))
else
  echo "jest did not run"; failed=$((failed + 1))
fi
timed "2. jest"

echo; echo "=== 3. the tslab kernel (jupyter_client)"
python test/kernel/protocol.py 2>&1 | tee artifacts/kernel.log
suite kernel artifacts/kernel.log
timed "3. tslab kernel"

echo; echo "=== 4. notebooks (nbconvert --execute under tslab)"
node scripts/run-notebooks.js 2>&1 | tee artifacts/notebooks.log
suite notebooks artifacts/notebooks.log
timed "4. notebooks"

# Steps 5 and 6 run side by side: the browser test leaves a core idle (one notebook at a time in JupyterLab, chromium
# waiting on the kernel: 240 CPU-s in 295 s), nbgrader's step uses about 1.4 cores; they share no files (the browser's
# JupyterLab works in a copy under artifacts/browser/, nbgrader in its own course folders). Logs are shown in order.
echo; echo "=== 5. real browser (JupyterLab + chromium, playwright test: test/browser/), beside step 6"
browser=""
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  playwright test > artifacts/browser.log 2>&1 &
  browser=$!
else
  echo "SKIPPED: chromium is not installed (Debian: apt-get install chromium); .ci/run installs it, so CI always runs this."
fi
echo; echo "=== 6. nbgrader: four submissions of 04 autograded (one tampers with its checks), scores and feedback (test/nbgrader/autograde.py)"
python test/nbgrader/autograde.py 2>&1 | tee artifacts/nbgrader.log
suite nbgrader artifacts/nbgrader.log
if [ -n "$browser" ]; then
  wait $browser
  echo "--- 5. real browser (ran beside step 6)"
  cat artifacts/browser.log
  suite browser artifacts/browser.log
fi
timed "5. real browser + 6. nbgrader beside it"

# Step 7's first three tests (the hub, nbgrader across accounts, log-in) run side by side, and step 8 (the static
# site in chromium) beside them: each starts its own hub on free ports with its own state folder and accounts of its
# own names; together they keep both cores busy (hub 1.2, nbgrader 1.5, log-in little, the site's training up to 2
# cores in short bursts). Never beside the load test, which asserts the hub's API answers within a second.
# Their logs are shown one after another.
site=""
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  playwright test -c test/site > artifacts/site.log 2>&1 &
  site=$!
fi
python test/hub/login_test.py > artifacts/hub-login.log 2>&1 &
login=$!
python test/hub/nbgrader_test.py > artifacts/nbgrader-hub.log 2>&1 &
nbgrader_hub=$!
echo; echo "=== 7. JupyterHub: three students run 02 at once on the class hub, kept apart (test/hub/hub_test.py; beside the next two and step 8)"
python test/hub/hub_test.py 2>&1 | tee artifacts/hub.log
suite hub artifacts/hub.log
wait $nbgrader_hub
echo "--- nbgrader across the students' accounts: release, fetch and submit through their servers, autograde as the lecturer's own account, feedback (test/hub/nbgrader_test.py; after step 6: reuses its trained CNN; ran beside hub_test.py)"
cat artifacts/nbgrader-hub.log
suite nbgrader-hub artifacts/nbgrader-hub.log
wait $login
echo "--- the hub's log-in (sign-up + approval, lock-out, tokens), HTTPS, idle culling, LTI 1.3 / OIDC (test/hub/login_test.py; ran beside hub_test.py)"
cat artifacts/hub-login.log
suite login artifacts/hub-login.log
timed "7. hub, its nbgrader and log-in side by side"
t_site=$SECONDS
[ -n "$site" ] && wait $site
echo "(waited $((SECONDS - t_site)) s for step 8 before the load test)"
timed "8. site: the wait for it after step 7's first parts"
echo "--- load: ten students at once, each in their own account, run 02 while the hub's API is probed every 0.5 s (test/hub/load_test.py)"
python test/hub/load_test.py 2>&1 | tee artifacts/hub-load.log
suite "hub load" artifacts/hub-load.log
timed "7. hub load"

echo; echo "=== 8. the static site (JupyterLite, scripts/site.sh) in chromium: 02 run in the browser (test/site/; ran beside step 7's first parts)"
if [ -n "$site" ]; then
  cat artifacts/site.log
  suite site artifacts/site.log
else
  echo "SKIPPED: chromium is not installed (Debian: apt-get install chromium); .ci/run installs it, so CI always runs this."
fi

echo; echo "time per step (CPU: user + system, all processes; 2 x wall = both cores busy the whole step):"
printf '%s\n' "${timings[@]}"
echo "  total $((SECONDS / 60)) min $((SECONDS % 60)) s"
echo
echo "all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
