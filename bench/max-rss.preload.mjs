// node --import ./bench/max-rss.preload.mjs …: prints the process's peak RSS (getrusage maxRSS) to
// stderr at exit, for benches that measure a whole command from outside.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nmax-rss-mb ${Math.round(usage.maxRSS / 1024)}\n`);
  // CPU seconds (user + system) of the whole process, for benches that compare processes.
  process.stderr.write(`cpu-s ${((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(1)}\n`);
});
