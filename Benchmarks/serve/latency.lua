-- wrk script for `crew-bench serve`: one line of figures at the end, in milliseconds.
done = function(summary, latency, requests)
  io.write(string.format("FIGURES requests=%d errors=%d p50=%.3f p95=%.3f p99=%.3f rps=%.1f\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
