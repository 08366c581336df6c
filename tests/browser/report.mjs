// Results of a browser-test script, printed as run.mjs prints its own: one line per check as it runs, then the
// failures with their details, totals per check, notes, and a last line "N passed, N failed" that run.sh reads.

/**
 * A report for the script `name` ("serve", "xss"), timed from `started` (ms since the epoch).
 * `record` adds one check's result; `print` prints the summary once (later calls return 0) and returns the
 * number of failures, recording `extraFailure` first if given (a timeout, a signal, a harness error).
 */
export function createReport(name, started = Date.now()) {
  const results = []; // { check, target, ok, details }
  const notes = [];
  let finished = false;
  const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);

  function record(check, target, ok, details = []) {
    results.push({ check, target, ok, details });
    console.log(`${elapsed().padStart(6)} s ${ok ? 'ok  ' : 'FAIL'} [${check}] ${target}${ok ? '' : ' (details below)'}`);
  }

  function print(extraFailure) {
    if (finished) return 0;
    finished = true;
    if (extraFailure) record('harness', `${name}.mjs`, false, [extraFailure]);
    console.log(`\n==================== Failures (${name}) ====================`);
    const failures = results.filter((r) => !r.ok);
    for (const r of failures) {
      console.log(`FAIL [${r.check}] ${r.target}`);
      for (const d of r.details) console.log(`    ${String(d).replace(/\n/g, '\n    ')}`);
    }
    if (!failures.length) console.log('none');
    console.log(`\n==================== Totals (${name}) ====================`);
    for (const check of new Set(results.map((r) => r.check))) {
      const rs = results.filter((r) => r.check === check);
      const f = rs.filter((r) => !r.ok).length;
      console.log(`${check.padEnd(16)} ${String(rs.length - f).padStart(5)} passed ${String(f).padStart(5)} failed`);
    }
    for (const n of notes) console.log(n);
    console.log(`time: ${elapsed()} s`);
    console.log(`${results.length - failures.length} passed, ${failures.length} failed`);
    return failures.length;
  }

  return { record, print, notes };
}

/**
 * Reports and stops when the checks take longer than `seconds`, or when the process is stopped from outside
 * (run.sh's timeout, Ctrl+C): `printReport(reason)` records why, then `stop(1)` ends the process (after killing
 * whatever the script started).
 */
export function stopOnTimeoutOrSignal(seconds, printReport, stop) {
  const watchdog = setTimeout(() => {
    printReport(`overall timeout: the checks did not finish in ${seconds} s`);
    stop(1);
  }, seconds * 1000);
  watchdog.unref();
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      printReport(`stopped by ${sig}`);
      stop(1);
    });
  }
}
