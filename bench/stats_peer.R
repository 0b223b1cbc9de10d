# R peer of sledger's survival benchmark (issue #5 "Speed").
#   Rscript bench/stats_peer.R fit FILE.csv    -> JSON: best of 3 of survfit + survdiff (fits only)
#   Rscript bench/stats_peer.R whole FILE.csv  -> the whole job: read, fit, print the medians and chisq
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[2])
if (args[1] == "fit") {
  best <- Inf
  for (r in 1:3) {
    t0 <- proc.time()[["elapsed"]]
    km <- survfit(Surv(time, status) ~ group, data = d)
    lr <- survdiff(Surv(time, status) ~ group, data = d)
    best <- min(best, proc.time()[["elapsed"]] - t0)
  }
  cat(sprintf('{"fit_seconds": %.6f, "chisq": %.10g, "medians": [%s]}\n', best, lr$chisq,
              paste(sprintf("%.10g", summary(km)$table[, "median"]), collapse = ",")))
} else {
  km <- survfit(Surv(time, status) ~ group, data = d)
  lr <- survdiff(Surv(time, status) ~ group, data = d)
  print(km)
  print(lr)
}
