# R survey on the benchmark file: the same three estimates as bench/estimate.mjs, one per run.
# Rscript bench/estimate.R FILE WHICH   (WHICH = 1, 2 or 3); prints CSV: domain,estimate,se
suppressMessages({ library(survey); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
d <- fread(args[1], select = c("stratum", "psu", "weight", "migrant", "age", "relation", "outcome", "amount"), data.table = FALSE)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d)
r <- switch(args[2],
  "1" = svyby(~outcome, ~migrant, des, svymean, na.rm = TRUE),
  "2" = svyby(~outcome, ~migrant, subset(des, age >= 6 & age <= 17), svymean, na.rm = TRUE),
  "3" = svyby(~amount, ~migrant, subset(des, relation == 1), svytotal, na.rm = TRUE))
write.csv(data.frame(domain = r$migrant, estimate = sprintf("%.17g", r[[2]]), se = sprintf("%.17g", r$se)), stdout(), row.names = FALSE)
