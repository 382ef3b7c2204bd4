# R survey on a file written by R: read it once with read.csv, then the three estimates of
# bench/estimate-table.mjs (the issue-21 comparison: whole process, same run).
#   Rscript bench/estimate-table.R FILE   -> CSV: which,domain,estimate,se
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
out <- list(
  svyby(~outcome, ~migrant, des, svymean, na.rm = TRUE),
  svyby(~outcome, ~migrant, subset(des, age >= 6 & age <= 17), svymean, na.rm = TRUE),
  svyby(~amount, ~migrant, subset(des, relation == 1), svytotal, na.rm = TRUE))
rows <- do.call(rbind, lapply(seq_along(out), function(k) data.frame(which = k, domain = out[[k]]$migrant,
  estimate = sprintf("%.17g", out[[k]][[2]]), se = sprintf("%.17g", out[[k]]$se))))
write.csv(rows, stdout(), row.names = FALSE)
