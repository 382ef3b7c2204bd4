# Reference values for `mdsurvey regress` (issue 20): R survey's svyglm (gaussian and quasibinomial),
# regTermTest (Wald) and svypredmeans with svycontrast, on the api data, linearised and replicate
# designs, a subset, missing covariates, factors and an interaction.
# Usage: Rscript tests/reference/regress.R <folder with apistrat.csv, apiclus1.csv, apiclus2.csv> [DotM dataset folder]
# With a DotM dataset folder (mdsurvey's dataset layout: household.csv and design.json), two models of
# its households are added, read from household.csv with the design named in design.json.
# Prints one JSON object: { case: { coefficients: {name: [estimate, se]}, df, tests: [[F, ndf, ddf, p]],
#   margins: {level: [mean, se]}, differences: {level: [difference, se]} } }.
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
rd <- function(name) read.csv(file.path(dir, paste0(name, ".csv")))
strat <- rd("apistrat"); clus1 <- rd("apiclus1"); clus2 <- rd("apiclus2")
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = clus2)
# Factors for svypredmeans (it needs a factor group).
dclus1f <- update(dclus1, stype = factor(stype))

fit <- function(formula, design, family = gaussian(), tests = list(), margins = NULL) {
  # The call is built with the formula and family in it, so that update() (svypredmeans) and the
  # replicate method can evaluate it again.
  m <- eval(bquote(svyglm(.(formula), design, family = .(family))))
  s <- summary(m)$coefficients
  out <- list(
    coefficients = lapply(setNames(seq_len(nrow(s)), rownames(s)), function(i) unname(s[i, 1:2])),
    df = m$df.residual,
    tests = lapply(tests, function(t) {
      r <- regTermTest(m, t)
      c(r$Ftest, r$df, r$ddf, r$p)
    })
  )
  if (!is.null(margins)) {
    pm <- svypredmeans(m, margins)
    lv <- sort(names(coef(pm)))
    out$margins <- lapply(setNames(lv, lv), function(l) c(unname(coef(pm)[l]), unname(SE(pm)[l])))
    out$differences <- lapply(setNames(lv[-1], lv[-1]), function(l) {
      w <- setNames(rep(0, length(coef(pm))), names(coef(pm)))
      w[l] <- 1; w[lv[1]] <- -1
      k <- svycontrast(pm, w)
      c(unname(coef(k)), unname(SE(k)))
    })
  }
  out
}

res <- list(
  strat_gaussian = fit(api00 ~ ell + meals + stype, dstrat, tests = list(~stype, ~ell + meals)),
  clus1_logistic = fit(I(sch.wide == "Yes") ~ ell + stype, dclus1, quasibinomial(), tests = list(~stype)),
  clus1_jk1_interaction_subset = fit(api00 ~ ell * stype + mobility, subset(as.svrepdesign(dclus1, type = "JK1"), enroll > 300),
    tests = list(~ell:stype)),
  clus1_missing = fit(api00 ~ acs.46 + stype, dclus1, tests = list(~stype)),
  clus1_margins_gaussian = fit(api00 ~ ell + meals, dclus1f, margins = ~stype),
  clus1_margins_logistic = fit(I(awards == "Yes") ~ ell + meals, dclus1f, quasibinomial(), margins = ~stype),
  clus2_logistic = fit(I(both == "Yes") ~ api99 + stype, dclus2, quasibinomial(), tests = list(~stype)),
  strat_jkn_logistic = fit(I(sch.wide == "Yes") ~ meals + factor(yr.rnd), as.svrepdesign(dstrat, type = "JKn"), quasibinomial()),
  strat_subset_logistic = fit(I(awards == "Yes") ~ meals + ell, subset(dstrat, stype != "E"), quasibinomial(), tests = list(~meals + ell))
)
if (length(args) > 1) {
  design <- jsonlite::fromJSON(file.path(args[2], "design.json"))
  hh <- read.csv(file.path(args[2], "household.csv"))
  dhh <- svydesign(ids = reformulate(design$ids), strata = reformulate(design$strata), weights = reformulate(design$weights), data = hh)
  dhh <- update(dhh, hh_migration_status = factor(hh_migration_status), hh_migrant = factor(hh_migrant))
  res$dotm_consumption <- fit(consumption_annual ~ hh_size + urban + factor(head_sex) + region, dhh,
    tests = list(~region), margins = ~hh_migration_status)
  res$dotm_account <- fit(f_account ~ hh_size + urban + region, dhh, quasibinomial(), margins = ~hh_migrant)
  res$dotm_account_jk1 <- fit(f_account ~ hh_size + urban + factor(head_sex), subset(as.svrepdesign(dhh, type = "JKn"), region != "North"),
    quasibinomial(), tests = list(~hh_size + urban))
}
# Every number with 17 significant digits (jsonlite rounds to 15).
exact <- function(x) {
  if (is.list(x)) return(lapply(x, exact))
  v <- ifelse(is.finite(x), sprintf("%.17g", x), "null")
  structure(if (length(v) == 1) v else paste0("[", paste(v, collapse = ","), "]"), class = "json")
}
cat(jsonlite::toJSON(exact(res), auto_unbox = TRUE, json_verbatim = TRUE))
