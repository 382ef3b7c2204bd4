# Reference values for the analysis commands on calibrated designs (issue 20): R survey's postStratify(),
# rake() and calibrate() on dclus1 (apiclus1), linearised and JK1, then svymean, svytotal, svyttest,
# svychisq and svyglm on each.
# Usage: Rscript tests/reference/calibrated-commands.R <folder with apiclus1.csv>
suppressMessages(library(survey))
a <- read.csv(file.path(commandArgs(trailingOnly = TRUE)[1], "apiclus1.csv"))
d <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = a)
r <- as.svrepdesign(d, type = "JK1")
pt <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
ps <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
designs <- list(
  poststratify = postStratify(d, ~stype, pt),
  rake = rake(d, list(~stype, ~sch.wide), list(pt, ps)),
  calibrate = calibrate(d, ~stype + api99, c(6194, 755, 1018, 3914069)),
  logit = calibrate(d, ~stype + api99, c(6194, 755, 1018, 3914069), calfun = "logit", bounds = c(0.5, 2.5)),
  jk1_poststratify = postStratify(r, ~stype, pt),
  jk1_rake = rake(r, list(~stype, ~sch.wide), list(pt, ps)),
  jk1_calibrate = calibrate(r, ~stype + api99, c(6194, 755, 1018, 3914069)),
  # Bounds two replicates cannot reach: R warns and keeps their last weights.
  jk1_logit_unreached = suppressWarnings(calibrate(r, ~stype + api99, c(6194, 755, 1018, 3914069), calfun = "logit", bounds = c(0.6, 1.8)))
)
res <- lapply(designs, function(x) {
  m <- svymean(~api00, x)
  t <- svytotal(~enroll, x)
  tt <- svyttest(api00 ~ sch.wide, x)
  chi <- svychisq(~sch.wide + comp.imp, x)
  g <- svyglm(api00 ~ ell + meals, x)
  list(
    mean = c(coef(m), SE(m)),
    total = c(coef(t), SE(t)),
    ttest = c(tt$estimate, tt$statistic, tt$parameter, tt$p.value),
    chisq = c(chi$statistic, chi$parameter, chi$p.value),
    glm = c(coef(g), SE(g))
  )
})
exact <- function(x) {
  if (is.list(x)) return(lapply(x, exact))
  v <- ifelse(is.finite(x), sprintf("%.17g", x), "null")
  structure(paste0("[", paste(v, collapse = ","), "]"), class = "json")
}
cat(jsonlite::toJSON(exact(res), auto_unbox = TRUE, json_verbatim = TRUE))
