# Reference values for PPS without replacement (issue 20): R survey's svydesign(pps = "brewer") and
# (pps = "overton") on the api data with PSU inclusion probabilities made up here (a function of the
# district number, so that they vary within strata), written with the data so mdsurvey reads the same.
# Usage: Rscript tests/reference/pps.R <folder with apiclus1.csv, apiclus2.csv, apistrat.csv> <out folder>
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
rd <- function(name) read.csv(file.path(args[1], paste0(name, ".csv")))
clus1 <- rd("apiclus1"); clus2 <- rd("apiclus2"); strat <- rd("apistrat")
clus1$p <- 0.05 + (clus1$dnum %% 7) / 20
clus2$p <- 0.04 + (clus2$dnum %% 9) / 25
clus2$q <- 0.5 # half the schools of a district
strat$p <- 0.02 + (strat$snum %% 11) / 200
# Numeric stratum codes: R's Overton matrix needs them (ave() on a character vector fails).
strat$h <- as.numeric(factor(strat$stype))
write.csv(clus1, file.path(args[2], "clus1.csv"), row.names = FALSE, na = "")
write.csv(clus2, file.path(args[2], "clus2.csv"), row.names = FALSE, na = "")
write.csv(strat, file.path(args[2], "strat.csv"), row.names = FALSE, na = "")
# R's Brewer variance takes each PSU's 1 - pi in the order PSUs first appear but sums the PSU totals in
# sorted order (onestrat: scale[!duplicated(cluster)] against rowsum(x, cluster)), so it is right only
# when the rows are sorted by PSU: R gets the sorted file, mdsurvey the file in its original order.
clus1 <- clus1[order(clus1$dnum), ]
designs <- list(
  clus1_brewer = svydesign(id = ~dnum, fpc = ~p, data = clus1, pps = "brewer"),
  clus1_overton = svydesign(id = ~dnum, fpc = ~p, data = clus1, pps = "overton"),
  clus2_brewer_remove = svydesign(id = ~dnum + snum, fpc = ~p + q, data = clus2, pps = "brewer"),
  strat_brewer = svydesign(id = ~1, strata = ~h, fpc = ~p, data = strat, pps = "brewer"),
  strat_overton = svydesign(id = ~1, strata = ~h, fpc = ~p, data = strat, pps = "overton")
)
# A PSU of apiclus2 with one sampled school: its stage-2 term is removed (as --lonely-psu remove).
options(survey.lonely.psu = "remove")
res <- lapply(designs, function(d) {
  m <- svymean(~api00, d)
  t <- svytotal(~enroll, d, na.rm = TRUE)
  c(coef(m), SE(m), coef(t), SE(t), degf(d))
})
exact <- function(x) structure(paste0("[", paste(sprintf("%.17g", x), collapse = ","), "]"), class = "json")
cat(jsonlite::toJSON(lapply(res, exact), auto_unbox = TRUE, json_verbatim = TRUE))
