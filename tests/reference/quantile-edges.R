# Quantiles at R's edge cases (issue 20): exact ties under equal weights (apisrs), and domains where
# the lower interval probability falls below the first value's share (apiclus1 by stype).
# Rscript quantile-edges.R OUT.csv
suppressMessages(library(survey))
out <- commandArgs(trailingOnly = TRUE)[1]
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
fx <- file.path(here, "..", "fixtures", "r-survey")
apisrs <- read.csv(file.path(fx, "apisrs.csv")); apiclus1 <- read.csv(file.path(fx, "apiclus1.csv"))
dsrs <- svydesign(id = ~1, fpc = ~fpc, data = apisrs)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
rows <- list()
add <- function(design, variable, domain, p, q) {
  rows[[length(rows) + 1]] <<- data.frame(design = design, variable = variable, domain = domain, p = p,
    quantile = q[["quantile"]], lower = q[[2]], upper = q[[3]], se = q[["se"]])
}
ps <- c(0.01, 0.02, 0.05, 0.25, 0.5, 0.75, 0.9)
for (v in c("api00", "enroll")) {
  r <- svyquantile(as.formula(paste0("~", v)), dsrs, ps, na.rm = TRUE)[[v]]
  for (i in seq_along(ps)) add("dsrs", v, "", ps[i], r[i, ])
}
for (s in c("E", "H", "M")) {
  r <- svyquantile(~api00, subset(dclus1, stype == s), c(0.1, 0.5, 0.9))$api00
  for (i in 1:3) add("dclus1", "api00", s, c(0.1, 0.5, 0.9)[i], r[i, ])
}
res <- do.call(rbind, rows)
for (col in c("quantile", "lower", "upper", "se")) res[[col]] <- ifelse(is.na(res[[col]]), "NA", formatC(res[[col]], digits = 17, format = "g"))
write.csv(res, out, row.names = FALSE)
