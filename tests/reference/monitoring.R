# Reference values for the change between two survey rounds (issue 23), from the rounds' household files:
# independent rounds: each round's own design, svymean / svyby per round, the variance of the change the
# sum of the two variances; rounds sharing PSUs: the two rounds stacked into one design (same strata and
# PSUs), the round a domain (svyby with covmat = TRUE), the change by svycontrast.
# Usage: Rscript tests/reference/monitoring.R ROUND1_DIR ROUND2_DIR independent|shared-psus
# Prints {indicator: {group: [change, se]}} for two household indicators and the groups all, H1 and
# migrant (every status but H0).
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
read_round <- function(dir, id) {
  h <- read.csv(file.path(dir, "household.csv"))
  h$round <- id
  h$migrant <- ifelse(h$hh_migration_status == "H0", "H0", "migrant")
  h[, c("round", "region", "ea", "weight", "hh_has_return", "hh_remit_receiving", "hh_migration_status", "migrant")]
}
h1 <- read_round(args[1], "r1")
h2 <- read_round(args[2], "r2")
design <- function(h) svydesign(ids = ~ea, strata = ~region, weights = ~weight, data = h)
indicators <- c(mig_return_hh = "hh_has_return", rem_receiving_hh = "hh_remit_receiving")
groups <- list(all = function(h) rep(TRUE, nrow(h)), H1 = function(h) h$hh_migration_status == "H1", migrant = function(h) h$migrant == "migrant")
res <- list()
for (ind in names(indicators)) {
  f <- reformulate(indicators[[ind]])
  res[[ind]] <- list()
  for (g in names(groups)) {
    if (args[3] == "independent") {
      m1 <- svymean(f, subset(design(h1), groups[[g]](h1)))
      m2 <- svymean(f, subset(design(h2), groups[[g]](h2)))
      res[[ind]][[g]] <- c(coef(m2) - coef(m1), sqrt(SE(m1)^2 + SE(m2)^2))
    } else {
      h <- rbind(h1, h2)
      b <- svyby(f, ~round, subset(design(h), groups[[g]](h)), svymean, covmat = TRUE)
      k <- svycontrast(b, c(-1, 1))
      res[[ind]][[g]] <- c(coef(k), SE(k))
    }
  }
}
exact <- function(x) {
  if (is.list(x)) return(lapply(x, exact))
  structure(paste0("[", paste(sprintf("%.17g", unname(x)), collapse = ","), "]"), class = "json")
}
cat(jsonlite::toJSON(exact(res), auto_unbox = TRUE, json_verbatim = TRUE))
