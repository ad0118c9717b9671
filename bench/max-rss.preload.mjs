// node --import ./bench/max-rss.preload.mjs …: prints the process's peak RSS (getrusage maxRSS) to
// stderr at exit, for benches that measure a whole command from outside.
process.on('exit', () => {
  process.stderr.write(`\nmax-rss-mb ${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
});
