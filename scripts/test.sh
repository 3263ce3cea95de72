#!/usr/bin/env bash
# The project's test command (npm test): set-up (idempotent), then
#   1. tsc --noEmit over lib/ and test/
#   2. jest unit tests of lib/
#   3. the tslab kernel through jupyter_client: protocol errors, interrupts, Japanese diagnostics (test/kernel/protocol.py)
#   4. every notebook executed with nbconvert under tslab, outputs checked (scripts/run-notebooks.js, two at a time);
#      02 a second time with TFJS_BACKEND=wasm (artifacts/notebooks-wasm/; 04 on WebAssembly is step 8's); then the document
#      checks (test/docs/check-docs.js: docs/failures.md, the glossary's spellings)
#   5. a real browser: every notebook in JupyterLab in Debian's chromium, @playwright/test's runner (playwright.config.js,
#      test/browser/), when chromium is installed
#   6. nbgrader: three submissions of 04's exercises (one tampers with its checks) autograded by npm run grade's script
#      (the all-right one, whose exercises train, is graded in step 7 across the hub's accounts by the same script)
#      (test/nbgrader/autograde.py, test/nbgrader/tampering.py; they load the CNN step 4 trained, not train it again)
#   7. the class hub (hub/jupyterhub_config.py): three students log in, kept apart;
#      nbgrader across their accounts (release, fetch, submit, autograde as the lecturer's account, feedback);
#      its log-in (sign-up + approval, lock-out, tokens), HTTPS, idle culling, LTI 1.3 and OIDC configurations;
#      ten students at once run 02 (load: every run ends with its accuracy and passes 02's checks, the hub's API
#      answers within a second)
#   8. the static site (npm run site, JupyterLite) served by a plain static server, 01, 02 and the students' 04 with the
#      solutions' answers run in chromium in it, their outputs checked, Kernel > Interrupt, a saved model after a reload,
#      no request leaving the origin (test/site/)
# Steps 5 to 8 but the load test run as six jobs, at most five at a time (LECTURE3_TEST_JOBS), the site's from the start
# of step 4 (it needs only the set-up), the load test alone last.
# Ends with one line "N passed, M failed" and a non-zero exit status when anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Each step's wall time and CPU time (user + system of everything it ran that has ended, from this shell's
# /proc/PID/stat), printed at the end: a step whose CPU time is near 2 x its wall time keeps both cores busy, one far
# below leaves a core idle (what could run beside it). That count misses processes that outlive their parent
# (chromium's renderers, reparented when playwright closes the browser): the machine's busy time (/proc/stat: every
# process on the machine, whoever started it) is printed beside it; on a machine that runs only the CI, it is the truth.
tick=$(getconf CLK_TCK)
cpu_now() { awk -v t="$tick" '{ printf "%.1f", ($16 + $17) / t }' "/proc/${1:-$$}/stat"; } # cpu_now [pid]: this shell's, or a job's subshell's
busy_now() { awk -v t="$tick" '$1 == "cpu" { printf "%.1f", ($2 + $3 + $4 + $7 + $8 + $9) / t }' /proc/stat; }
timings=(); t_mark=$SECONDS; c_mark=$(cpu_now); b_mark=$(busy_now)
timed() { # timed <label>: the wall and CPU seconds since the last mark, as one row of the table
  local c b; c=$(cpu_now); b=$(busy_now)
  timings+=("$(awk -v l="$1" -v w=$((SECONDS - t_mark)) -v c="$c" -v m="$c_mark" -v b="$b" -v bm="$b_mark" 'BEGIN { printf "  %-40s %6d s wall %8.1f s CPU %8.1f s machine busy", l, w, c - m, b - bm }')")
  t_mark=$SECONDS; c_mark=$c; b_mark=$b
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
failures=() # what failed, repeated after the totals at the end (CI shows only a run's last lines)
suite() { # suite <name> <log>: counts the log, and fails the run when it has no "<name>: N passed" line (the step died)
  count "$2"
  local line
  while IFS= read -r line; do failures+=("$1: ${line:0:300}"); done < <(grep -E '^\s*✘' "$2" | sed -E 's/^\s+//' | head -n 20)
  grep -q "$1: [0-9]* passed" "$2" || { failed=$((failed + 1)); failures+=("$1: printed no \"$1: N passed\" line (the step died; see its log above and $2)"); }
}

echo; echo "=== 1. type check (tsc --noEmit)"
if tsc --noEmit -p tsconfig.json; then passed=$((passed + 1)); echo "type check: ok"; else failed=$((failed + 1)); failures+=("type check: tsc reported errors (above)"); fi
timed "1. type check"

echo; echo "=== 2. jest"
jest --ci --json --outputFile=artifacts/jest.json 2>&1 | tee artifacts/jest.log | grep -v '^\s*$' | tail -n 60
if [ -f artifacts/jest.json ]; then
  p=$(node -p 'require("./artifacts/jest.json").numPassedTests'); f=$(node -p 'const j=require("./artifacts/jest.json"); j.numFailedTests + j.numRuntimeErrorTestSuites')
  echo "jest: $p passed, $f failed"
  passed=$((passed + p)); failed=$((failed + f))
  while IFS= read -r line; do failures+=("jest: ${line:0:300}"); done < <(node -e '
    for (const f of require("./artifacts/jest.json").testResults) {
      if (f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")) console.log(`${f.name}: ${(f.message || "").split("\n").find((l) => l.trim()) || "failed to run"}`);
      for (const a of f.assertionResults) if (a.status === "failed") console.log(`${f.name}: ${a.fullName}`);
    }' | head -n 20)
else
  echo "jest did not run"; failed=$((failed + 1)); failures+=("jest: did not run (no artifacts/jest.json)")
fi
timed "2. jest"

echo; echo "=== 3. the tslab kernel (jupyter_client)"
python test/kernel/protocol.py 2>&1 | tee artifacts/kernel.log
suite kernel artifacts/kernel.log
timed "3. tslab kernel"

# Steps 5 to 8, all but the load test, are six independent jobs run by a small scheduler, at most five at a time, each
# started as soon as a place is free. The machine's two cores are busy through nearly all of npm test, so what sets its
# length is the CPU time of all steps together; the order only fills the gaps. The site (step 8: the students' 04 with
# answers trains on WebAssembly, the longest job) needs only the set-up: it starts before step 4 and runs beside the
# notebooks, so that it does not end alone with a core partly idle.
# The others need step 4's results and start after it, in this order: nbgrader across the hub's accounts (its correct
# submission's exercise trainings), the browser, step 6's nbgrader, the hub's log-in test, then the hub test when a
# place is free (the log-in test's, first: both mostly wait on their servers and cost little CPU). They share no files
# or ports: each hub test starts its own hub on free ports with its own state folder and accounts of its own names,
# the browser's JupyterLab works in a copy under artifacts/browser/, nbgrader in its own course folders, the site in
# site/ (its build reads notebooks/*.ipynb and the data, writes files by renaming them into place). Their logs are
# shown afterwards, one after another in the steps' order, each with its own wall and CPU time. The hub's load test's
# timed part runs after them, alone (it asserts that the hub's API answers within a second); its hub and servers
# start beside the last of them.
job() { # job <log> <command...>: runs it in the background, output into <log>; when it ends, <log>.time holds
  # "<start s> <wall s> <CPU s>" (start: seconds since these jobs began; CPU: user + system of what it ran and waited for)
  local log=$1; shift
  rm -f "$log.time"
  ( me=$BASHPID; t0=$SECONDS; "$@" > "$log" 2>&1; echo "$((t0 - jobs_t0)) $((SECONDS - t0)) $(cpu_now "$me")" > "$log.time.part"; mv "$log.time.part" "$log.time" ) &
}
running() { # how many of the given logs have no .time yet
  local n=0 log
  for log in "$@"; do [ -f "$log.time" ] || n=$((n + 1)); done
  echo "$n"
}
have_chromium() { command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; }
queue=(artifacts/nbgrader-hub.log)
have_chromium && queue+=(artifacts/browser.log)
queue+=(artifacts/nbgrader.log)
queue+=(artifacts/hub-login.log artifacts/hub.log)
declare -A run_of=(
  [artifacts/nbgrader-hub.log]="python test/hub/nbgrader_test.py"
  [artifacts/browser.log]="playwright test"
  [artifacts/nbgrader.log]="python test/nbgrader/autograde.py"
  [artifacts/hub-login.log]="python test/hub/login_test.py"
  [artifacts/hub.log]="python test/hub/hub_test.py"
  [artifacts/site.log]="playwright test -c test/site"
)
JOBS=${LECTURE3_TEST_JOBS:-5}
jobs_t0=$SECONDS
started=()
if have_chromium; then
  log=artifacts/site.log
  echo; echo "[$((SECONDS - jobs_t0)) s] ${run_of[$log]} (> $log): step 8, the static site, beside steps 4 to 7; its log follows theirs"
  job "$log" ${run_of[$log]}
  started+=("$log")
fi

echo; echo "=== 4. notebooks (nbconvert --execute under tslab)"
node scripts/run-notebooks.js 2>&1 | tee artifacts/notebooks.log
suite notebooks artifacts/notebooks.log
echo; echo "=== 4a. documents (test/docs/check-docs.js: docs/failures.md against the fault tests, the glossary's spellings)"
node test/docs/check-docs.js 2>&1 | tee artifacts/docs.log
suite docs artifacts/docs.log
timed "4. notebooks (the site beside them)"

echo; echo "=== 5.-7. (all but the hub's load test): ${#queue[@]} jobs beside the site's, at most $JOBS at a time; their logs follow when all have ended"
for log in "${queue[@]}"; do
  while [ "$(running "${started[@]}")" -ge "$JOBS" ]; do sleep 2; done
  echo "[$((SECONDS - jobs_t0)) s] ${run_of[$log]} (> $log)"
  job "$log" ${run_of[$log]}
  started+=("$log")
done
# The load test starts its hub and its ten students' servers (untimed) while the last of these jobs runs; its timed
# part (the ten running 02, the hub's API probed) waits until all of them have ended (LECTURE3_LOAD_GO).
while [ "$(running "${started[@]}")" -gt 1 ]; do sleep 2; done
go=artifacts/.load-go
rm -f "$go"
echo "[$((SECONDS - jobs_t0)) s] python test/hub/load_test.py (> artifacts/hub-load.log; its timed part waits for the others)"
LECTURE3_LOAD_GO=$go python test/hub/load_test.py > artifacts/hub-load.log 2>&1 &
load=$!
while [ "$(running "${started[@]}")" -gt 0 ]; do sleep 2; done
touch "$go"
show() { # show <suite> <log> <header>: the header, the job's times, its log, counted
  echo "$3"
  [ -f "$2.time" ] && read -r s w c < "$2.time" && echo "(started at $s s, ran $w s, $c CPU-s)"
  cat "$2"
  suite "$1" "$2"
}
if have_chromium; then
  show browser artifacts/browser.log "
=== 5. real browser (JupyterLab + chromium, playwright test: test/browser/)"
else
  echo; echo "=== 5. real browser: SKIPPED: chromium is not installed (Debian: apt-get install chromium); .ci/run installs it, so CI always runs this."
fi
show nbgrader artifacts/nbgrader.log "
=== 6. nbgrader: three submissions of 04 autograded (blank, mixed, one that tampers with its checks; the all-right one in step 7), scores and feedback (test/nbgrader/autograde.py)"
show hub artifacts/hub.log "
=== 7. JupyterHub: the class hub with three students, kept apart (test/hub/hub_test.py)"
show nbgrader-hub artifacts/nbgrader-hub.log "--- nbgrader across the students' accounts: release, fetch and submit through their servers, autograde as the lecturer's own account, feedback (test/hub/nbgrader_test.py; reuses step 4's trained CNN)"
show login artifacts/hub-login.log "--- the hub's log-in (sign-up + approval, lock-out, tokens), HTTPS, idle culling, LTI 1.3 / OIDC (test/hub/login_test.py)"
timed "5.-8. six jobs, at most $JOBS at a time"
wait "$load"
rm -f "$go"
echo "--- load: ten students at once, each in their own account, run 02 while the hub's API is probed every 0.5 s (test/hub/load_test.py; the timed part alone)"
cat artifacts/hub-load.log
suite "hub load" artifacts/hub-load.log
timed "7. hub load (its timed part alone)"

if have_chromium; then
  show site artifacts/site.log "
=== 8. the static site (JupyterLite, scripts/site.sh) in chromium: 01, 02 and the students' 04 with answers run in the browser (test/site/; ran beside steps 4 to 7)"
else
  echo; echo "=== 8. the static site: SKIPPED: chromium is not installed (Debian: apt-get install chromium); .ci/run installs it, so CI always runs this."
fi

echo; echo "time per step (CPU: user + system of the step's processes; machine busy: of every process on the machine; 2 x wall = both cores busy the whole step):"
printf '%s\n' "${timings[@]}"
echo "  total $((SECONDS / 60)) min $((SECONDS % 60)) s"
echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "what failed (each step's ✘ lines, at most 20 a step; the details are in its log above and in artifacts/):"
  printf '  %s\n' "${failures[@]}"
fi
echo "all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
