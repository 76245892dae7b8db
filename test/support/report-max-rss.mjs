// Preloaded into a child process (node --import) to report its peak memory when it exits.
process.on('exit', () => process.stderr.write(`\nmax-rss-kib ${process.resourceUsage().maxRSS}\n`));
