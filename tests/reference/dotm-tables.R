# Reference values for `mdsurvey tabulate DATASET --preset nativity-sex-age --age-groups 0,15,65`,
# computed with R `survey` from the exported .dta files.
#
#   Rscript tests/reference/dotm-tables.R EXPORT_DIR OUT.csv
#
# Per age group (0-14, 15-64, 65+): the weighted count of every nativity x sex cell and margin
# (svytotal of the cell's 0/1 indicator on the age group's subset), its share of the table in percent
# (svymean), for cells its share of the row and of the column (svymean of the indicator on the row's or
# column's subset), and the Rao-Scott second-order F test (svychisq, statistic "F").
suppressPackageStartupMessages({
  library(haven)
  library(survey)
})
options(survey.lonely.psu = "fail")
args <- commandArgs(trailingOnly = TRUE)
m <- as.data.frame(zap_labels(read_dta(file.path(args[1], "members.dta"))))
m$country_birth[m$country_birth == ""] <- NA
# The survey country (design.json settings.host_country): born there is native-born; unknown and stateless are neither.
design <- paste(readLines(file.path(args[1], "design.json")), collapse = "")
host <- if (grepl('"host_country": *"[A-Z]+"', design)) sub('.*"host_country": *"([A-Z]+)".*', "\\1", design) else "THIS"
m$nativity <- ifelse(is.na(m$country_birth) | m$country_birth %in% c("XXX", "XXA"), NA, ifelse(m$country_birth %in% c(host, "THIS"), "native-born", "foreign-born"))
m$age_group <- cut(m$age, c(0, 15, 65, Inf), right = FALSE, labels = c("0-14", "15-64", "65+"))
des <- svydesign(ids = ~ea, strata = ~region, weights = ~weight, data = m)
rows <- list()
for (g in levels(m$age_group)) {
  scope <- subset(des, age_group == g & !is.na(nativity) & !is.na(sex))
  v <- scope$variables
  cells <- list()
  for (a in c(sort(unique(v$nativity)), NA)) for (s in c(sort(unique(v$sex)), NA)) cells[[length(cells) + 1]] <- c(a, s)
  for (cell in cells) {
    ind <- (is.na(cell[1]) | v$nativity == cell[1]) & (is.na(cell[2]) | v$sex == as.numeric(cell[2]))
    d <- update(scope, .in = as.numeric(ind))
    tot <- svytotal(~.in, d)
    share <- svymean(~.in, d)
    rp <- c(NA, NA)
    cp <- c(NA, NA)
    if (!is.na(cell[1]) && !is.na(cell[2])) {
      r <- svymean(~.in, subset(d, nativity == cell[1]))
      k <- svymean(~.in, subset(d, sex == as.numeric(cell[2])))
      rp <- 100 * c(coef(r)[[1]], SE(r)[[1]])
      cp <- 100 * c(coef(k)[[1]], SE(k)[[1]])
    }
    rows[[length(rows) + 1]] <- data.frame(age_group = g, row = ifelse(is.na(cell[1]), "Total", cell[1]), col = ifelse(is.na(cell[2]), "Total", cell[2]),
      count = coef(tot)[[1]], count_se = SE(tot)[[1]], percent = 100 * coef(share)[[1]], percent_se = 100 * SE(share)[[1]],
      row_pct = rp[1], row_pct_se = rp[2], col_pct = cp[1], col_pct_se = cp[2], f = NA, p = NA)
  }
  test <- svychisq(~nativity + sex, scope, statistic = "F")
  rows[[length(rows) + 1]] <- data.frame(age_group = g, row = "test", col = "test", count = NA, count_se = NA, percent = NA, percent_se = NA,
    row_pct = NA, row_pct_se = NA, col_pct = NA, col_pct_se = NA, f = test$statistic[[1]], p = test$p.value[[1]])
}
res <- do.call(rbind, rows)
write.csv(format(res, digits = 17), args[2], row.names = FALSE, na = "NA")
